import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { personalAccessOf } from '../access/viewer';
import type { AccessLog, Page, ReadModels } from '../ports/read-models.port';
import type { Clock } from '../ports/clock.port';
import type { EventStore } from '../ports/event-store.port';
import { ACCESS_LOG, CLOCK, EVENT_STORE, READ_MODELS } from '../ports/tokens';
import { checkInLog } from './check-in-log';
import { recordNotFoundIn } from './record-not-found';
import { GetTimelineQuery } from './read-queries';
import { changeAnswer, studentsShown } from './read-answers';
import { relatedRecords, type TimelineEntry } from './timeline-related';
import { LoggingHandler } from './logging-handler';

@QueryHandler(GetTimelineQuery)
export class GetTimelineHandler extends LoggingHandler implements IQueryHandler<GetTimelineQuery, Page<TimelineEntry>> {
  constructor(
    @Inject(READ_MODELS) private readonly models: ReadModels,
    @Inject(ACCESS_LOG) log: AccessLog,
    @Inject(CLOCK) clock: Clock,
    @Inject(EVENT_STORE) private readonly store: Pick<EventStore, 'headPosition'>,
  ) {
    super(log, clock);
  }
  async execute({ kind, id, viewer, page }: GetTimelineQuery): Promise<Page<TimelineEntry>> {
    const access = personalAccessOf(viewer.role);
    const { items, related, students } = await this.models.atOneMoment(async () => {
      const items = (await this.models.timeline(kind, id, page)).map((c) => changeAnswer(c, access));
      // an empty page of a record never recorded is no such record, whatever page was asked for (`after=0` is the
      // first; a school only referenced, never shared, has a timeline of its people all the same); one of a
      // position past the end of the log was never given by this ledger
      if (items.length === 0 && !(await this.known(kind, id)) && (page.after === undefined || (await this.models.timeline(kind, id, { limit: 1 })).length === 0)) {
        throw await recordNotFoundIn(this.models, kind, id);
      }
      if (items.length === 0 && page.after !== undefined) await checkInLog(page.after, this.store);
      const { related, studentsNamed } = await relatedRecords(this.models, items, { kind, id }, access);
      // the students whose own data the page shows, and those it names: one entry, as a roster's
      return { items, related, students: [...new Set([...(await studentsShown(items, this.models)), ...studentsNamed])] };
    });
    await this.logAccess(viewer, students);
    const last = items[items.length - 1];
    return { items: items.map((c, i) => ({ ...c, related: related[i] ?? [] })), next: items.length === page.limit && last ? String(last.position) : null };
  }

  /** Whether the ledger has ever recorded this record: an empty timeline of an unknown id is a 404. */
  private async known(kind: GetTimelineQuery['kind'], id: string): Promise<boolean> {
    if (kind === 'user') return (await this.models.account(id)) !== null;
    if (kind === 'section') return (await this.models.classRecord(id)) !== null;
    return (await this.models.names([{ kind, id }])).length > 0;
  }
}
