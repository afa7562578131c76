import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { findingsShownTo, studentsNamedInSyncEvents } from '@roster-ledger/clever';
import type { PersonalAccess } from '@roster-ledger/domain';
import { Command, Option } from 'nest-commander';
import { LedgerCommandRunner } from './ledger-command-runner';
import { personalAccessOf, ReadEventsQuery, RecordAccessCommand, type EventsPage, type JsonObject, type RecordedEvent } from '@roster-ledger/ledger';
import { json, out, outLine } from '../output/cli-output';
import { nextPageLine } from '../output/next-page';
import { EVENT_LINES_HEADER, eventLine } from '../output/event-line';
import { eventsForJson } from '../output/event-json';
import { cliViewer, parseIdOption, parseInteger, parsePageLimit, reportError, ROLE_OPTION, type CommonOptions } from './common-options';

interface EventsOptions extends CommonOptions {
  role?: string;
  stream?: string;
  from?: number;
  limit?: number;
}

/** Reads the event log as stored: for engineers checking what a sync wrote. */
@Command({ name: 'events', description: 'read the event log, or one stream of it' })
export class EventsCommand extends LedgerCommandRunner {
  /** It reads the log itself: read models behind it do not change its answer. */
  static readonly skipsCatchUp = true;

  constructor(
    private readonly queries: QueryBus,
    private readonly commands: CommandBus,
  ) {
    super();
  }

  async run(_: string[], options: EventsOptions): Promise<void> {
    try {
      const viewer = cliViewer('events', options.role);
      const read = await this.queries.execute<ReadEventsQuery, EventsPage>(new ReadEventsQuery(viewer, { stream: options.stream, from: options.from, limit: options.limit ?? 100 }));
      // a sync's findings as the role may see them, and the students they name logged (see findings-access)
      const page = { ...read, items: read.items.map((e) => syncEventForRole(e, personalAccessOf(viewer.role))) };
      await this.commands.execute(new RecordAccessCommand(viewer, studentsNamedInSyncEvents(page.items)));
      if (options.json) return json({ ...page, items: eventsForJson(page.items) });
      if (page.items.length === 0) return out('No events.');
      out(EVENT_LINES_HEADER);
      for (const e of page.items) outLine(eventLine(e));
      if (page.next !== null) out(nextPageLine('--from', page.next));
    } catch (error) {
      reportError(error, options.json);
    }
  }

  @Option({ flags: '--stream <streamId>', description: 'one stream, e.g. user-<id>, section-<id>, sync-<id>' })
  parseStream(value: string): string {
    return parseIdOption('--stream', value);
  }

  @Option({ flags: '--from <position>', description: 'log: events after this position; stream: from this revision' })
  parseFrom(value: string): number {
    return parseInteger('--from', value);
  }

  @Option({ flags: '--limit <n>', description: 'at most this many events (default 100)' })
  parseLimit(value: string): number {
    return parsePageLimit(value);
  }

  @Option(ROLE_OPTION)
  parseRole(value: string): string {
    return value;
  }

}

/**
 * An event of a sync's stream as a reader with `access` may see it: nothing of a value outside
 * Clever's lists in a personal field the reader may not see, as GET /syncs/:id shows them.
 */
function syncEventForRole(event: RecordedEvent, access: PersonalAccess): RecordedEvent {
  if (!event.streamId.startsWith('sync-') || access === 'full') return event;
  const data = { ...event.data };
  for (const key of ['unknownValues', 'unknownValuesAt'] as const) {
    const findings = data[key] as Record<string, JsonObject[keyof JsonObject]> | undefined;
    if (findings !== undefined) data[key] = findingsShownTo(findings, access) as JsonObject;
  }
  return { ...event, data };
}
