import { QueryBus } from '@nestjs/cqrs';
import { Command, Option } from 'nest-commander';
import { LedgerCommandRunner } from './ledger-command-runner';
import { ReadEventsQuery, type EventsPage } from '@roster-ledger/ledger';
import { json, out, outLine } from '../output/cli-output';
import { nextPageLine } from '../output/next-page';
import { EVENT_LINES_HEADER, eventLine } from '../output/event-line';
import { cliViewer, parseInteger, parsePageLimit, reportError, ROLE_OPTION, type CommonOptions } from './common-options';

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

  constructor(private readonly queries: QueryBus) {
    super();
  }

  async run(_: string[], options: EventsOptions): Promise<void> {
    try {
      const page = await this.queries.execute<ReadEventsQuery, EventsPage>(
        new ReadEventsQuery(cliViewer('events', options.role), { stream: options.stream, from: options.from, limit: options.limit ?? 100 }),
      );
      if (options.json) return json(page);
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
    return value;
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
