import { IncrementalDiff, NOT_IN_LEDGER, OF_A_REMOVED_DISTRICT, OLDER_THAN_LEDGER, type IncrementalChange } from './incremental-diff';
import { diffSnapshot, type DiffResult } from './snapshot-diff';
import { LedgerState } from '../state/ledger-state';
import { RECORD_KINDS, type RosterRecord, type SectionRecord, type UserRecord } from '../records/roster-records';
import type { Fields } from '../records/fields';
import { InvalidInput } from '../errors/domain-error';

const D = 'district-1';

const student = (id: string, fields: Fields = {}): UserRecord => ({
  kind: 'user', id, districtId: D, fields: {},
  personal: { name: { first: 'Ada', last: id }, email: `${id}@example.org` },
  roles: { student: { fields: { school: 's1', schools: ['s1'], grade: '9', ...fields }, personal: { gender: 'F' } } },
});
const teacher = (id: string): UserRecord => ({
  kind: 'user', id, districtId: D, fields: {}, personal: { name: { first: 'Grace', last: id } },
  roles: { teacher: { fields: { schools: ['s1'] }, personal: {} } },
});
const section = (id: string, teachers: string[], students: string[], fields: Fields = {}): SectionRecord => ({
  kind: 'section', id, districtId: D, teachers, students, fields: { school: 's1', name: `Section ${id}`, ...fields }, personal: {},
});
const school = (id: string): RosterRecord => ({ kind: 'school', id, districtId: D, fields: { name: `School ${id}` }, personal: {} });
const upsert = (record: RosterRecord): IncrementalChange => ({ type: 'upsert', record, unknownValues: [] });

/** The ledger state after a first full sync of these records. */
function given(...records: RosterRecord[]): LedgerState {
  const state = new LedgerState();
  const result = diffSnapshot(state, { kinds: RECORD_KINDS, records }, { syncId: 'given', districtId: D });
  for (const change of result.changes) {
    state.applyChange(change);
  }
  return state;
}

/** Applies the changes in order, each caused by Clever event `e1`, `e2`, ... */
function when(state: LedgerState, ...changes: IncrementalChange[]): DiffResult {
  const diff = new IncrementalDiff(state, { syncId: 'events-sync', districtId: D });
  changes.forEach((change, i) => diff.apply(change, { cleverEventId: `e${i + 1}` }));
  return diff.finish();
}

const events = (result: DiffResult) => result.changes.flatMap((c) => c.events.map((e) => [c.streamId, e.type, e.data, e.cleverEventId] as const));
const types = (result: DiffResult) => events(result).map(([stream, type, , cause]) => `${stream} ${type} <- ${cause}`);

describe('incremental diff (events sync)', () => {
  const base = () => given(school('s1'), student('u1'), student('u2'), teacher('t1'), section('sec1', ['t1'], ['u1', 'u2']));

  it('records a new student, a grade change and a removal, each stamped with its Clever event', () => {
    const result = when(base(), upsert(student('u3')), upsert(student('u1', { grade: '10' })), { type: 'remove', kind: 'user', id: 'u2' });
    expect(types(result)).toEqual(['user-u3 StudentShared <- e1', 'user-u1 StudentUpdated <- e2', 'user-u2 StudentRemoved <- e3']);
    expect(events(result)[1]![2]).toEqual({ id: 'u1', changes: { grade: { from: '9', to: '10' } }, personal: {} });
    expect(result.changes.map((c) => [c.streamId, c.expectedRevision])).toEqual([['user-u3', 'no_stream'], ['user-u1', 0], ['user-u2', 0]]);
    expect(result.counts).toEqual({ StudentShared: 1, StudentUpdated: 1, StudentRemoved: 1 });
    expect(result.tally).toEqual({ active: expect.objectContaining({ student: 2, teacher: 1, section: 1, enrollment: 2 }), removed: { student: 1 }, updated: { student: 1 }, shared: { student: 1 } });
  });

  it("given the district's removal (unshared from the app, or deleted), removes everything it held, not the district alone", () => {
    const state = given({ kind: 'district', id: D, districtId: D, fields: { name: 'D' }, personal: {} }, { kind: 'school', id: 's1', districtId: D, fields: { name: 'S' }, personal: {} }, student('u1'), student('u2'), teacher('t1'), section('sec1', ['t1'], ['u1', 'u2']));
    const result = when(state, { type: 'remove', kind: 'district', id: D });
    expect(types(result).sort()).toEqual(
      [
        `district-${D} DistrictRemoved <- e1`,
        'school-s1 SchoolRemoved <- e1',
        'user-u1 StudentRemoved <- e1',
        'user-u2 StudentRemoved <- e1',
        'user-t1 TeacherRemoved <- e1',
        'section-sec1 SectionRemoved <- e1',
        'section-sec1 StudentUnenrolled <- e1',
        'section-sec1 StudentUnenrolled <- e1',
        'section-sec1 TeacherUnassigned <- e1',
      ].sort(),
    );
    expect(result.tally.removed).toMatchObject({ student: 2, teacher: 1, section: 1, school: 1 });
  });

  it("skips and counts the batch's later changes of the removed district's records, until the district is shared again", () => {
    const district = { kind: 'district', id: D, districtId: D, fields: { name: 'D' }, personal: {} } as const;
    const state = given(district, student('u1'), student('u2'), teacher('t1'), section('sec1', ['t1'], ['u1']));
    const after = when(state, { type: 'remove', kind: 'district', id: D }, upsert(section('sec1', ['t1'], ['u1', 'u2'])), upsert(student('u2', { grade: '11' })));
    expect(types(after).filter((t) => !t.endsWith('Removed <- e1') && !/Un(enrolled|assigned) <- e1$/.test(t))).toEqual([]);
    expect(after.findings.skipped).toEqual({ [OF_A_REMOVED_DISTRICT]: 2 });
    // shared again (districts.created), its records are taken again
    const again = when(given(district, student('u1')), { type: 'remove', kind: 'district', id: D }, upsert(district), upsert(student('u1')));
    // (grouped by stream, each in the batch's order)
    expect(types(again)).toEqual([`district-${D} DistrictRemoved <- e1`, `district-${D} DistrictShared <- e2`, 'user-u1 StudentRemoved <- e1', 'user-u1 StudentShared <- e3']);
  });

  it("removes with the district the roles an events feed does not give, which an account's own removal keeps", () => {
    const district = { kind: 'district', id: D, districtId: D, fields: { name: 'D' }, personal: {} } as const;
    const staff: UserRecord = { kind: 'user', id: 'x1', districtId: D, fields: {}, personal: { name: { first: 'S', last: 'x1' } }, roles: { staff: { fields: {}, personal: {} } } };
    const diff = new IncrementalDiff(given(district, staff), { syncId: 'events-sync', districtId: D, partial: { roles: { staff: 'staff (not given by the feed)' } } });
    diff.apply({ type: 'remove', kind: 'district', id: D }, { cleverEventId: 'e1' });
    expect(types(diff.finish())).toEqual([`district-${D} DistrictRemoved <- e1`, 'user-x1 StaffRemoved <- e1']);
  });

  it('given a section update carrying the whole new member list, records the set differences', () => {
    const result = when(base(), upsert(section('sec1', ['t1'], ['u2', 'u9'])));
    expect(events(result).map(([, type, data]) => [type, data])).toEqual([
      ['StudentUnenrolled', { sectionId: 'sec1', studentId: 'u1' }],
      ['StudentEnrolled', { sectionId: 'sec1', studentId: 'u9' }],
    ]);
  });

  it('given one batch touching a section twice, the second change diffs against the first, with consecutive revisions', () => {
    // sec1 is at revision 3 (shared, one teacher, two students)
    const result = when(base(), upsert(section('sec1', ['t1'], ['u1', 'u2', 'u3'])), upsert(section('sec1', ['t1'], ['u2', 'u3'], { period: '2' })));
    expect(types(result)).toEqual([
      'section-sec1 StudentEnrolled <- e1',
      'section-sec1 SectionUpdated <- e2',
      'section-sec1 StudentUnenrolled <- e2',
    ]);
    expect(result.changes).toHaveLength(1);
    expect(result.changes[0]!.expectedRevision).toBe(3);
    expect(new Set(result.changes[0]!.events.map((e) => e.id)).size).toBe(3);
  });

  it('records the same change reported twice (a repeated or replayed Clever event) once', () => {
    const result = when(base(), upsert(student('u1', { grade: '10' })), upsert(student('u1', { grade: '10' })));
    expect(types(result)).toEqual(['user-u1 StudentUpdated <- e1']);
    expect(when(given(student('u1', { grade: '10' })), upsert(student('u1', { grade: '10' }))).eventCount).toBe(0);
  });

  it('given a record created then deleted in one batch, records both, in order', () => {
    const result = when(base(), upsert(student('u7')), { type: 'remove', kind: 'user', id: 'u7' });
    expect(types(result)).toEqual(['user-u7 StudentShared <- e1', 'user-u7 StudentRemoved <- e2']);
    expect(result.changes[0]!.expectedRevision).toBe('no_stream');
  });

  it('given a removed section, unenrolls and unassigns everyone first; removing it again does nothing, counted as skipped', () => {
    const result = when(base(), { type: 'remove', kind: 'section', id: 'sec1' }, { type: 'remove', kind: 'section', id: 'sec1' });
    expect(types(result)).toEqual([
      'section-sec1 StudentUnenrolled <- e1', 'section-sec1 StudentUnenrolled <- e1', 'section-sec1 TeacherUnassigned <- e1', 'section-sec1 SectionRemoved <- e1',
    ]);
    expect(result.findings.skipped).toEqual({ [NOT_IN_LEDGER]: 1 });
  });

  it('records nothing for the removal of a record the ledger never held, and counts it as skipped, a contact as a contact', () => {
    const result = when(
      base(),
      { type: 'remove', kind: 'user', id: 'nobody' },
      { type: 'remove', kind: 'school', id: 'nowhere' },
      { type: 'remove', kind: 'user', id: 'c1', ifNotHeld: 'contact' },
    );
    expect(result.eventCount).toBe(0);
    expect(result.findings.skipped).toEqual({ [NOT_IN_LEDGER]: 2, contact: 1 });
    // a held user whose removal comes as a contact's (updated into a contact alone) is removed all the same
    expect(types(when(base(), { type: 'remove', kind: 'user', id: 'u2', ifNotHeld: 'contact' }))).toEqual(['user-u2 StudentRemoved <- e1']);
  });

  it('counts skipped changes and unknown values, and records nothing for them', () => {
    const result = when(base(), { type: 'skip', reason: 'contact' }, { type: 'skip', reason: 'contact' }, { type: 'upsert', record: student('u5'), unknownValues: ['student.gender'] });
    expect(result.findings).toEqual({ skipped: { contact: 2 }, unresolved: {}, unresolvedIds: {}, unknownValues: { 'student.gender': 1 }, unknownValuesAt: { 'student.gender': [{ recordId: 'u5' }] }, kept: {}, mismatched: {}, mismatchedAt: {}, roleConflicts: {}, roleConflictsAt: {}, unnamed: {}, unnamedAt: {}, unpaired: {}, unpairedAt: {}, endsBeforeStart: {}, endsBeforeStartAt: {} });
    expect(result.eventCount).toBe(1);
  });

  it("keeps where an unknown value was read: the Clever event's place and the record's id", () => {
    const diff = new IncrementalDiff(base(), { syncId: 'events-sync', districtId: D });
    diff.apply({ type: 'upsert', record: student('u5'), unknownValues: ['student.gender', 'student.grade'] }, { cleverEventId: 'e9', origin: { file: 'events page 2', record: 7 } });
    const place = { file: 'events page 2', record: 7, recordId: 'u5' };
    expect(diff.finish().findings.unknownValuesAt).toEqual({ 'student.gender': [place], 'student.grade': [place] });
  });

  it('records a teacher listed among a section\'s students, and a student among its teachers, as Clever sent them, and counts both with where they were read', () => {
    const diff = new IncrementalDiff(base(), { syncId: 'events-sync', districtId: D });
    diff.apply(upsert(section('sec1', ['t1', 'u1'], ['u1', 'u2', 't1', 'u9'])), { cleverEventId: 'e1', origin: { file: 'events page 1', record: 2 } });
    const result = diff.finish();
    expect(events(result).map(([, type, data]) => [type, data])).toEqual([
      ['TeacherAssigned', { sectionId: 'sec1', teacherId: 'u1', primary: false }],
      ['StudentEnrolled', { sectionId: 'sec1', studentId: 't1' }],
      ['StudentEnrolled', { sectionId: 'sec1', studentId: 'u9' }],
    ]);
    const place = { file: 'events page 1', record: 2, recordId: 'sec1' };
    // u9 is not in the ledger at all: unresolved, not a conflict of roles
    expect(result.findings).toMatchObject({ roleConflicts: { 'section.students': 1, 'section.teachers': 1 }, roleConflictsAt: { 'section.students': [place], 'section.teachers': [place] } });
    expect(result.findings).toMatchObject({ unresolved: { user: 1 }, unresolvedIds: { user: ['u9'] } });
    // one unknown member of two sections is one unresolved user; one shared later in the batch is none
    const twice = when(base(), upsert(section('sec1', ['t1'], ['u1', 'u2', 'u9'])), upsert(section('sec2', ['t1'], ['u9', 'u8'])), upsert(student('u8')));
    expect(twice.findings).toMatchObject({ unresolved: { user: 1 }, unresolvedIds: { user: ['u9'] } });
    expect(when(base(), upsert(section('sec1', ['t1'], ['u1', 'u2', 'u3']))).findings.roleConflicts).toEqual({});
    // a role given later in the same batch (a users.updated after the section's event) is no conflict
    const teacherToo: UserRecord = { ...student('u1'), roles: { ...student('u1').roles, ...teacher('u1').roles } };
    expect(when(base(), upsert(section('sec1', ['t1', 'u1'], ['u1', 'u2'])), upsert(teacherToo)).findings.roleConflicts).toEqual({});
  });

  it('counts a school, term or course a record of the batch names and the ledger holds as no one shared, once each, as a full sync counts one its snapshot lacks', () => {
    const term = (id: string): RosterRecord => ({ kind: 'term', id, districtId: D, fields: { name: `Term ${id}` }, personal: {} });
    const result = when(
      base(),
      upsert(section('sec2', ['t1'], ['u1'], { term_id: 'tm1', course: 'c9' })),
      upsert(section('sec3', ['t1'], ['u2'], { school: 's9', course: 'c9' })),
      upsert(student('u1', { school: 's8', schools: ['s1', 's8'] })),
      // a term shared later in the batch (Clever re-creates a term after the section naming it) is known
      upsert(term('tm1')),
    );
    expect(result.findings).toMatchObject({ unresolved: { school: 2, course: 1 }, unresolvedIds: { school: ['s9', 's8'], course: ['c9'] } });
    // one removed by the batch is no longer shared
    expect(when(base(), upsert(student('u1')), { type: 'remove', kind: 'school', id: 's1' }).findings).toMatchObject({ unresolved: { school: 1 }, unresolvedIds: { school: ['s1'] } });
  });

  it('rejects a record of another district, naming where it was read', () => {
    const diff = new IncrementalDiff(base(), { syncId: 's', districtId: D });
    const other = { ...student('u1'), districtId: 'elsewhere' };
    expect(() => diff.apply(upsert(other), { origin: { file: 'events page x', record: 3 } })).toThrow(InvalidInput);
    expect(() => diff.apply(upsert(other), { origin: { file: 'events page x', record: 3 } })).toThrow(/^events page x, record #4, id u1, field district: /);
  });

  it('is deterministic: the same state and changes give the same event ids', () => {
    const changes = [upsert(student('u3')), upsert(section('sec1', ['t1'], ['u3']))];
    const ids = (r: DiffResult) => r.changes.flatMap((c) => c.events.map((e) => e.id));
    expect(ids(when(base(), ...changes))).toEqual(ids(when(base(), ...changes)));
  });

  it('gives every event of the batch its own id, though each change is diffed on its own', () => {
    const changes = [upsert(student('u3')), upsert(student('u4')), upsert(section('sec1', ['t1'], ['u3', 'u4']))];
    const ids = when(base(), ...changes).changes.flatMap((c) => c.events.map((e) => e.id));
    expect(ids.length).toBeGreaterThan(3);
    expect(new Set(ids).size).toBe(ids.length);
  });

  describe('a change older than what the ledger holds (events overlapping a full sync)', () => {
    const T1 = '2025-01-06T10:00:01.000Z';
    const T2 = '2025-01-06T10:00:02.000Z';
    const T3 = '2025-01-06T10:00:03.000Z';
    const at = <R extends RosterRecord>(record: R, lastModified: string): R => ({ ...record, lastModified });
    const plain = (kind: 'term' | 'course' | 'district', id: string, name: string): RosterRecord => ({ kind, id, districtId: D, fields: { name }, personal: {} });
    const updated = (record: RosterRecord, before: RosterRecord): IncrementalChange => ({ type: 'upsert', record, unknownValues: [], before });

    it('given a full sync that recorded grade 1 -> 3 at the later clock, the events 1 -> 2 and 2 -> 3 record nothing', () => {
      // the full sync read the student after both events: it recorded the newest version and its clock
      const state = given(at(student('u1', { grade: '3' }), T2));
      const result = when(state, upsert(at(student('u1', { grade: '2' }), T1)), upsert(at(student('u1', { grade: '3' }), T2)));
      expect(result.eventCount).toBe(0);
      expect(result.findings.skipped).toEqual({ [OLDER_THAN_LEDGER]: 1 });
      expect(state.users.get('u1')?.roles.student?.fields['grade']).toBe('3');
    });

    it('applies a version newer than the ledger, and one of the same clock, and keeps the newest clock', () => {
      const state = given(at(student('u1', { grade: '1' }), T1));
      const result = when(state, upsert(at(student('u1', { grade: '2' }), T2)), upsert(at(student('u1', { grade: '3' }), T2)), upsert(at(student('u1', { grade: '1' }), T1)));
      expect(events(result).map(([, type, data]) => [type, (data as { changes?: unknown }).changes])).toEqual([
        ['StudentUpdated', { grade: { from: '1', to: '2' } }],
        ['StudentUpdated', { grade: { from: '2', to: '3' } }],
      ]);
      expect(state.lastModifiedOf('user', 'u1')).toBe(T2);
      expect(result.findings.skipped).toEqual({ [OLDER_THAN_LEDGER]: 1 });
    });

    it('does not remove a record re-created or changed after the deleted version; removes the version it holds', () => {
      const state = given(at(student('u1', { grade: '4' }), T3), at(student('u2'), T1), at(section('sec1', ['t1'], ['u2']), T3));
      const result = when(
        state,
        { type: 'remove', kind: 'user', id: 'u1', lastModified: T1 },
        { type: 'remove', kind: 'section', id: 'sec1', lastModified: T2 },
        { type: 'remove', kind: 'user', id: 'u2', lastModified: T1 },
      );
      expect(types(result)).toEqual(['user-u2 StudentRemoved <- e3']);
      expect(result.findings.skipped).toEqual({ [OLDER_THAN_LEDGER]: 2 });
    });

    it('given a full sync whose complete view showed a section and a student gone, their overlap update and delete record nothing; a later re-share does', () => {
      // the full sync read the district after Clever updated then deleted both (T1, T2): it removed them as of T3
      const state = given(at(student('u1'), T1), at(student('u2'), T1), at(teacher('t1'), T1), at(section('sec1', ['t1'], ['u1', 'u2']), T1));
      const removal = diffSnapshot(state, { kinds: RECORD_KINDS, records: [at(student('u2'), T1), at(teacher('t1'), T1)], completeAt: T3 }, { syncId: 'full', districtId: D });
      expect(removal.changes.flatMap((c) => c.events.filter((e) => e.type.endsWith('Removed')).map((e) => [e.type, e.removedAsOf]))).toEqual([
        ['StudentRemoved', T3],
        ['SectionRemoved', T3],
      ]);
      for (const change of removal.changes) state.applyChange(change);
      expect([state.lastModifiedOf('section', 'sec1'), state.lastModifiedOf('user', 'u1')]).toEqual([T3, T3]);

      const result = when(
        state,
        upsert(at(section('sec1', ['t1'], ['u2'], { name: 'Moved' }), T1)),
        { type: 'remove', kind: 'section', id: 'sec1', lastModified: T2 },
        upsert(at(student('u1', { grade: '10' }), T1)),
        { type: 'remove', kind: 'user', id: 'u1', lastModified: T2 },
      );
      expect(result.eventCount).toBe(0);
      expect(result.findings.skipped).toEqual({ [OLDER_THAN_LEDGER]: 4 });
      expect(state.sections.get('sec1')?.active).toBe(false);

      const T4 = '2025-01-06T10:00:04.000Z';
      const later = when(state, upsert(at(section('sec1', ['t1'], ['u2']), T4)), { type: 'remove', kind: 'section', id: 'sec1', lastModified: T3 });
      expect(types(later)).toEqual(['section-sec1 SectionShared <- e1', 'section-sec1 TeacherAssigned <- e1', 'section-sec1 StudentEnrolled <- e1']);
      expect(later.findings.skipped).toEqual({ [OLDER_THAN_LEDGER]: 1 });
    });

    it('shares again a record a full sync removed, on a *.created that happened after the removal, though its object is as old as before', () => {
      // sharing edits nothing in the SIS: the object keeps the last_modified of its last edit (T1)
      const state = given(at(student('u1'), T1), at(student('u2'), T1));
      for (const change of diffSnapshot(state, { kinds: RECORD_KINDS, records: [at(student('u2'), T1)], completeAt: T3 }, { syncId: 'full', districtId: D }).changes) state.applyChange(change);
      const diffAt = (time: string) => {
        const diff = new IncrementalDiff(state, { syncId: 'events-sync', districtId: D });
        diff.apply(upsert(at(student('u1'), T1)), { cleverEventId: 'e1', at: time });
        return diff.finish();
      };
      // an event of before the removal (it overlapped the full sync) is stale
      expect(diffAt(T2)).toMatchObject({ eventCount: 0, findings: { skipped: { [OLDER_THAN_LEDGER]: 1 } } });
      const shared = diffAt('2025-01-06T10:00:04.000Z');
      expect(events(shared).map(([stream, type, data]) => [stream, type, (data as { sharedAgain?: boolean }).sharedAgain])).toEqual([['user-u1', 'StudentShared', true]]);
      expect(state.users.rolesOf('u1')).toEqual(['student']);
    });

    it('a removal without a view time (an import, an events sync) leaves the clock of the last version: a *.deleted of an already removed record records nothing', () => {
      const state = given(at(section('sec1', [], []), T1));
      for (const change of diffSnapshot(state, { kinds: RECORD_KINDS, records: [] }, { syncId: 'import', districtId: D }).changes) state.applyChange(change);
      expect(state.lastModifiedOf('section', 'sec1')).toBe(T1);
      const result = when(state, { type: 'remove', kind: 'section', id: 'sec1', lastModified: T2 });
      expect(result.eventCount).toBe(0);
      expect(result.findings.skipped).toEqual({ [NOT_IN_LEDGER]: 1 });
    });

    it('without a clock on either side, skips an update whose old and new versions are both behind the ledger', () => {
      // terms carry no last_modified: E1 renamed Fall -> Autumn, E2 Autumn -> Semester 1; a full sync recorded Semester 1
      const state = given(plain('term', 'tm1', 'Semester 1'));
      const result = when(state, updated(plain('term', 'tm1', 'Autumn'), plain('term', 'tm1', 'Fall')), updated(plain('term', 'tm1', 'Semester 1'), plain('term', 'tm1', 'Autumn')));
      expect(result.eventCount).toBe(0);
      expect(result.findings.skipped).toEqual({ [OLDER_THAN_LEDGER]: 1 });
      expect(state.records.term.get('tm1')?.fields['name']).toBe('Semester 1');
    });

    it('without a clock, skips an update of a record a full sync removed as of its complete view; a *.created shares it again', () => {
      // terms carry no last_modified: Clever renamed then deleted tm1 while the full sync read, which removed it as of T3
      const state = given(plain('term', 'tm1', 'Fall'), plain('term', 'tm2', 'Spring'));
      const removal = diffSnapshot(state, { kinds: RECORD_KINDS, records: [plain('term', 'tm2', 'Spring')], completeAt: T3 }, { syncId: 'full', districtId: D });
      for (const change of removal.changes) state.applyChange(change);

      const overlap = when(state, updated(plain('term', 'tm1', 'Autumn'), plain('term', 'tm1', 'Fall')), { type: 'remove', kind: 'term', id: 'tm1' });
      expect(overlap.eventCount).toBe(0);
      expect(overlap.findings.skipped).toEqual({ [OLDER_THAN_LEDGER]: 1, [NOT_IN_LEDGER]: 1 });

      const again = when(state, upsert(plain('term', 'tm1', 'Autumn')));
      expect(types(again)).toEqual(['term-tm1 TermShared <- e1']);
    });

    it('without a clock, applies an update from the version the ledger holds, and one that gives no old version', () => {
      const state = given(plain('term', 'tm1', 'Fall'), plain('course', 'c1', 'Algebra'));
      const result = when(state, updated(plain('term', 'tm1', 'Autumn'), plain('term', 'tm1', 'Fall')), upsert(plain('course', 'c1', 'Algebra I')), updated(plain('term', 'tm9', 'New'), plain('term', 'tm9', 'Old')));
      expect(types(result)).toEqual(['term-tm1 TermUpdated <- e1', 'course-c1 CourseUpdated <- e2', 'term-tm9 TermShared <- e3']);
      expect(result.findings.skipped).toEqual({});
    });
  });
});
