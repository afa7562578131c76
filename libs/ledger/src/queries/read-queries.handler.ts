import { Inject } from '@nestjs/common';
import { InvalidInput } from '@roster-ledger/domain';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { personalAccessOf, type Viewer } from '../access/viewer';
import type { AccessLog, AccessLogEntry, AccountsFound, AuditFilter, ClassName, LoggedChange, Page, ReadModels } from '../ports/read-models.port';
import type { ProjectionControl, ProjectionStatus } from '../ports/projections.port';
import type { Clock } from '../ports/clock.port';
import { ACCESS_LOG, CLOCK, EVENT_STORE, PROJECTION_CONTROL, READ_MODELS } from '../ports/tokens';
import type { EventStore } from '../ports/event-store.port';
import { NotFound } from '../errors/ledger-errors';
import { recordAccess } from '../access/record-access';
import { recordNotFound, recordNotFoundIn } from './record-not-found';
import { checkAuditRange, checkAuditTypes } from './audit-vocabulary';
import {
  GetAccessLogQuery,
  GetAccountQuery,
  GetAuditFeedQuery,
  GetClassesAsOfQuery,
  GetProjectionStatusQuery,
  GetRosterAsOfQuery,
  GetTimelineQuery,
  SearchAccountsQuery,
  SearchClassesQuery,
} from './read-queries';
import {
  accountAnswer,
  changeAnswer,
  isStudent,
  studentsShown,
  type AccountAnswer,
  type AccountSearchPage,
  type ClassesAsOfAnswer,
  type ClassMembership,
  type ClassSearchHit,
  type RosterAnswer,
  type RosterMember,
} from './read-answers';
import { relatedRecords, type TimelineEntry } from './timeline-related';

/**
 * A mistyped district, sync or school would read as "nothing changed" (or "no one matches"): one
 * the audit feed has never recorded (a sync or school: in that district) is not found. Asked only
 * of an empty first page, each with one look-up by an index of the audit feed.
 * @throws NotFound naming the first of them that the feed has never recorded
 */
async function checkRecorded(models: ReadModels, { districtId, syncId, schoolId }: Pick<AuditFilter, 'districtId' | 'syncId' | 'schoolId'>): Promise<void> {
  const inDistrict = districtId === undefined ? '' : ` in district ${districtId}`;
  const checks: [AuditFilter, string][] = [];
  if (districtId !== undefined) checks.push([{ districtId }, `district ${districtId}`]);
  if (syncId !== undefined) checks.push([{ districtId, syncId }, `sync ${syncId}${inDistrict}`]);
  if (schoolId !== undefined) checks.push([{ districtId, schoolId }, `school ${schoolId}${inDistrict}`]);
  for (const [only, what] of checks) {
    if ((await models.audit(only, { limit: 1 })).length === 0) throw new NotFound(what);
  }
}

/** Writes the access log entry of a request that showed students' personal data. */
abstract class LoggingHandler {
  constructor(
    protected readonly log: AccessLog,
    protected readonly clock: Clock,
  ) {}

  protected async logAccess(viewer: Viewer, studentIds: string[]): Promise<void> {
    await recordAccess(this.log, this.clock, viewer, studentIds);
  }
}

@QueryHandler(SearchAccountsQuery)
export class SearchAccountsHandler extends LoggingHandler implements IQueryHandler<SearchAccountsQuery, AccountSearchPage> {
  constructor(@Inject(READ_MODELS) private readonly models: ReadModels, @Inject(ACCESS_LOG) log: AccessLog, @Inject(CLOCK) clock: Clock) {
    super(log, clock);
  }
  /** @throws NotFound for a `districtId` the ledger has never recorded: "no account matches" would read as a search that missed */
  async execute({ text, viewer, options }: SearchAccountsQuery): Promise<AccountSearchPage> {
    const access = personalAccessOf(viewer.role);
    const found = access === 'none' ? await this.byCleverId(text, options) : await this.models.searchAccounts(text, options);
    if (found.items.length === 0 && options.after === undefined) await checkRecorded(this.models, { districtId: options.districtId });
    await this.logAccess(viewer, found.items.filter(isStudent).map((a) => a.id));
    return {
      items: found.items.map((a) => accountAnswer(a, access)),
      next: found.next,
      searchedBy: access === 'none' ? 'clever id' : 'name or identifier',
      foundByFormer: found.foundByFormer,
    };
  }

  /**
   * A role that may see no personal data finds an account by its Clever id alone. A match by
   * name, email or SIS number would tell it whose they are (and a search page's order, and its
   * cursor, follow names), though it is shown none of them.
   */
  private async byCleverId(text: string, options: SearchAccountsQuery['options']): Promise<AccountsFound> {
    const id = text.trim();
    const account = options.after === undefined ? ((await this.models.account(id)) ?? (await this.models.account(id.toLowerCase()))) : null;
    const inDistrict = account !== null && (options.districtId === undefined || account.districtId === options.districtId);
    return { items: inDistrict ? [account] : [], next: null, foundByFormer: [] };
  }
}

@QueryHandler(GetAccountQuery)
export class GetAccountHandler extends LoggingHandler implements IQueryHandler<GetAccountQuery, AccountAnswer> {
  constructor(@Inject(READ_MODELS) private readonly models: ReadModels, @Inject(ACCESS_LOG) log: AccessLog, @Inject(CLOCK) clock: Clock) {
    super(log, clock);
  }
  async execute({ id, viewer }: GetAccountQuery): Promise<AccountAnswer> {
    const account = await this.models.account(id);
    if (!account) throw await recordNotFoundIn(this.models, 'user', id);
    if (isStudent(account)) await this.logAccess(viewer, [account.id]);
    return accountAnswer(account, personalAccessOf(viewer.role));
  }
}

@QueryHandler(GetTimelineQuery)
export class GetTimelineHandler extends LoggingHandler implements IQueryHandler<GetTimelineQuery, Page<TimelineEntry>> {
  constructor(@Inject(READ_MODELS) private readonly models: ReadModels, @Inject(ACCESS_LOG) log: AccessLog, @Inject(CLOCK) clock: Clock) {
    super(log, clock);
  }
  async execute({ kind, id, viewer, page }: GetTimelineQuery): Promise<Page<TimelineEntry>> {
    const access = personalAccessOf(viewer.role);
    const { items, related, students } = await this.models.atOneMoment(async () => {
      const items = (await this.models.timeline(kind, id, page)).map((c) => changeAnswer(c, access));
      if (items.length === 0 && page.after === undefined && !(await this.known(kind, id))) throw await recordNotFoundIn(this.models, kind, id);
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

@QueryHandler(SearchClassesQuery)
export class SearchClassesHandler implements IQueryHandler<SearchClassesQuery, Page<ClassSearchHit>> {
  constructor(@Inject(READ_MODELS) private readonly models: ReadModels) {}
  /**
   * No student's data (a class's name is shown to every role, on timelines and rosters too), so no access log entry.
   * @throws NotFound for a `districtId` the ledger has never recorded: "no class matches" would read as a search that missed
   */
  async execute({ text, options }: SearchClassesQuery): Promise<Page<ClassSearchHit>> {
    const { found, schools } = await this.models.atOneMoment(async () => {
      const found = await this.models.searchClasses(text, options);
      if (found.items.length === 0 && options.after === undefined) await checkRecorded(this.models, { districtId: options.districtId });
      // the schools' names in one look-up for the page: an id alone tells support nothing
      const ids = [...new Set(found.items.map((c) => c.schoolId).filter((id): id is string => id !== null))];
      return { found, schools: ids.length === 0 ? [] : await this.models.names(ids.map((id) => ({ kind: 'school' as const, id }))) };
    });
    const named = new Map(schools.map((s) => [s.id, s]));
    return {
      items: found.items.map((c) => {
        const school = c.schoolId === null ? undefined : named.get(c.schoolId);
        return { ...c, schoolName: school?.name ?? null, schoolStatus: school === undefined ? 'unknown' : school.active ? 'active' : 'removed' };
      }),
      next: found.next,
    };
  }
}

@QueryHandler(GetClassesAsOfQuery)
export class GetClassesAsOfHandler implements IQueryHandler<GetClassesAsOfQuery, ClassesAsOfAnswer> {
  constructor(@Inject(READ_MODELS) private readonly models: ReadModels, @Inject(CLOCK) private readonly clock: Clock) {}
  async execute({ userId, at }: GetClassesAsOfQuery): Promise<ClassesAsOfAnswer> {
    const { memberships, named, then } = await this.models.atOneMoment(async () => {
      if ((await this.models.account(userId)) === null) throw await recordNotFoundIn(this.models, 'user', userId);
      // the person as they stood then: no class then reads otherwise before their first share
      const then = await this.models.accountAsOf(userId, at);
      const memberships = await this.models.classesOfUserAsOf(userId, at);
      // the classes' names in one look-up by id, no class document read
      const named = new Map((await this.models.classNames([...new Set(memberships.map((m) => m.sectionId))])).map((c) => [c.id, c]));
      return { memberships, named, then };
    });
    const classes = memberships.map((m): ClassMembership => {
      const found = named.get(m.sectionId);
      // in the class when the ledger recorded it shared: joined then or before, as a roster says
      const sinceClassShared = found !== undefined && sinceTheClassWasShared(m.sinceSync, found);
      return { ...m, className: found?.name ?? null, status: found?.status ?? 'unknown', sinceClassShared };
    });
    return { userId, at, accountStatus: then?.status ?? 'not yet shared', classes, momentToCome: at > this.clock.now().toISOString() };
  }
}

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

/**
 * A position past the end of the log was never given by this ledger: the last position of an
 * export of another ledger, of a newer copy of this one, or a damaged file of positions. Taken as
 * it is, every export after it would be empty, and a nightly series would go on writing nothing
 * without a word.
 */
async function checkInLog(after: number, store: Pick<EventStore, 'headPosition'>): Promise<void> {
  const head = await store.headPosition();
  if (after > head) {
    throw new InvalidInput(`${after} is past the end of this ledger's log (its last position is ${head}): give a position of this ledger's log (the last of an earlier export, or a page's next), or leave it out to start from the beginning`, { field: 'after' });
  }
}

@QueryHandler(GetAccessLogQuery)
export class GetAccessLogHandler implements IQueryHandler<GetAccessLogQuery, Page<AccessLogEntry>> {
  constructor(
    @Inject(ACCESS_LOG) private readonly log: AccessLog,
    @Inject(READ_MODELS) private readonly models: ReadModels,
  ) {}
  async execute({ filter }: GetAccessLogQuery): Promise<Page<AccessLogEntry>> {
    const page = await this.log.query(filter);
    // "no reads" of an id that names no account (a SIS id, a stream's name) is not "nobody read it"
    const { studentId } = filter;
    if (page.items.length === 0 && filter.after === undefined && studentId !== undefined && (await this.models.account(studentId)) === null) {
      throw recordNotFound('user', studentId, 'the access log names students by their account id, as search gives it (search finds it by name, email or SIS id)');
    }
    return page;
  }
}

@QueryHandler(GetProjectionStatusQuery)
export class GetProjectionStatusHandler implements IQueryHandler<GetProjectionStatusQuery, ProjectionStatus[]> {
  constructor(@Inject(PROJECTION_CONTROL) private readonly control: ProjectionControl) {}
  execute(): Promise<ProjectionStatus[]> {
    return this.control.status();
  }
}

/**
 * A member since the sync that shared the class, first or again after a removal: the ledger knows
 * nothing of the class before its first share, nor of it while it was not shared, so the member
 * joined at that sync or before.
 */
function sinceTheClassWasShared(sinceSync: string | null, shared: Pick<ClassName, 'firstSharedSync' | 'sharedAgainSyncs'>): boolean {
  // a class folded before the syncs that shared it again were kept has none
  return sinceSync !== null && (sinceSync === shared.firstSharedSync || (shared.sharedAgainSyncs ?? []).includes(sinceSync));
}
