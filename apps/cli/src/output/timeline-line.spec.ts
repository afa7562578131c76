import type { RelatedRecord, TimelineEntry } from '@roster-ledger/ledger';
import { describeTimelineEntry } from './timeline-line';

describe('a timeline entry in one line', () => {
  const entry = (streamId: string, type: string, data: Record<string, unknown>, related: RelatedRecord[]): TimelineEntry => ({
    position: 1,
    streamId,
    type,
    syncId: 'sync-1',
    districtId: 'd1',
    observedAt: '2024-09-01T08:00:00.000Z',
    recordedAt: '2024-09-01T08:00:00.500Z',
    cleverLastModified: null,
    source: 'snapshot',
    cleverEventId: null,
    data,
    related,
  });
  const algebra: RelatedRecord = { field: 'sectionId', kind: 'section', id: 'sec1', name: 'Algebra I', status: 'active' };
  const ada: RelatedRecord = { field: 'studentId', kind: 'user', id: 'u1', name: 'Ada Lovelace', status: 'active' };
  const student = { kind: 'user', id: 'u1' } as const;
  const section = { kind: 'section', id: 'sec1' } as const;

  it("names the class on a person's timeline, where its id alone was", () => {
    const enrolled = entry('section-sec1', 'StudentEnrolled', { sectionId: 'sec1', studentId: 'u1' }, [algebra]);
    expect(describeTimelineEntry(enrolled, student)).toBe('Algebra I (section sec1)');
    const assigned = entry('section-sec1', 'TeacherAssigned', { sectionId: 'sec1', teacherId: 't1', primary: true }, [algebra]);
    expect(describeTimelineEntry(assigned, { kind: 'user', id: 't1' })).toBe('Algebra I (section sec1), as primary teacher');
  });

  it("names the student or teacher on a class's timeline, a removed one by the last name it had, one never seen by id alone", () => {
    expect(describeTimelineEntry(entry('section-sec1', 'StudentEnrolled', { sectionId: 'sec1', studentId: 'u1' }, [ada]), section)).toBe('Ada Lovelace (student u1)');
    const gone = { ...ada, name: 'Bo Byron', id: 'u2', status: 'removed' as const };
    expect(describeTimelineEntry(entry('section-sec1', 'StudentUnenrolled', { sectionId: 'sec1', studentId: 'u2' }, [gone]), section)).toBe('Bo Byron (student u2, now removed)');
    const unknown: RelatedRecord = { field: 'studentId', kind: 'user', id: 'u9', name: null, status: 'unknown' };
    expect(describeTimelineEntry(entry('section-sec1', 'StudentEnrolled', { sectionId: 'sec1', studentId: 'u9' }, [unknown]), section)).toBe('student u9');
    const grace: RelatedRecord = { field: 'teacherId', kind: 'user', id: 't1', name: 'Grace Hopper', status: 'active' };
    expect(describeTimelineEntry(entry('section-sec1', 'TeacherAssigned', { sectionId: 'sec1', teacherId: 't1', primary: true }, [grace]), section)).toBe(
      'Grace Hopper (teacher t1), primary',
    );
  });

  it('names the schools a change points at, each with its id, and leaves an id no one named bare', () => {
    const lincoln: RelatedRecord = { field: 'changes.school', kind: 'school', id: 's1', name: 'Lincoln', status: 'active' };
    const annex: RelatedRecord = { field: 'changes.school', kind: 'school', id: 's2', name: 'Annex', status: 'removed' };
    const data = { id: 'u1', changes: { school: { from: 's2', to: 's1' }, schools: { from: ['s2'], to: ['s1', 's9'] }, grade: { from: '3', to: '4' } }, personal: {} };
    const listed = [lincoln, annex].map((r) => ({ ...r, field: 'changes.schools' }));
    expect(describeTimelineEntry(entry('user-u1', 'StudentUpdated', data, [annex, lincoln, ...listed]), student)).toBe(
      'school: Annex (school s2, now removed) -> Lincoln (school s1); schools: [Annex (school s2, now removed)] -> [Lincoln (school s1), s9]; grade: 3 -> 4',
    );
    // a list no label names is shown as `events` shows it; a null in a named list as (none)
    const staff = { id: 'u1', changes: { roles: { from: ['teacher'], to: ['teacher', 'counselor'] }, schools: { from: ['s1', null], to: ['s1'] } }, personal: {} };
    expect(describeTimelineEntry(entry('user-u1', 'StaffUpdated', staff, [{ ...lincoln, field: 'changes.schools' }]), student)).toBe(
      'roles: [teacher] -> [teacher, counselor]; schools: [Lincoln (school s1), (none)] -> [Lincoln (school s1)]',
    );
  });

  it('shows an id alone where the role may not see the name', () => {
    const hidden: RelatedRecord = { ...ada, name: null, personalRedacted: true };
    expect(describeTimelineEntry(entry('section-sec1', 'StudentEnrolled', { sectionId: 'sec1', studentId: 'u1' }, [hidden]), section)).toBe('student u1');
  });

  it('names both teachers of a primary teacher change, and the class on a teacher’s own timeline', () => {
    const from: RelatedRecord = { field: 'from', kind: 'user', id: 't1', name: 'Grace Hopper', status: 'active' };
    const to: RelatedRecord = { field: 'to', kind: 'user', id: 't2', name: 'Alan Turing', status: 'active' };
    const data = { sectionId: 'sec1', from: 't1', to: 't2' };
    expect(describeTimelineEntry(entry('section-sec1', 'PrimaryTeacherChanged', data, [from, to]), section)).toBe(
      'primary teacher Grace Hopper (teacher t1) -> Alan Turing (teacher t2)',
    );
    expect(describeTimelineEntry(entry('section-sec1', 'PrimaryTeacherChanged', data, [algebra, to]), { kind: 'user', id: 't1' })).toBe(
      'Algebra I (section sec1): primary teacher t1 -> Alan Turing (teacher t2)',
    );
    expect(describeTimelineEntry(entry('section-sec1', 'PrimaryTeacherChanged', { sectionId: 'sec1', from: 't1', to: null }, [from]), section)).toBe(
      'primary teacher Grace Hopper (teacher t1) -> (none)',
    );
  });

  it("names the person or class each change on a school's timeline is about, then what changed", () => {
    const school = { kind: 'school', id: 's1' } as const;
    const u1: RelatedRecord = { field: 'id', kind: 'user', id: 'u1', name: 'Ada Lovelace', status: 'active' };
    const update = entry('user-u1', 'StudentUpdated', { id: 'u1', changes: { grade: { from: '9', to: '10' } }, personal: {} }, [u1]);
    expect(describeTimelineEntry(update, school)).toBe('Ada Lovelace (student u1)  grade: 9 -> 10');
    const share = entry('user-u1', 'TeacherShared', { id: 'u1', record: {}, personal: { name: { first: 'Ada', last: 'Lovelace' } }, sharedAgain: true }, [u1]);
    expect(describeTimelineEntry(share, school)).toBe('Ada Lovelace (teacher u1)  (shared again)');
  });

  it('says what a record shared again came back with, against what it was when removed', () => {
    const data = { id: 'u1', record: { grade: '11', schools: ['s2', 's1'] }, personal: { name: { first: 'Ada', last: 'King' } }, sharedAgain: true };
    const lastKnown = { record: { grade: '10', schools: ['s1', 's2'] }, personal: { name: { first: 'Ada', last: 'Lovelace' } } };
    const again = { ...entry('user-u1', 'StudentShared', data, []), lastKnown };
    // the schools in another order are the same schools
    expect(describeTimelineEntry(again, student)).toBe('Ada King  (shared again; since its removal: grade: 10 -> 11; name.last: Lovelace -> King)');
    const same = { ...entry('user-u1', 'StudentShared', { ...data, record: lastKnown.record, personal: lastKnown.personal }, []), lastKnown };
    expect(describeTimelineEntry(same, student)).toBe('Ada Lovelace  (shared again, as it was when removed)');
    // a role shown less: what it is not shown may have changed, and is not said to be the same
    const redacted = { personalRedacted: true };
    const sameShown = { ...entry('user-u1', 'StudentShared', { ...same.data, ...redacted }, []), lastKnown: { ...lastKnown, ...redacted } };
    expect(describeTimelineEntry(sameShown, student)).toBe('Ada Lovelace  (shared again; what this role is shown is as it was when removed)');
    const changedShown = { ...entry('user-u1', 'StudentShared', { ...data, ...redacted }, []), lastKnown: { ...lastKnown, ...redacted } };
    expect(describeTimelineEntry(changedShown, student)).toBe(
      'Ada King  (shared again; since its removal: grade: 10 -> 11; name.last: Lovelace -> King; fields not shown to this role left out)',
    );
    // no earlier version known (an older answer): said as before
    expect(describeTimelineEntry(entry('user-u1', 'StudentShared', data, []), student)).toBe('Ada King  (shared again)');
  });

  it('describes a record’s own changes as before', () => {
    const shared = entry('user-u1', 'StudentShared', { id: 'u1', record: { grade: '9' }, personal: { name: { first: 'Ada', last: 'Lovelace' } } }, []);
    expect(describeTimelineEntry(shared, student)).toBe('Ada Lovelace');
    expect(describeTimelineEntry(entry('section-sec1', 'SectionRemoved', { id: 'sec1' }, []), section)).toBe('no longer shared (removed, or unshared by the district)');
    // a person loses one role: the others stay
    expect(describeTimelineEntry(entry('user-u1', 'StaffRemoved', { id: 'u1' }, []), student)).toBe(
      'no longer shared as staff (removed, or unshared by the district; any other role of theirs stays)',
    );
  });
});
