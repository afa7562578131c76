import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { personalAccessOf } from '../access/viewer';
import type { AccessLog, ReadModels } from '../ports/read-models.port';
import type { Clock } from '../ports/clock.port';
import { ACCESS_LOG, CLOCK, READ_MODELS } from '../ports/tokens';
import { recordNotFoundIn } from './record-not-found';
import { GetRosterAsOfQuery } from './read-queries';
import type { RosterAnswer, RosterMember } from './read-answers';
import { LoggingHandler } from './logging-handler';
import { sinceTheClassWasShared } from './since-the-class-was-shared';

@QueryHandler(GetRosterAsOfQuery)
export class GetRosterAsOfHandler extends LoggingHandler implements IQueryHandler<GetRosterAsOfQuery, RosterAnswer> {
  constructor(@Inject(READ_MODELS) private readonly models: ReadModels, @Inject(ACCESS_LOG) log: AccessLog, @Inject(CLOCK) clock: Clock) {
    super(log, clock);
  }
  async execute({ sectionId, at, viewer }: GetRosterAsOfQuery): Promise<RosterAnswer> {
    const { then, memberships, accounts } = await this.models.atOneMoment(async () => {
      // the class as it stood at that moment, not today: its name then, whether it was shared then
      const then = await this.models.classAsOf(sectionId, at);
      if (!then && !(await this.models.classRecord(sectionId))) throw await recordNotFoundIn(this.models, 'section', sectionId);
      const memberships = await this.models.rosterAsOf(sectionId, at);
      const accounts = new Map((await this.models.accountNames(memberships.map((m) => m.userId))).map((a) => [a.id, a]));
      return { then, memberships, accounts };
    });
    const access = personalAccessOf(viewer.role);
    const members: RosterMember[] = [];
    const shownStudents: string[] = [];
    for (const m of memberships) {
      const account = accounts.get(m.userId);
      // a name is identity data: every role but engineers may see it
      const name = access === 'none' ? null : (account?.name ?? null);
      if (name && account?.student) shownStudents.push(m.userId);
      const sinceClassShared = then !== null && sinceTheClassWasShared(m.sinceSync, then);
      members.push({ ...m, name, status: account?.status ?? 'unknown', sinceClassShared });
    }
    await this.logAccess(viewer, shownStudents);
    const f = then?.section.fields ?? {};
    const text = (v: unknown) => (typeof v === 'string' ? v : null);
    return {
      sectionId,
      at,
      class: {
        name: text(f['name']),
        schoolId: text(f['school']),
        termId: text(f['term_id']),
        courseId: text(f['course']),
        status: then?.status ?? 'not yet shared',
      },
      teachers: members.filter((m) => m.role === 'teacher'),
      students: members.filter((m) => m.role === 'student'),
      personalRedacted: access === 'none' && members.length > 0,
      momentToCome: at > this.clock.now().toISOString(),
    };
  }
}
