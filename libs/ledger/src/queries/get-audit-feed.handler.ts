import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { personalAccessOf } from '../access/viewer';
import type { AccessLog, LoggedChange, Page, ReadModels } from '../ports/read-models.port';
import type { Clock } from '../ports/clock.port';
import { ACCESS_LOG, CLOCK, EVENT_STORE, READ_MODELS } from '../ports/tokens';
import type { EventStore } from '../ports/event-store.port';
import { checkAuditRange, checkAuditTypes } from './audit-vocabulary';
import { GetAuditFeedQuery } from './read-queries';
import { changeAnswer, studentsShown } from './read-answers';
import { checkRecorded } from './check-recorded';
import { checkInLog } from './check-in-log';
import { LoggingHandler } from './logging-handler';

@QueryHandler(GetAuditFeedQuery)
export class GetAuditFeedHandler extends LoggingHandler implements IQueryHandler<GetAuditFeedQuery, Page<LoggedChange>> {
  constructor(
    @Inject(READ_MODELS) private readonly models: ReadModels,
    @Inject(ACCESS_LOG) log: AccessLog,
    @Inject(CLOCK) clock: Clock,
    @Inject(EVENT_STORE) private readonly store: Pick<EventStore, 'headPosition'>,
  ) {
    super(log, clock);
  }
  async execute({ filter, viewer, page, namedInFindings }: GetAuditFeedQuery): Promise<Page<LoggedChange>> {
    checkAuditRange(filter);
    checkAuditTypes(filter);
    const { items, students } = await this.models.atOneMoment(async () => {
      const found = await this.models.audit(filter, { after: page.after, limit: page.limit });
      if (found.length === 0 && (page.after === undefined || page.first === true)) await checkRecorded(this.models, filter);
      if (found.length === 0 && page.after !== undefined) await checkInLog(page.after, this.store);
      const items = found.map((c) => changeAnswer(c, personalAccessOf(viewer.role)));
      return { items, students: [...new Set([...(await studentsShown(items, this.models)), ...namedInFindings(items)])] };
    });
    await this.logAccess(viewer, students);
    const last = items[items.length - 1];
    return { items, next: items.length === page.limit && last ? String(last.position) : null };
  }
}
