import type { Viewer, ViewerRole } from '../access/viewer';
import type { AccessLog, AccessLogEntry, AccountName, ClassName, LoggedChange, NamedRecord, ReadModels, TimelineKind } from '../ports/read-models.port';
import { NotFound } from '../errors/ledger-errors';
import { GetTimelineHandler } from './get-timeline.handler';
import { GetTimelineQuery } from './read-queries';
import type { TimelineEntry } from './timeline-related';

/**
 * Timelines name the other side of each entry: the class on a person's timeline, the student or
 * teacher on a class's. Read models faked at their port (the SQLite readers have specs of their
 * own), so that what each role sees and what the access log records can be read off directly.
 */
describe('GetTimelineHandler: timelines name the records their entries name', () => {
  const AT = '2024-09-01T08:00:00.000Z';
  const people: AccountName[] = [
    { id: 'u1', status: 'active', name: { first: 'Ada', last: 'Lovelace' }, student: true },
    { id: 'u2', status: 'removed', name: { first: 'Bo', last: 'Byron' }, student: true },
    { id: 't1', status: 'active', name: { first: 'Grace', last: 'Hopper' }, student: false },
    { id: 't2', status: 'active', name: { first: 'Alan', last: 'Turing' }, student: false },
    // a student who also teaches (a student teacher): the teacher's share repeats a student's data
    { id: 'ts1', status: 'active', name: { first: 'Kit', last: 'Marlowe' }, student: true },
  ];
  const classes: ClassName[] = [
    { id: 'sec1', status: 'active', name: 'Algebra 1A', firstSharedSync: 'sync-1', sharedAgainSyncs: [] },
    { id: 'sec2', status: 'removed', name: 'Biology', firstSharedSync: 'sync-1', sharedAgainSyncs: [] },
  ];
  const records: NamedRecord[] = [
    { kind: 'school', id: 's1', name: 'Lincoln Elementary', active: true },
    { kind: 'school', id: 's2', name: 'Old Annex', active: false },
    { kind: 'term', id: 'term2', name: 'Spring 2025', active: true },
  ];

  let position = 0;
  const change = (streamId: string, type: string, data: Record<string, unknown>): LoggedChange => ({
    position: ++position,
    streamId,
    type,
    syncId: 'sync-1',
    districtId: 'd1',
    observedAt: AT,
    recordedAt: AT,
    cleverLastModified: null,
    source: 'snapshot',
    cleverEventId: null,
    data,
  });

  /** The timelines the fake read models hold, by `kind-id`, and every look-up of names they were asked. */
  let timelines: Record<string, LoggedChange[]>;
  let lookups: { accountNames: string[][]; classNames: string[][]; names: string[][] };
  let logged: AccessLogEntry[];
  let handler: GetTimelineHandler;

  beforeEach(() => {
    position = 0;
    timelines = {};
    lookups = { accountNames: [], classNames: [], names: [] };
    logged = [];
    const models: Partial<ReadModels> = {
      atOneMoment: (read) => read(),
      // for an empty page: the look-ups that tell whether the ledger knows the record (no account or class here)
      account: async () => null,
      classRecord: async () => null,
      namedByClasses: async () => false,
      timeline: async (kind, id, { after, limit }) => (timelines[`${kind}-${id}`] ?? []).filter((c) => c.position > (after ?? 0)).slice(0, limit),
      accountNames: async (ids) => (lookups.accountNames.push([...ids]), people.filter((p) => ids.includes(p.id))),
      classNames: async (ids) => (lookups.classNames.push([...ids]), classes.filter((c) => ids.includes(c.id))),
      names: async (ids) => (
        lookups.names.push(ids.map(({ kind, id }) => `${kind}-${id}`)),
        records.filter((r) => ids.some((asked) => asked.kind === r.kind && asked.id === r.id))
      ),
    };
    const log: AccessLog = { record: async (entry) => void logged.push(entry), query: async () => ({ items: logged, next: null }) };
    // the handler reads no other part of the read models for a timeline that has entries
    handler = new GetTimelineHandler(models as ReadModels, log, { now: () => new Date('2024-10-01T12:00:00.000Z') }, { headPosition: async () => position });
  });

  const viewer = (role: ViewerRole): Viewer => ({ name: `${role}-key`, role, via: 'GET /classes/:id/timeline' });
  const read = (kind: TimelineKind, id: string, role: ViewerRole, limit = 100) =>
    handler.execute(new GetTimelineQuery(kind, id, viewer(role), { limit })).then((page) => page.items);
  const relatedOf = (items: TimelineEntry[]) => items.map((c) => [c.type, c.related.map((r) => [r.id, r.name, r.status])]);

  describe("a class's timeline", () => {
    beforeEach(() => {
      timelines['section-sec1'] = [
        change('section-sec1', 'SectionShared', { id: 'sec1', record: { name: 'Algebra 1A' }, personal: {}, sharedAgain: false }),
        change('section-sec1', 'TeacherAssigned', { sectionId: 'sec1', teacherId: 't1', primary: true }),
        change('section-sec1', 'StudentEnrolled', { sectionId: 'sec1', studentId: 'u1' }),
        change('section-sec1', 'StudentUnenrolled', { sectionId: 'sec1', studentId: 'u2' }),
        change('section-sec1', 'StudentEnrolled', { sectionId: 'sec1', studentId: 'u9' }),
        change('section-sec1', 'PrimaryTeacherChanged', { sectionId: 'sec1', from: 't1', to: 't2' }),
      ];
    });

    it.each(['support', 'compliance', 'admin'] as const)('names each student and teacher for %s, a removed one by the last name it had, an id never seen by its id alone', async (role) => {
      const items = await read('section', 'sec1', role);
      expect(relatedOf(items)).toEqual([
        ['SectionShared', []],
        ['TeacherAssigned', [['t1', 'Grace Hopper', 'active']]],
        ['StudentEnrolled', [['u1', 'Ada Lovelace', 'active']]],
        ['StudentUnenrolled', [['u2', 'Bo Byron', 'removed']]],
        ['StudentEnrolled', [['u9', null, 'unknown']]],
        ['PrimaryTeacherChanged', [['t1', 'Grace Hopper', 'active'], ['t2', 'Alan Turing', 'active']]],
      ]);
      // which field of the data each names, and the ids as they were
      expect(items[1]).toMatchObject({ data: { teacherId: 't1', primary: true }, related: [{ field: 'teacherId', kind: 'user', id: 't1' }] });
      expect(items[5]!.related.map((r) => r.field)).toEqual(['from', 'to']);
      expect(JSON.stringify(items)).not.toContain('personalRedacted');
    });

    it("writes the students it names to the access log, as a roster does: who, which endpoint, which students (no teacher, no id never seen)", async () => {
      await read('section', 'sec1', 'support');
      expect(logged).toEqual([{ at: '2024-10-01T12:00:00.000Z', who: 'support-key', role: 'support', endpoint: 'GET /classes/:id/timeline', studentIds: ['u1', 'u2'] }]);
    });

    it('shows engineers ids and status but no name, says a name was left out, and logs no read of a student', async () => {
      const items = await read('section', 'sec1', 'engineer');
      expect(relatedOf(items)).toEqual([
        ['SectionShared', []],
        ['TeacherAssigned', [['t1', null, 'active']]],
        ['StudentEnrolled', [['u1', null, 'active']]],
        ['StudentUnenrolled', [['u2', null, 'removed']]],
        ['StudentEnrolled', [['u9', null, 'unknown']]],
        ['PrimaryTeacherChanged', [['t1', null, 'active'], ['t2', null, 'active']]],
      ]);
      expect(items[2]!.related[0]).toEqual({ field: 'studentId', kind: 'user', id: 'u1', name: null, status: 'active', personalRedacted: true });
      // never seen: nothing was left out
      expect(items[4]!.related[0]).not.toHaveProperty('personalRedacted');
      expect(JSON.stringify(items)).not.toMatch(/Lovelace|Hopper|Byron/);
      expect(logged).toEqual([]);
    });

    it('looks names up once per page, each kind in one batch of distinct ids, however many entries name them', async () => {
      timelines['section-sec1'] = Array.from({ length: 100 }, (_, i) => change('section-sec1', i % 2 ? 'StudentEnrolled' : 'StudentUnenrolled', { sectionId: 'sec1', studentId: `u${1 + (i % 3)}` }));
      const items = await read('section', 'sec1', 'support');
      expect(items).toHaveLength(100);
      expect(lookups.accountNames.map((ids) => [...ids].sort())).toEqual([['u1', 'u2', 'u3']]);
      expect(lookups.classNames).toEqual([]); // a class's own timeline names no class
    });
  });

  describe("a person's timeline", () => {
    beforeEach(() => {
      timelines['user-u1'] = [
        change('section-sec1', 'StudentEnrolled', { sectionId: 'sec1', studentId: 'u1' }),
        change('section-sec2', 'StudentUnenrolled', { sectionId: 'sec2', studentId: 'u1' }),
        change('section-sec9', 'StudentEnrolled', { sectionId: 'sec9', studentId: 'u1' }),
      ];
      timelines['user-t1'] = [
        change('user-t1', 'TeacherShared', { id: 't1', record: {}, personal: { name: { first: 'Grace', last: 'Hopper' } }, sharedAgain: false }),
        change('section-sec1', 'TeacherAssigned', { sectionId: 'sec1', teacherId: 't1', primary: true }),
        change('section-sec1', 'PrimaryTeacherChanged', { sectionId: 'sec1', from: 't1', to: 't2' }),
      ];
    });

    it.each(['support', 'engineer'] as const)("names the class of each enrollment for %s (a class's name is no one's personal data), and never the person themself", async (role) => {
      expect(relatedOf(await read('user', 'u1', role))).toEqual([
        ['StudentEnrolled', [['sec1', 'Algebra 1A', 'active']]],
        ['StudentUnenrolled', [['sec2', 'Biology', 'removed']]],
        ['StudentEnrolled', [['sec9', null, 'unknown']]],
      ]);
      // class names are not a read of the student's personal data
      expect(logged).toEqual([]);
    });

    it("names the class and the other teacher of a teacher's changes, not the teacher", async () => {
      const items = await read('user', 't1', 'support');
      expect(relatedOf(items)).toEqual([
        ['TeacherShared', []],
        ['TeacherAssigned', [['sec1', 'Algebra 1A', 'active']]],
        ['PrimaryTeacherChanged', [['sec1', 'Algebra 1A', 'active'], ['t2', 'Alan Turing', 'active']]],
      ]);
      expect(items[2]!.related.map((r) => r.field)).toEqual(['sectionId', 'to']);
      // a teacher who is no student: no read of a student's data
      expect(logged).toEqual([]);
    });

    it("writes a change of a student's extension fields alone to the access log for compliance, who see it, and not for support, who do not", async () => {
      timelines['user-u1'] = [change('user-u1', 'StudentUpdated', { id: 'u1', changes: { 'ext.guardian_phone': { from: '1', to: '2' } }, personal: {} })];
      const [asCompliance] = await read('user', 'u1', 'compliance');
      expect(asCompliance!.data).toEqual({ id: 'u1', changes: { 'ext.guardian_phone': { from: '1', to: '2' } }, personal: {} });
      expect(logged.map((e) => [e.role, e.studentIds])).toEqual([['compliance', ['u1']]]);
      const [asSupport] = await read('user', 'u1', 'support');
      expect(asSupport!.data).toEqual({ id: 'u1', changes: {}, personal: {}, personalRedacted: true });
      expect(logged).toHaveLength(1);
    });

    it("writes to the access log a read of a teacher's share that repeats the personal data of someone who is or was a student", async () => {
      const share = { id: 'ts1', record: {}, personal: { name: { first: 'Kit', last: 'Marlowe' }, email: 'kit@example.org' }, sharedAgain: false };
      timelines['user-ts1'] = [change('user-ts1', 'TeacherShared', share)];
      await read('user', 'ts1', 'support');
      expect(logged.map((e) => e.studentIds)).toEqual([['ts1']]);
      // one the accounts do not know yet (a read model catching up) counts as a student: an entry too many is the safe side
      timelines['user-new1'] = [change('user-new1', 'TeacherShared', { ...share, id: 'new1' })];
      await read('user', 'new1', 'support');
      expect(logged.map((e) => e.studentIds)).toEqual([['ts1'], ['new1']]);
      // engineers see none of it, and nothing is logged for them
      await read('user', 'ts1', 'engineer');
      expect(logged).toHaveLength(2);
    });
  });

  it('names the schools, term and course a change points at, before and after, in one look-up a page; one never seen by id alone', async () => {
    timelines['user-u1'] = [
      change('user-u1', 'StudentUpdated', { id: 'u1', changes: { school: { from: 's2', to: 's1' }, schools: { from: ['s2'], to: ['s1', 's9'] } }, personal: {} }),
      change('section-sec1', 'SectionUpdated', { id: 'sec1', changes: { term_id: { from: 'term1', to: 'term2' }, period: { from: '1', to: '2' } }, personal: {} }),
    ];
    const items = await read('user', 'u1', 'engineer'); // names of schools and terms are no one's personal data
    expect(items[0]!.related).toEqual([
      { field: 'changes.school', kind: 'school', id: 's2', name: 'Old Annex', status: 'removed' },
      { field: 'changes.school', kind: 'school', id: 's1', name: 'Lincoln Elementary', status: 'active' },
      { field: 'changes.schools', kind: 'school', id: 's2', name: 'Old Annex', status: 'removed' },
      { field: 'changes.schools', kind: 'school', id: 's1', name: 'Lincoln Elementary', status: 'active' },
      { field: 'changes.schools', kind: 'school', id: 's9', name: null, status: 'unknown' },
    ]);
    expect(relatedOf(items)[1]).toEqual([
      'SectionUpdated',
      [
        ['sec1', 'Algebra 1A', 'active'],
        ['term1', null, 'unknown'],
        ['term2', 'Spring 2025', 'active'],
      ],
    ]);
    expect(lookups.names).toEqual([['school-s2', 'school-s1', 'school-s9', 'term-term1', 'term-term2']]);
    // on a school's own timeline, the school a change points at is named too: both sides of the move
    timelines['school-s1'] = [timelines['user-u1'][0]!];
    expect((await read('school', 's1', 'support'))[0]!.related.map((r) => `${r.field} ${r.id} ${r.name}`)).toEqual([
      'id u1 Ada Lovelace',
      'changes.school s2 Old Annex',
      'changes.school s1 Lincoln Elementary',
      'changes.schools s2 Old Annex',
      'changes.schools s1 Lincoln Elementary',
      'changes.schools s9 null',
    ]);
  });

  it("names the person or class each change on a school's timeline is about, and logs the students it names", async () => {
    timelines['school-s1'] = [
      change('user-u1', 'StudentUpdated', { id: 'u1', changes: { grade: { from: '9', to: '10' } }, personal: {} }),
      change('user-u2', 'StudentRemoved', { id: 'u2' }),
      change('section-sec1', 'SectionUpdated', { id: 'sec1', changes: { period: { from: '1', to: '2' } }, personal: {} }),
    ];
    const items = await read('school', 's1', 'support');
    expect(relatedOf(items)).toEqual([
      ['StudentUpdated', [['u1', 'Ada Lovelace', 'active']]],
      ['StudentRemoved', [['u2', 'Bo Byron', 'removed']]],
      ['SectionUpdated', [['sec1', 'Algebra 1A', 'active']]],
    ]);
    expect(items.map((c) => c.related[0]!.field)).toEqual(['id', 'id', 'id']);
    expect(logged.map((e) => e.studentIds)).toEqual([['u1', 'u2']]);
  });

  describe('an empty page asked for with after', () => {
    const page = (kind: TimelineKind, id: string, after: number) => handler.execute(new GetTimelineQuery(kind, id, viewer('support'), { limit: 10, after }));
    beforeEach(() => {
      timelines['school-s1'] = [change('school-s1', 'SchoolUpdated', { id: 's1', changes: { name: { from: 'Annex', to: 'Lincoln Elementary' } }, personal: {} })];
      timelines['school-s2'] = [change('school-s2', 'SchoolUpdated', { id: 's2', changes: { name: { from: 'Annex', to: 'Old Annex' } }, personal: {} })];
    });

    it('is the page after the last change of a record the ledger knows, up to the end of the log', async () => {
      expect(await page('school', 's1', 1)).toEqual({ items: [], next: null });
      expect(await page('school', 's1', 2)).toEqual({ items: [], next: null });
    });

    it('of a position past the end of the log is refused, naming after and the last position', async () => {
      await expect(page('school', 's1', 3)).rejects.toMatchObject({
        rule: "3 is past the end of this ledger's log (its last position is 2): give a position of this ledger's log (the last of an earlier export, or a page's next), or leave it out to start from the beginning",
        at: { field: 'after' },
      });
    });

    it('of a record the ledger never shared, but whose timeline holds changes (a school only referenced), is the page after them', async () => {
      timelines['school-s9'] = [change('user-u1', 'StudentShared', { id: 'u1', record: { school: 's9' }, personal: {} })];
      expect(await page('school', 's9', 3)).toEqual({ items: [], next: null });
    });

    it('of a record the ledger never recorded is no such record, as its first page is, after=0 too', async () => {
      for (const after of [0, 1, 5]) await expect(page('school', 'nope', after)).rejects.toThrow(NotFound);
    });
  });
});
