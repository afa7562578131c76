import { evolveRecordSchools, linkedSubjectsOf, recordOf, recordTypeOf, schoolsOfEvent, type RecordSchools } from './timeline-subjects';
import { factsOf } from './event-facts';
import { recorded } from '../spec-support/read-model-harness';

const ev = (streamId: string, type: string, data: object) => ({ streamId, type, data: data as Record<string, never> });

describe('timeline subjects: whose timelines an event goes on', () => {
  it('recordOf: the stream category and id, for the kinds that have timelines', () => {
    expect(recordOf({ streamId: 'user-u-1' })).toEqual({ kind: 'user', id: 'u-1' });
    expect(recordOf({ streamId: 'section-abc' })).toEqual({ kind: 'section', id: 'abc' });
    expect(recordOf({ streamId: 'sync-123' })).toBeNull();
    expect(recordOf({ streamId: 'nodash' })).toBeNull();
  });

  it("linkedSubjectsOf: a section event names its people; shares, updates and removals of users and sections reach their schools; never the event's own record", () => {
    expect(linkedSubjectsOf(ev('section-sec1', 'StudentEnrolled', { sectionId: 'sec1', studentId: 'u1' }), ['s1'])).toEqual([{ kind: 'user', id: 'u1' }]);
    expect(linkedSubjectsOf(ev('section-sec1', 'PrimaryTeacherChanged', { sectionId: 'sec1', from: null, to: 't2' }), ['s1'])).toEqual([{ kind: 'user', id: 't2' }]);
    expect(linkedSubjectsOf(ev('section-sec1', 'SectionUpdated', { id: 'sec1', changes: {} }), ['s1'])).toEqual([{ kind: 'school', id: 's1' }]);
    expect(linkedSubjectsOf(ev('user-u1', 'StudentUpdated', { id: 'u1', changes: {} }), ['s1', 's2'])).toEqual([
      { kind: 'school', id: 's1' },
      { kind: 'school', id: 's2' },
    ]);
    expect(linkedSubjectsOf(ev('user-u1', 'DemographicUpdated', { id: 'u1', personal: {} }), ['s1'])).toEqual([]);
    expect(linkedSubjectsOf(ev('school-s1', 'SchoolUpdated', { id: 's1', changes: {} }), ['s9'])).toEqual([]);
    expect(linkedSubjectsOf(ev('sync-x', 'SyncStarted', { syncId: 'x' }), [])).toEqual([]);
  });

  it('recordTypeOf: the role of a user event, "enrollment" for memberships, else the category', () => {
    expect(['StudentShared', 'DemographicUpdated', 'TeacherRemoved', 'StaffUpdated', 'DistrictAdminShared'].map((t) => recordTypeOf({ streamId: 'user-u1', type: t }))).toEqual([
      'student', 'student', 'teacher', 'staff', 'district_admin',
    ]);
    expect(['StudentEnrolled', 'TeacherUnassigned', 'PrimaryTeacherChanged', 'SectionRemoved'].map((t) => recordTypeOf({ streamId: 'section-x', type: t }))).toEqual([
      'enrollment', 'enrollment', 'section', 'section',
    ]);
    expect(recordTypeOf({ streamId: 'sync-1', type: 'SyncHeld' })).toBe('sync');
    // an event type the catalogue does not hold: its stream's category
    expect(recordTypeOf({ streamId: 'school-s1', type: 'SchoolRenamedSomeday' })).toBe('school');
  });

  describe('record schools: where each facet of a user or section belongs, and where an event is filed', () => {
    const user = (type: string, data: object) => ({ streamId: 'user-u1', type, data: data as Record<string, never> });
    const fold = (events: ReturnType<typeof user>[]) => events.reduce<RecordSchools>((acc, e) => evolveRecordSchools(acc, e), {});

    it("a share sets its role's schools, beside the other roles' schools", () => {
      const schools = fold([user('TeacherShared', { record: { school: 's1', schools: ['s1'] } }), user('StaffShared', { record: { schools: ['s2', 's3'] } })]);
      expect(schools).toEqual({ teacher: { school: 's1', schools: ['s1'] }, staff: { school: null, schools: ['s2', 's3'] } });
      expect(schoolsOfEvent({ teacher: schools.teacher! }, schools, user('StaffShared', {}))).toEqual(['s2', 's3']);
    });

    it('an update of school or schools changes that role only, and is filed under the old and the new schools', () => {
      const before = fold([user('TeacherShared', { record: { school: 's1', schools: ['s1'] } }), user('StaffShared', { record: { schools: ['s2'] } })]);
      const move = user('TeacherUpdated', { changes: { school: { from: 's1', to: 's3' }, schools: { from: ['s1'], to: ['s3'] } } });
      const after = evolveRecordSchools(before, move);
      expect(after).toEqual({ teacher: { school: 's3', schools: ['s3'] }, staff: { school: null, schools: ['s2'] } });
      expect(schoolsOfEvent(before, after, move)).toEqual(['s1', 's3']);
    });

    it('a removal is filed under the schools the role had, and forgets them', () => {
      const before = fold([user('StudentShared', { record: { school: 's1', schools: ['s1', 's2'] } })]);
      const removal = user('StudentRemoved', { id: 'u1' });
      const after = evolveRecordSchools(before, removal);
      expect(after).toEqual({});
      expect(schoolsOfEvent(before, after, removal)).toEqual(['s1', 's2']);
    });

    it('leaves the schools alone for events that do not touch them', () => {
      const before = fold([user('StudentShared', { record: { school: 's1', schools: ['s1'] } })]);
      expect(evolveRecordSchools(before, user('StudentUpdated', { changes: { grade: { from: '9', to: '10' } } }))).toBe(before);
    });

    it('a section moved to another school is at the new school only', () => {
      const section = (type: string, data: object) => ({ streamId: 'section-x', type, data: data as Record<string, never> });
      const before = evolveRecordSchools({}, section('SectionShared', { record: { school: 's1' } }));
      const after = evolveRecordSchools(before, section('SectionUpdated', { changes: { school: { from: 's1', to: 's2' } } }));
      expect(after).toEqual({ section: { school: 's2', schools: [] } });
      expect(schoolsOfEvent(after, after, section('StudentEnrolled', {}))).toEqual(['s2']);
    });
  });
});

describe('event facts: the clocks and sync read models keep', () => {
  it('reads the sync, the district and both clocks from the metadata', () => {
    const e = recorded('user-u1', 0, 42, 'StudentShared', {}, { observedAt: '2024-09-01T08:00:00.000Z', syncId: 'sync-9', cleverLastModified: '2024-08-01T00:00:00.000Z' });
    expect(factsOf(e)).toEqual({
      position: 42,
      syncId: 'sync-9',
      districtId: 'd1',
      observedAt: '2024-09-01T08:00:00.000Z',
      recordedAt: '2024-09-01T08:00:00.500Z',
      cleverLastModified: '2024-08-01T00:00:00.000Z',
    });
  });

  it('falls back to the recording time without an observation time, and to null for what is missing', () => {
    const e = recorded('user-u1', 0, 1, 'StudentShared', {}, { syncId: null, districtId: null, recordedAt: '2024-09-02T00:00:00.000Z' });
    const { observedAt: _dropped, ...withoutObservation } = e.metadata;
    e.metadata = withoutObservation;
    expect(factsOf(e)).toMatchObject({ syncId: null, districtId: null, observedAt: '2024-09-02T00:00:00.000Z', cleverLastModified: null });
  });
});
