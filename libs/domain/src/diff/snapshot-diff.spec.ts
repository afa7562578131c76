import { diffSnapshot, notesSource, SnapshotDiff, type DiffContext, type DiffResult, type Snapshot, type StreamChange } from './snapshot-diff';
import { LedgerState } from '../state/ledger-state';
import { summariseUser } from '../state/user-states';
import { summariseSection, type ListedUsersFinder } from '../state/section-states';
import { RECORD_KINDS, type RosterRecord, type SectionRecord, type UserRecord } from '../records/roster-records';
import type { Fields } from '../records/fields';
import { InvalidInput } from '../errors/domain-error';

const D = 'district-1';
const ALL = RECORD_KINDS;

// ---- builders: small, readable records -------------------------------------------------------
const school = (id: string, fields: Fields = { name: `School ${id}` }): RosterRecord => ({
  kind: 'school', id, districtId: D, fields, personal: {},
});
const term = (id: string, name = 'Fall'): RosterRecord => ({ kind: 'term', id, districtId: D, fields: { name }, personal: {} });
const course = (id: string, name = 'Algebra'): RosterRecord => ({ kind: 'course', id, districtId: D, fields: { name }, personal: {} });
const student = (id: string, over: { fields?: Fields; personal?: Fields; name?: Fields } = {}): UserRecord => ({
  kind: 'user', id, districtId: D,
  fields: {},
  personal: { name: over.name ?? { first: 'Ada', last: 'Lovelace' }, email: `${id}@example.org` },
  roles: {
    student: {
      fields: { school: 's1', schools: ['s1'], grade: '9', ...over.fields },
      personal: { sis_id: `sis-${id}`, gender: 'F', race: 'Asian', location: { zip: '10001' }, ...over.personal },
    },
  },
});
const staffer = (id: string, roles: ('teacher' | 'staff' | 'district_admin')[], name: Fields = { first: 'Grace', last: 'Hopper' }): UserRecord => ({
  kind: 'user', id, districtId: D, fields: {},
  personal: { name, email: `${id}@example.org` },
  roles: Object.fromEntries(
    roles.map((r) => [r, { fields: r === 'district_admin' ? { title: 'Admin' } : { schools: ['s1'], title: `${r} title` }, personal: {} }]),
  ),
});
const section = (id: string, teachers: string[], students: string[], fields: Fields = {}): SectionRecord => ({
  kind: 'section', id, districtId: D, teachers, students,
  fields: { school: 's1', name: `Section ${id}`, term_id: 't1', course: 'c1', ...fields }, personal: {},
});
const snapshot = (...records: RosterRecord[]): Snapshot => ({ kinds: ALL, records });

// ---- given / when / then ---------------------------------------------------------------------
let syncNo = 0;
/** The ledger state after recording each of the given snapshots, in order. */
function given(...snapshots: Snapshot[]): LedgerState {
  const state = new LedgerState();
  for (const snap of snapshots) {
    const result = diffSnapshot(state, snap, { syncId: `given-${++syncNo}`, districtId: D });
    for (const change of result.changes) {
      state.applyChange(change);
    }
  }
  return state;
}
const when = (state: LedgerState, snap: Snapshot, syncId = 'sync-under-test'): DiffResult =>
  diffSnapshot(state, snap, { syncId, districtId: D });
/** The planned events as `[stream, type, data]`, the way a reviewer reads them. */
const events = (result: DiffResult) =>
  result.changes.flatMap((c) => c.events.map((e) => [c.streamId, e.type, e.data] as const));
const types = (result: DiffResult) => events(result).map(([stream, type]) => `${stream} ${type}`);

describe('snapshot diff', () => {
  const base = () => snapshot(school('s1'), term('t1'), course('c1'), student('u1'), student('u2'), staffer('tch1', ['teacher']),
    section('sec1', ['tch1'], ['u1', 'u2']));

  it('records every record of a first snapshot as shared, with members enrolled and the primary teacher flagged', () => {
    const result = when(given(), base());
    expect(types(result)).toEqual([
      'school-s1 SchoolShared', 'term-t1 TermShared', 'course-c1 CourseShared',
      'user-u1 StudentShared', 'user-u2 StudentShared', 'user-tch1 TeacherShared',
      'section-sec1 SectionShared', 'section-sec1 TeacherAssigned', 'section-sec1 StudentEnrolled', 'section-sec1 StudentEnrolled',
    ]);
    const [, , shared] = events(result)[3]!;
    expect(shared).toEqual({
      id: 'u1',
      record: { school: 's1', schools: ['s1'], grade: '9' },
      personal: { name: { first: 'Ada', last: 'Lovelace' }, email: 'u1@example.org', sis_id: 'sis-u1', gender: 'F', race: 'Asian', location: { zip: '10001' } },
      sharedAgain: false,
    });
    expect(events(result)[7]![2]).toEqual({ sectionId: 'sec1', teacherId: 'tch1', primary: true });
    expect(result.changes.every((c) => c.expectedRevision === 'no_stream')).toBe(true);
  });

  it('appends nothing when the same snapshot comes twice', () => {
    const result = when(given(base()), base());
    expect(result.eventCount).toBe(0);
    expect(result.changes).toEqual([]);
  });

  it('records a removed student, and the same id coming back as shared again', () => {
    const without = snapshot(school('s1'), term('t1'), course('c1'), student('u1'), staffer('tch1', ['teacher']), section('sec1', ['tch1'], ['u1']));
    const removed = when(given(base()), without);
    expect(types(removed)).toEqual(['section-sec1 StudentUnenrolled', 'user-u2 StudentRemoved']);

    const back = when(given(base(), without), base());
    expect(types(back)).toEqual(['user-u2 StudentShared', 'section-sec1 StudentEnrolled']);
    expect(events(back)[0]![2]).toMatchObject({ id: 'u2', sharedAgain: true });
  });

  it('reports field-level changes of nested fields and arrays, personal ones apart under personal', () => {
    const changed = snapshot(school('s1'), school('s2'), term('t1'), course('c1'),
      student('u1', { name: { first: 'Augusta', last: 'Lovelace' }, fields: { schools: ['s1', 's2'] }, personal: { location: { zip: '10002' } } }),
      student('u2'), staffer('tch1', ['teacher']), section('sec1', ['tch1'], ['u1', 'u2']));
    const result = when(given(base()), changed);
    const update = events(result).find(([, type]) => type === 'StudentUpdated');
    expect(update?.[2]).toEqual({
      id: 'u1',
      changes: { schools: { from: ['s1'], to: ['s1', 's2'] } },
      personal: {
        'name.first': { from: 'Ada', to: 'Augusta' },
        'location.zip': { from: '10001', to: '10002' },
      },
    });
  });

  it('takes a user\'s schools and a staff member\'s roles as sets: another order is no change, another member is', () => {
    const multi = (schools: string[], grade = '9') => student('u1', { fields: { school: 's1', schools, grade } });
    const staff = (roles: string[]): UserRecord => {
      const user = staffer('st1', ['staff']);
      user.roles.staff!.fields = { schools: ['s1', 's2'], roles };
      return user;
    };
    const before = snapshot(school('s1'), school('s2'), multi(['s1', 's2']), staff(['a', 'b']));
    const state = given(before);
    // the files re-sorted: the same schools and roles in another order
    expect(events(when(state, snapshot(school('s1'), school('s2'), multi(['s2', 's1']), staff(['b', 'a']))))).toEqual([]);
    // another change of the same record keeps the order out of it
    expect(events(when(state, snapshot(school('s1'), school('s2'), multi(['s2', 's1'], '10'), staff(['b', 'a']))))).toEqual([
      ['user-u1', 'StudentUpdated', { id: 'u1', changes: { grade: { from: '9', to: '10' } }, personal: {} }],
    ]);
    // a school dropped, or one listed twice, is a change
    expect(events(when(state, snapshot(school('s1'), school('s2'), multi(['s2']), staff(['a', 'a']))))).toEqual([
      ['user-u1', 'StudentUpdated', { id: 'u1', changes: { schools: { from: ['s1', 's2'], to: ['s2'] } }, personal: {} }],
      ['user-st1', 'StaffUpdated', { id: 'st1', changes: { roles: { from: ['a', 'b'], to: ['a', 'a'] } }, personal: {} }],
    ]);
  });

  it('sends demographic changes to DemographicUpdated only, and a grade change to StudentUpdated', () => {
    const changed = snapshot(school('s1'), term('t1'), course('c1'),
      student('u1', { fields: { grade: '10' }, personal: { race: 'Two or More Races', ell_status: 'Y' } }),
      student('u2'), staffer('tch1', ['teacher']), section('sec1', ['tch1'], ['u1', 'u2']));
    const result = when(given(base()), changed);
    expect(events(result)).toEqual([
      ['user-u1', 'StudentUpdated', { id: 'u1', changes: { grade: { from: '9', to: '10' } }, personal: {} }],
      ['user-u1', 'DemographicUpdated', { id: 'u1', personal: { race: { from: 'Asian', to: 'Two or More Races' }, ell_status: { from: null, to: 'Y' } } }],
    ]);
  });

  it('records a role added to and dropped from a multi-role user, and reports a name change once', () => {
    const before = snapshot(staffer('p1', ['teacher', 'staff']));
    const after = snapshot(staffer('p1', ['teacher', 'district_admin'], { first: 'Grace', last: 'Murray Hopper' }));
    const result = when(given(before), after);
    expect(events(result)).toEqual([
      ['user-p1', 'TeacherUpdated', { id: 'p1', changes: {}, personal: { 'name.last': { from: 'Hopper', to: 'Murray Hopper' } } }],
      ['user-p1', 'StaffRemoved', { id: 'p1' }],
      ['user-p1', 'DistrictAdminShared', {
        id: 'p1', record: { title: 'Admin' }, personal: { name: { first: 'Grace', last: 'Murray Hopper' }, email: 'p1@example.org' }, sharedAgain: false,
      }],
    ]);
  });

  it('records students and teachers joining and leaving a section', () => {
    const after = snapshot(school('s1'), term('t1'), course('c1'), student('u1'), student('u2'), student('u3'),
      staffer('tch1', ['teacher']), staffer('tch2', ['teacher']), section('sec1', ['tch1', 'tch2'], ['u2', 'u3']));
    const result = when(given(base()), after);
    expect(events(result).filter(([s]) => s === 'section-sec1')).toEqual([
      ['section-sec1', 'TeacherAssigned', { sectionId: 'sec1', teacherId: 'tch2', primary: false }],
      ['section-sec1', 'StudentUnenrolled', { sectionId: 'sec1', studentId: 'u1' }],
      ['section-sec1', 'StudentEnrolled', { sectionId: 'sec1', studentId: 'u3' }],
    ]);
  });

  it('records a primary-teacher change between assigned teachers, and a swap for a new teacher', () => {
    const two = (order: string[]) => snapshot(staffer('a', ['teacher']), staffer('b', ['teacher']), staffer('c', ['teacher']), section('sec1', order, ['u1']));
    const reordered = when(given(two(['a', 'b'])), two(['b', 'a']));
    expect(events(reordered)).toEqual([['section-sec1', 'PrimaryTeacherChanged', { sectionId: 'sec1', from: 'a', to: 'b' }]]);

    const swapped = when(given(two(['a', 'b'])), two(['c', 'b']));
    expect(events(swapped)).toEqual([
      ['section-sec1', 'TeacherUnassigned', { sectionId: 'sec1', teacherId: 'a', primary: true }],
      ['section-sec1', 'TeacherAssigned', { sectionId: 'sec1', teacherId: 'c', primary: true }],
    ]);

    // the teacher who left says they were the primary one: the change after it is from none
    const primaryLeaves = when(given(two(['a', 'b'])), two(['b']));
    expect(events(primaryLeaves)).toEqual([
      ['section-sec1', 'TeacherUnassigned', { sectionId: 'sec1', teacherId: 'a', primary: true }],
      ['section-sec1', 'PrimaryTeacherChanged', { sectionId: 'sec1', from: null, to: 'b' }],
    ]);
    const coTeacherLeaves = when(given(two(['a', 'b'])), two(['a']));
    expect(events(coTeacherLeaves)).toEqual([['section-sec1', 'TeacherUnassigned', { sectionId: 'sec1', teacherId: 'b', primary: false }]]);
  });

  it('records term and course id churn as removal, new share, and the section pointing at the new ids', () => {
    const churned = snapshot(school('s1'), term('t2'), course('c2'), student('u1'), student('u2'), staffer('tch1', ['teacher']),
      section('sec1', ['tch1'], ['u1', 'u2'], { term_id: 't2', course: 'c2' }));
    const result = when(given(base()), churned);
    expect(types(result)).toEqual([
      'term-t2 TermShared', 'course-c2 CourseShared', 'section-sec1 SectionUpdated', 'term-t1 TermRemoved', 'course-c1 CourseRemoved',
    ]);
    expect(events(result)[2]![2]).toEqual({
      id: 'sec1', changes: { term_id: { from: 't1', to: 't2' }, course: { from: 'c1', to: 'c2' } }, personal: {},
    });
  });

  it('keeps references to schools, terms, courses and users it does not know as ids, and counts them', () => {
    const result = when(given(), { kinds: ['user', 'section', 'school'], records: [
      student('u1', { fields: { school: 'nowhere', schools: ['nowhere'] } }),
      section('sec1', ['ghost-teacher'], ['u1', 'ghost-student'], { school: 'nowhere', term_id: 'tx', course: 'cx' }),
    ] });
    expect(result.findings.unresolved).toEqual({ school: 1, term: 1, course: 1, user: 2 });
    // and which: the first of each kind, in the order first referenced
    expect(result.findings.unresolvedIds).toEqual({ school: ['nowhere'], term: ['tx'], course: ['cx'], user: ['ghost-teacher', 'ghost-student'] });
    expect(events(result).find(([, t]) => t === 'SectionShared')?.[2]).toMatchObject({ record: { school: 'nowhere', term_id: 'tx', course: 'cx' } });
    expect(types(result)).toContain('section-sec1 StudentEnrolled');
  });

  it('removes a section by first unenrolling its students and unassigning its teachers', () => {
    const result = when(given(base()), snapshot(school('s1'), term('t1'), course('c1'), student('u1'), student('u2'), staffer('tch1', ['teacher'])));
    expect(types(result)).toEqual([
      'section-sec1 StudentUnenrolled', 'section-sec1 StudentUnenrolled', 'section-sec1 TeacherUnassigned', 'section-sec1 SectionRemoved',
    ]);
    expect(events(result)[2]![2]).toEqual({ sectionId: 'sec1', teacherId: 'tch1', primary: true });
    expect(result.tally.removed).toEqual({ section: 1, enrollment: 2 });
  });

  it('leaves records of a kind the snapshot does not cover alone (a missing file is not an empty one)', () => {
    const result = when(given(base()), { kinds: ['user'], records: [student('u1'), student('u2'), staffer('tch1', ['teacher'])] });
    expect(result.eventCount).toBe(0);
  });

  it('expects each stream at the revision the ledger holds, and derives the same event ids for the same sync', () => {
    const state = given(base());
    const changed = snapshot(school('s1', { name: 'Renamed' }), term('t1'), course('c1'), student('u1'), student('u2'), staffer('tch1', ['teacher']), section('sec1', ['tch1'], ['u1', 'u2']));
    const first = when(state, changed, 'sync-a');
    expect(first.changes).toEqual([expect.objectContaining({ streamId: 'school-s1', expectedRevision: 0 })]);
    expect(when(state, changed, 'sync-a').changes).toEqual(first.changes);
    expect(when(state, changed, 'sync-b').changes[0]!.events[0]!.id).not.toBe(first.changes[0]!.events[0]!.id);
  });

  it('counts active, removed and updated records per type for the mass-change guard', () => {
    const result = when(given(base()), snapshot(school('s1'), term('t1'), course('c1'), student('u1', { fields: { grade: '10' } }), staffer('tch1', ['teacher']), section('sec1', ['tch1'], ['u1'])));
    expect(result.tally.active).toMatchObject({ student: 2, teacher: 1, section: 1, enrollment: 2, school: 1 });
    expect(result.tally.removed).toEqual({ student: 1, enrollment: 1 });
    expect(result.tally.updated).toEqual({ student: 1 });
  });

  it('hands over its events as it goes, each batch folded into the state by the caller, with the same result as one change set', () => {
    const before = () => given(base());
    const next = snapshot(
      school('s1', { name: 'Renamed' }), term('t1'), course('c1'),
      student('u1', { fields: { grade: '10' } }), student('u3'), staffer('tch1', ['teacher']),
      section('sec1', ['tch1'], ['u1', 'u3']), section('sec2', ['tch1'], ['u3']),
    );
    const whole = when(before(), next);

    // the way a large import runs: after each record, take what was planned, fold it in, store it
    const state = before();
    const diff = new SnapshotDiff(state, { syncId: 'sync-under-test', districtId: D, kinds: ALL });
    const taken: StreamChange[] = [];
    const takeAndFold = () => {
      for (const change of diff.takePlanned()) {
        state.applyChange(change);
        taken.push(change);
      }
    };
    for (const record of next.records) {
      diff.add(record);
      takeAndFold();
    }
    const rest = diff.finish();
    taken.push(...rest.changes);

    // the same events with the same ids, revisions and expected revisions (the removals came at the end)
    expect(taken).toEqual(whole.changes);
    expect(rest.changes.map((c) => [c.streamId, c.events.map((e) => e.type)])).toEqual([['user-u2', ['StudentRemoved']]]);
    // and the guard counts what was active before the sync, not after the folds
    expect(rest.tally).toEqual(whole.tally);
    expect(rest.counts).toEqual(whole.counts);
  });

  describe('records recognised by their bytes (unchanged since the diff that made their state)', () => {
    const records = () => [
      school('s1'), term('t1'), course('c1'),
      student('u1', { fields: { school: 'nowhere', schools: ['nowhere'] } }), student('u2'), staffer('tch1', ['teacher']),
      section('sec1', ['tch1', 'ghost-teacher'], ['u1', 'u2', 'ghost-student'], { term_id: 'tx' }),
    ];
    const fingerprintOf = (record: RosterRecord) => `fp-${record.kind}-${record.id}`;
    /** A first sync that diffs every record with the fingerprint of its bytes, as a full sync of a snapshot folder does. */
    const sourced = () => {
      const state = new LedgerState();
      const diff = new SnapshotDiff(state, { syncId: 'first', districtId: D, kinds: ALL });
      for (const record of records()) {
        const unknownValues = record.id === 'u2' ? ['student.gender'] : [];
        diff.add(record, {}, unknownValues.length > 0 ? { fingerprint: fingerprintOf(record), unknownValues } : { fingerprint: fingerprintOf(record) });
      }
      for (const change of diff.finish().changes) state.applyChange(change);
      for (const sourced of diff.takeSources()) expect(notesSource(state, sourced)).toBe(true);
      return state;
    };

    it('plans nothing for them, removes none of them, and finds the same references and unknown values as if it had read them', () => {
      const state = sourced();
      expect(state.recognise('user', 'u1', 'fp-user-u1')).toBe('u1');
      // the next day: everything unchanged but u2, gone
      const diff = new SnapshotDiff(state, { syncId: 'next', districtId: D, kinds: ALL });
      for (const record of records()) {
        if (record.id === 'u2') continue;
        expect(state.recognise(record.kind, record.id, fingerprintOf(record))).toBe(record.id);
        diff.addUnchanged(record.kind, record.id);
      }
      const result = diff.finish();
      const read = when(sourced(), snapshot(...records().filter((r) => r.id !== 'u2')));
      expect(types(result)).toEqual(['user-u2 StudentRemoved']);
      expect(result.changes).toEqual(read.changes.map((c) => ({ ...c, events: c.events.map((e) => ({ ...e, id: expect.any(String) })) })));
      expect(result.findings.unresolved).toEqual({ school: 1, term: 1, user: 3 }); // the ghosts, and u2 (gone, still listed)
      expect(result.findings.unresolved).toEqual(read.findings.unresolved);
      expect(result.findings.unresolvedIds).toEqual(read.findings.unresolvedIds);
      expect(result.tally).toEqual(read.tally);

      // u2's unknown gender is counted whenever u2 is in the snapshot, parsed or not
      const again = new SnapshotDiff(sourced(), { syncId: 'again', districtId: D, kinds: ALL });
      for (const record of records()) again.addUnchanged(record.kind, record.id);
      expect(again.finish().findings.unknownValues).toEqual({ 'student.gender': 1 });
    });

    it('asks of a section whose users the ledger all knew only which of them the snapshot no longer shows', () => {
      const day1 = [school('s1'), term('t1'), course('c1'), student('u1'), student('u2'), staffer('tch1', ['teacher']), section('sec2', ['tch1'], ['u1', 'u2'])];
      const first = () => {
        const state = new LedgerState();
        const diff = new SnapshotDiff(state, { syncId: 'first', districtId: D, kinds: ALL });
        for (const record of day1) diff.add(record, {}, { fingerprint: fingerprintOf(record) });
        for (const change of diff.finish().changes) state.applyChange(change);
        for (const sourced of diff.takeSources()) expect(notesSource(state, sourced)).toBe(true);
        return state;
      };
      const state = first();
      expect(state.sourceOf({ category: 'section', id: 'sec2' })).toEqual({ fingerprint: 'fp-section-sec2', listsKnownUsers: true });
      // sec1 lists users the ledger never knew: its users are looked up one by one, as before
      expect(sourced().sourceOf({ category: 'section', id: 'sec1' })).toEqual({ fingerprint: 'fp-section-sec1' });

      // the next day u2 is gone, and sec2 (its bytes unchanged) still lists u2
      const diff = new SnapshotDiff(state, { syncId: 'next', districtId: D, kinds: ALL });
      for (const record of day1) if (record.id !== 'u2') diff.addUnchanged(record.kind, record.id);
      const result = diff.finish();
      expect(result.findings.unresolved).toEqual({ user: 1 });
      expect(result.findings.unresolved).toEqual(when(first(), snapshot(...day1.filter((r) => r.id !== 'u2'))).findings.unresolved);
      // and all of them shown: nothing unresolved
      const again = new SnapshotDiff(first(), { syncId: 'again', districtId: D, kinds: ALL });
      for (const record of day1) again.addUnchanged(record.kind, record.id);
      expect(again.finish().findings.unresolved).toEqual({});
    });

    it('reads no unchanged section a saved snapshot keeps by its summary, and asks the store for its users only when some user is gone', () => {
      const day1 = [school('s1'), term('t1'), course('c1'), student('u1'), student('u2'), staffer('tch1', ['teacher']), section('sec2', ['tch1'], ['u1', 'u2'])];
      const state = new LedgerState();
      const first = new SnapshotDiff(state, { syncId: 'first', districtId: D, kinds: ALL });
      for (const record of day1) first.add(record, {}, { fingerprint: fingerprintOf(record) });
      for (const change of first.finish().changes) state.applyChange(change);
      for (const sourced of first.takeSources()) notesSource(state, sourced);
      /** The state as a load of its saved snapshot gives it: users and sections by their summaries, read from their rows when asked for. */
      const saved = (finder?: ListedUsersFinder) => {
        const loaded = new LedgerState();
        const reads: string[] = [];
        const asked: string[][] = [];
        const rows = new Map([...state.sections.entries()].map(([id, s]) => [id, JSON.stringify(s)]));
        loaded.sections.readWith((id) => (reads.push(id), rows.get(id)));
        if (finder) loaded.sections.findListedWith((sections, users) => (asked.push([...sections, ...users]), finder(sections, users)));
        for (const [id, s] of state.sections.entries()) loaded.restoreUnreadSection(id, summariseSection(s));
        for (const [id, u] of state.users.entries()) loaded.restoreUnreadUser(id, summariseUser(u));
        loaded.users.readWith((id) => JSON.stringify(state.users.get(id)));
        for (const kind of ['school', 'term', 'course'] as const) for (const [id, e] of state.records[kind]) loaded.restore({ category: kind, id, state: e });
        return { loaded, reads, asked };
      };
      const storeFinder: ListedUsersFinder = (sections, users) =>
        [...state.sections.entries()].filter(([id]) => sections.has(id)).flatMap(([id, s]) => [...s.teachers, ...s.students].filter((u) => users.has(u)).map((u) => [id, u] as const));
      const diffed = (loaded: LedgerState, records: RosterRecord[]) => {
        const diff = new SnapshotDiff(loaded, { syncId: 'next', districtId: D, kinds: ALL });
        for (const record of records) diff.addUnchanged(record.kind, record.id);
        return diff.finish();
      };

      // everyone still shown: nothing is read, nobody asked
      const all = saved(storeFinder);
      expect(diffed(all.loaded, day1).findings.unresolved).toEqual({});
      expect([all.reads, all.asked]).toEqual([[], []]);
      // u2 gone, sec2 still lists u2: found in one question, the section still not read
      const gone = saved(storeFinder);
      const result = diffed(gone.loaded, day1.filter((r) => r.id !== 'u2'));
      expect(result.findings.unresolved).toEqual({ user: 1 });
      expect(types(result)).toEqual(['user-u2 StudentRemoved']);
      expect([gone.reads, gone.asked]).toEqual([[], [['sec2', 'u2']]]);
      // a store that cannot answer: the section is read, with the same finding
      const reading = saved();
      expect(diffed(reading.loaded, day1.filter((r) => r.id !== 'u2')).findings.unresolved).toEqual({ user: 1 });
      expect(reading.reads).toEqual(['sec2']);
    });

    it('forgets a source once any event is folded into the record, and hands over new sources only', () => {
      const state = sourced();
      state.applyChange({ streamId: 'user-u1', expectedRevision: 0, events: [{ type: 'StudentUpdated', data: { id: 'u1', changes: { grade: { from: '9', to: '10' } }, personal: {} } }] });
      expect(state.recognise('user', 'u1', 'fp-user-u1')).toBeUndefined();
      expect(state.sourceOf({ category: 'user', id: 'u1' })).toBeUndefined();
      // a fingerprint is recognised for its own kind and id only
      expect(state.recognise('user', 'u2', 'fp-user-u2')).toBe('u2');
      expect(state.recognise('section', 'u2', 'fp-user-u2')).toBeUndefined();
      expect(state.recognise('user', 'u3', 'fp-user-u2')).toBeUndefined();

      const diff = new SnapshotDiff(state, { syncId: 'next', districtId: D, kinds: ALL });
      for (const record of records()) diff.add(record, {}, { fingerprint: fingerprintOf(record) });
      // u1 is diffed back to grade 9; only u1's source is new, and it is handed over for its state
      expect(types(diff.finish())).toEqual(['user-u1 StudentUpdated']);
      expect(diff.takeSources().map(({ key, source }) => ({ key, source }))).toEqual([{ key: { category: 'user', id: 'u1' }, source: { fingerprint: 'fp-user-u1' } }]);
    });

    it('settles a user with person-level data other than name and email: the same record plans nothing the next time', () => {
      // `roles`, as an unknown role is kept: the *Shared event files it on the role, and the diff
      // compares the record with the state split the same way (it used to move it every sync)
      const odd: UserRecord = { ...student('u1'), personal: { ...student('u1').personal, roles: { guardian: { x: '1' } } } };
      const state = new LedgerState();
      const diff = new SnapshotDiff(state, { syncId: 'first', districtId: D, kinds: ALL });
      diff.add(odd, {}, { fingerprint: 'fp-odd' });
      diff.add(student('u2'), {}, { fingerprint: 'fp-u2' });
      for (const change of diff.finish().changes) state.applyChange(change);
      expect(diff.takeSources().map((sourced) => [sourced.key.id, notesSource(state, sourced)])).toEqual([['u1', true], ['u2', true]]);
      expect(state.recognise('user', 'u1', 'fp-odd')).toBe('u1');
      expect(types(when(state, snapshot(odd, student('u2'))))).toEqual([]);
      // and a change of it is recorded once, then settles again
      const changed: UserRecord = { ...odd, personal: { ...odd.personal, roles: { guardian: { x: '2' } } } };
      const update = when(state, snapshot(changed, student('u2')));
      expect(update.changes.flatMap((c) => c.events.map((e) => [e.type, e.data]))).toEqual([
        ['StudentUpdated', { id: 'u1', changes: {}, personal: { 'roles.guardian.x': { from: '1', to: '2' } } }],
      ]);
      for (const change of update.changes) state.applyChange(change);
      expect(types(when(state, snapshot(changed, student('u2'))))).toEqual([]);
    });

    it('rejects an unchanged record seen twice, and one the ledger holds no source for', () => {
      const diff = new SnapshotDiff(sourced(), { syncId: 'next', districtId: D, kinds: ALL });
      diff.addUnchanged('user', 'u1', { file: 'users.json', record: 3 });
      expect(() => diff.addUnchanged('user', 'u1', { file: 'users.json', record: 4 })).toThrow(/user id u1 appears twice/);
      expect(() => diff.addUnchanged('user', 'nobody')).toThrow(/holds no source for user nobody/);
    });
  });

  it('counts the same unresolved references whatever the order of the records, and against the ledger for kinds the snapshot does not cover', () => {
    // sections before the users they list: the users are seen later, and resolve
    const sectionsFirst = when(given(), { kinds: ALL, records: [section('sec1', ['tch1'], ['u1', 'ghost']), student('u1'), staffer('tch1', ['teacher'])] });
    expect(sectionsFirst.findings.unresolved).toEqual({ school: 1, term: 1, course: 1, user: 1 });
    // no users in the snapshot: the ledger's users with a role resolve, a removed one does not
    const state = given(base(), snapshot(school('s1'), term('t1'), course('c1'), student('u1'), staffer('tch1', ['teacher']), section('sec1', ['tch1'], ['u1'])));
    const withoutUsers = when(state, { kinds: ['section', 'school', 'term', 'course'], records: [school('s1'), term('t1'), course('c1'), section('sec1', ['tch1'], ['u1', 'u2', 'ghost'])] });
    expect(withoutUsers.findings.unresolved).toEqual({ user: 2 });
  });

  it('reads no user the snapshot shows, nor any removed before, when it plans removals', () => {
    const state = given(base(), snapshot(school('s1'), term('t1'), course('c1'), student('u1'), staffer('tch1', ['teacher']), section('sec1', ['tch1'], ['u1'])));
    // u2 was removed by the second snapshot: the saved state keeps it, without a role
    const saved = new LedgerState();
    const reads: string[] = [];
    const rows = new Map([...state.users.entries()].map(([id, user]) => [id, JSON.stringify(user)]));
    saved.users.readWith((id) => (reads.push(id), rows.get(id)));
    for (const [id, user] of state.users.entries()) saved.restoreUnreadUser(id, summariseUser(user));
    for (const kind of ['school', 'term', 'course'] as const) for (const [, e] of state.records[kind]) saved.restore({ category: kind, id: e.id, state: e });
    for (const [id, e] of state.sections) saved.restore({ category: 'section', id, state: e });
    const result = when(saved, snapshot(school('s1'), term('t1'), course('c1'), staffer('tch1', ['teacher']), section('sec1', ['tch1'], [])));
    expect(types(result)).toEqual(['section-sec1 StudentUnenrolled', 'user-u1 StudentRemoved']);
    expect(reads.sort()).toEqual(['tch1', 'u1']);
  });

  describe('a snapshot without some roles or fields of what it covers (a CSV upload without staff.csv, or a column)', () => {
    const partial = { roles: { staff: 'staff.csv' }, fields: { student: { grade: 'students.csv Grade', location: 'students.csv Student_zip' } } };
    const whenPartial = (state: LedgerState, snap: Snapshot, without: DiffContext['partial'] = partial) => diffSnapshot(state, snap, { syncId: 'partial-sync', districtId: D, partial: without });
    const ledger = () => given(snapshot(school('s1'), student('u1'), staffer('stf1', ['staff']), staffer('both1', ['teacher', 'staff'])));

    it('leaves the roles no file lists as they are: neither removed nor updated, and counts each such user', () => {
      const result = whenPartial(ledger(), snapshot(school('s1'), student('u1'), staffer('both1', ['teacher'])));
      expect(types(result)).toEqual([]);
      expect(result.findings.kept).toEqual({ 'staff.csv': 2 });
      expect(result.tally.removed).toEqual({});
      // the same snapshot read as complete removes both staff roles
      expect(types(when(ledger(), snapshot(school('s1'), student('u1'), staffer('both1', ['teacher']))))).toEqual(['user-both1 StaffRemoved', 'user-stf1 StaffRemoved']);
    });

    it('records no change to a field no column gives, nor below it; records the other changes of the same record', () => {
      const changed = student('u1', { fields: { grade: '' }, personal: { location: {}, gender: 'M', sis_id: 'sis-u1' } });
      delete changed.roles.student!.fields['grade'];
      const result = whenPartial(ledger(), snapshot(school('s1'), changed, staffer('stf1', ['staff']), staffer('both1', ['teacher', 'staff'])), { fields: partial.fields });
      expect(events(result)).toEqual([['user-u1', 'DemographicUpdated', { id: 'u1', personal: { gender: { from: 'F', to: 'M' } } }]]);
      expect(result.findings.kept).toEqual({ 'students.csv Grade': 1, 'students.csv Student_zip': 1 });
      // read as complete, the grade and the zip are cleared
      expect(types(when(ledger(), snapshot(school('s1'), changed, staffer('stf1', ['staff']), staffer('both1', ['teacher', 'staff']))))).toEqual(['user-u1 StudentUpdated', 'user-u1 DemographicUpdated']);
    });

    it("keeps what a record's own source does not give, beside what the snapshot does not, for that record alone", () => {
      const withoutGrade = () => {
        const changed = student('u1');
        delete changed.roles.student!.fields['grade'];
        return changed;
      };
      const state = given(snapshot(school('s1'), student('u1'), student('u2'), staffer('stf1', ['staff'])));
      const diff = new SnapshotDiff(state, { syncId: 'partial-sync', districtId: D, kinds: ALL, partial: { roles: partial.roles } });
      const ownSource = { fields: { student: { grade: 'grade (a v3.1 field, read at v3.0)' } } };
      diff.add(school('s1'));
      diff.add(withoutGrade(), {}, undefined, ownSource);
      diff.add({ ...withoutGrade(), id: 'u2' });
      const result = diff.finish();
      expect(types(result)).toEqual(['user-u2 StudentUpdated']);
      expect(result.findings.kept).toEqual({ 'grade (a v3.1 field, read at v3.0)': 1, 'staff.csv': 1 });
    });

    it("notes the bytes of a record whose own source left fields as the ledger had them, so that the next sync recognises them", () => {
      const state = given(snapshot(school('s1'), student('u1')));
      const changed = student('u1');
      delete changed.roles.student!.fields['grade'];
      const diff = new SnapshotDiff(state, { syncId: 'v30', districtId: D, kinds: ALL });
      diff.add(school('s1'));
      diff.add(changed, {}, { fingerprint: 'fp-v30' }, { fields: { student: { grade: 'grade (a v3.1 field, read at v3.0)' } } });
      for (const change of diff.finish().changes) state.applyChange(change);
      expect(diff.takeSources().map((sourced) => notesSource(state, sourced))).toEqual([true]);
      expect(state.recognise('user', 'u1', 'fp-v30')).toBe('u1');
    });

    it('shares a new record with what it has, and counts nothing kept when nothing would have changed', () => {
      const result = whenPartial(ledger(), snapshot(school('s1'), student('u1'), student('u9', { fields: { grade: '5' } }), staffer('stf1', ['staff']), staffer('both1', ['teacher', 'staff'])), { fields: partial.fields });
      expect(types(result)).toEqual(['user-u9 StudentShared']);
      expect(events(result)[0]![2]).toMatchObject({ record: { grade: '5' } });
      expect(result.findings.kept).toEqual({});
    });

    it("keeps a known person's fields no column gives when the person gains a role: the new role's event carries them as the ledger had them", () => {
      const teacherWithMiddle = given(snapshot(school('s1'), staffer('t1', ['teacher'], { first: 'Grace', middle: 'Brewster', last: 'Hopper' })));
      const withoutMiddle = { fields: { teacher: { 'name.middle': 'teachers.csv Middle_name' } } };
      const result = whenPartial(teacherWithMiddle, snapshot(school('s1'), staffer('t1', ['teacher', 'staff'], { first: 'Grace', last: 'Hopper' })), withoutMiddle);
      expect(types(result)).toEqual(['user-t1 StaffShared']);
      expect(events(result)[0]![2]).toMatchObject({ personal: { name: { first: 'Grace', middle: 'Brewster', last: 'Hopper' } } });
      expect(result.findings.kept).toEqual({ 'teachers.csv Middle_name': 1 });
      // folded, the person still has the middle name, and the next upload without the column changes nothing
      for (const change of result.changes) teacherWithMiddle.applyChange(change);
      expect(teacherWithMiddle.users.get('t1')!.personal).toEqual({ name: { first: 'Grace', middle: 'Brewster', last: 'Hopper' }, email: 't1@example.org' });
      expect(types(whenPartial(teacherWithMiddle, snapshot(school('s1'), staffer('t1', ['teacher', 'staff'], { first: 'Grace', last: 'Hopper' })), withoutMiddle))).toEqual([]);
      // a value a file does give is the record's, not the ledger's
      const renamed = whenPartial(given(snapshot(school('s1'), staffer('t1', ['teacher'], { first: 'Grace', middle: 'Brewster', last: 'Hopper' }))),
        snapshot(school('s1'), staffer('t1', ['teacher', 'staff'], { first: 'Grace', middle: 'B.', last: 'Hopper' })), withoutMiddle);
      expect(events(renamed)[0]![2]).toMatchObject({ personal: { name: { first: 'Grace', middle: 'B.', last: 'Hopper' } } });
    });
  });

  it('refuses a section that lists a user of the snapshot among its students or teachers without that role, naming the list', () => {
    const refusal = (state: LedgerState, snap: Snapshot) => {
      const diff = new SnapshotDiff(state, { syncId: 's', districtId: D, kinds: snap.kinds });
      try {
        for (const record of snap.records) diff.add(record, { file: `${record.kind}s.json` });
      } catch (error) {
        return [(error as InvalidInput).rule, (error as InvalidInput).at];
      }
      return 'read';
    };
    const users = [school('s1'), term('t1'), course('c1'), student('u1'), staffer('tch1', ['teacher']), staffer('stf1', ['staff'])];
    expect(refusal(given(), snapshot(...users, section('sec1', ['tch1'], ['u1', 'tch1'])))).toEqual([
      'the section lists user tch1 among its students, but the user has the role teacher, not student: Clever lists only students there, and read as given, the user would be enrolled as a student of the class',
      { file: 'sections.json', recordId: 'sec1', field: 'students' },
    ]);
    expect(refusal(given(), snapshot(...users, section('sec1', ['tch1', 'u1'], ['u1'])))).toEqual([
      'the section lists user u1 among its teachers, but the user has no teacher role: Clever lists only teachers there, and read as given, the user would be assigned as a teacher of the class',
      { file: 'sections.json', recordId: 'sec1', field: 'teachers' },
    ]);
    expect(refusal(given(), snapshot(...users, section('sec1', ['stf1'], ['u1'])))[0]).toMatch(/^the section lists user stf1 among its teachers, but the user has the role staff, not teacher/);
    // a member new to a known class
    const held = given(snapshot(...users, section('sec1', ['tch1'], ['u1'])));
    expect(refusal(held, snapshot(...users, section('sec1', ['tch1'], ['u1', 'stf1'])))[0]).toMatch(/^the section lists user stf1 among its students, but the user has the role staff, not student/);
    // a snapshot of sections alone is not judged by the ledger's roles, which may be older than it
    expect(refusal(held, { kinds: ['section'], records: [section('sec1', ['tch1', 'stf1'], ['u1'])] })).toBe('read');
    // the members as they fit, and one neither the snapshot nor the ledger holds (an unresolved reference), are read
    expect(refusal(held, snapshot(...users, section('sec1', ['tch1'], ['u1', 'ghost'])))).toBe('read');
  });

  it('refuses a section that lists a contact the snapshot shows (read and skipped) among its members, rather than enroll it unresolved', () => {
    const users = [school('s1'), term('t1'), course('c1'), student('u1'), staffer('tch1', ['teacher'])];
    const read = (members: { teachers: string[]; students: string[] }) => {
      const diff = new SnapshotDiff(given(), { syncId: 's', districtId: D, kinds: ['school', 'term', 'course', 'user', 'section'] });
      try {
        for (const record of users) diff.add(record, { file: `${record.kind}s.json` });
        diff.skip('contact', { file: 'users.json', record: 7, recordId: 'con1' });
        diff.add(section('sec1', members.teachers, members.students), { file: 'sections.json' });
        return diff.finish().findings.skipped;
      } catch (error) {
        return (error as InvalidInput).rule;
      }
    };
    expect(read({ teachers: ['tch1'], students: ['u1', 'con1'] })).toBe(
      'the section lists user con1 among its students, but the user has the role contact, not student: Clever lists only students there, and read as given, the user would be enrolled as a student of the class',
    );
    expect(read({ teachers: ['con1'], students: ['u1'] })).toMatch(/^the section lists user con1 among its teachers, but the user has the role contact, not teacher/);
    expect(read({ teachers: ['tch1'], students: ['u1'] })).toEqual({ contact: 1 });
  });

  it('rejects a record of another district and an id seen twice, naming the record', () => {
    const foreign = { ...student('u9'), districtId: 'other' };
    expect(() => when(given(), snapshot(foreign))).toThrow(InvalidInput);
    expect(() => when(given(), snapshot(foreign))).toThrow(
      "record belongs to district other, but this sync is for district district-1 (the district this sync was asked for): the snapshot is of another district than the one asked for",
    );
    // a district record is its own district: said so, not as a record that "belongs to" one
    const otherDistrict: RosterRecord = { kind: 'district', id: 'other', districtId: 'other', fields: { name: 'Other' }, personal: {} };
    expect(() => when(given(), snapshot(otherDistrict))).toThrow(/this is district other, but this sync is for district district-1 \(the district this sync was asked for\)/);
    // where the sync's district came from, when the snapshot itself said it
    const told = new SnapshotDiff(given(), { syncId: 's', districtId: 'district-1', districtFrom: 'taken from the first record read, districts.json, record #1', kinds: ['user'] });
    expect(() => told.add(foreign)).toThrow(/\(taken from the first record read, districts\.json, record #1\): the snapshot's files name two districts/);
    expect(() => when(given(), snapshot(student('u1'), student('u1')))).toThrow(/user id u1 appears twice/);
  });
});
