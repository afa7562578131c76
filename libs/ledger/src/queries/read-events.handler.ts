import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { redactEventData } from '@roster-ledger/domain';
import { personalAccessOf } from '../access/viewer';
import type { EventStore, JsonObject, RecordedEvent } from '../ports/event-store.port';
import type { AccessLog } from '../ports/read-models.port';
import type { Clock } from '../ports/clock.port';
import { ACCESS_LOG, CLOCK, EVENT_STORE } from '../ports/tokens';
import { studentsShown } from './read-answers';
import { ReadEventsQuery } from './read-events.query';

/**
 * The raw log, for engineers checking what a sync wrote: personal data is cut for the viewer's
 * role and every page that shows a student's personal data goes to the access log, as for any
 * other read.
 */
@QueryHandler(ReadEventsQuery)
export class ReadEventsHandler implements IQueryHandler<ReadEventsQuery, RecordedEvent[]> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(ACCESS_LOG) private readonly log: AccessLog,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ viewer, options }: ReadEventsQuery): Promise<RecordedEvent[]> {
    const access = personalAccessOf(viewer.role);
    const events: RecordedEvent[] = [];
    const source =
      options.stream === undefined
        ? this.store.readAll({ after: options.from, maxCount: options.limit })
        : this.store.readStream(options.stream, { fromRevision: options.from, maxCount: options.limit });
    for await (const event of source) events.push({ ...event, data: redactEventData(event.data, access) as JsonObject });
    const students = access === 'none' ? [] : studentsShown(events);
    if (students.length > 0) {
      await this.log.record({ at: this.clock.now().toISOString(), who: viewer.name, role: viewer.role, endpoint: viewer.via, studentIds: students });
    }
    return events;
  }
}
