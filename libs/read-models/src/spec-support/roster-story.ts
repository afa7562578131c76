import type { RecordedEvent } from '@roster-ledger/ledger';
import {
  DISTRICT,
  EventLog,
  assignment,
  demographicUpdated,
  districtAdminRecord,
  enrollment,
  namedRecord,
  primaryChange,
  removed,
  sectionRecord,
  staffRecord,
  studentRecord,
  syncApproved,
  syncCompleted,
  syncDiscarded,
  syncFailed,
  syncHeld,
  syncStarted,
  teacherRecord,
  unassignment,
  updated,
} from './read-model-harness';

/** When each sync of the story took its view of the district. */
export const DAY = {
  one: '2024-09-01T08:00:00.000Z',
  two: '2024-09-08T08:00:00.000Z',
  three: '2024-09-15T08:00:00.000Z',
  four: '2024-09-22T08:00:00.000Z',
  five: '2024-09-29T08:00:00.000Z',
  six: '2024-10-06T08:00:00.000Z',
} as const;

/**
 * Six syncs of one district that use every event of the catalogue, roster and sync, in the order
 * the ledger writes them:
 *
 * 1. `sync-1`: district d1, schools s1 and s2, term t1, course c1; students u1, u2 (s1); teacher t1
 *    (s1) who is also staff (s2); teacher t2 (s1); staff st1 (s2); district admin a1; sections sec1
 *    (t1 primary, u1 and u2) and sec2 (t2 primary, u1).
 * 2. `sync-2`: every plain record updated; u1 moves from s1 to s2 and goes to grade 10, with a
 *    demographic change; t1, st1, a1 updated; sec1 renamed, t2 assigned (not primary), u2
 *    unenrolled.
 * 3. `sync-3`: held by the guard, approved by alice, then applied: u2 removed, sec1's primary
 *    teacher changed from t1 to t2, st1 and a1 removed, s2 and t1 and c1 removed.
 * 4. `sync-4`: u2 shared again and re-enrolled in sec1; t1 no longer a teacher (still staff) and
 *    unassigned from sec1; s2 shared again; sec2 removed (its members unenrolled and unassigned
 *    first); the district record removed.
 * 5. `sync-5`: failed. 6. `sync-6`: held, then discarded by bob.
 */
export function rosterStory(positionStep = 1): { log: EventLog; events: RecordedEvent[] } {
  const log = new EventLog(positionStep);

  const one = log.sync('sync-1', DAY.one);
  one('sync-sync-1', 'SyncStarted', syncStarted('sync-1', DAY.one));
  one(`district-${DISTRICT}`, 'DistrictShared', namedRecord(DISTRICT, 'Demo District'));
  one('school-s1', 'SchoolShared', namedRecord('s1', 'Lincoln High'));
  one('school-s2', 'SchoolShared', namedRecord('s2', 'Washington Middle'));
  one('term-t1', 'TermShared', namedRecord('t1', 'Fall 2024'));
  one('course-c1', 'CourseShared', namedRecord('c1', 'Algebra I'));
  one('user-u1', 'StudentShared', studentRecord('u1', { first: 'Ada', last: 'Lovelace' }), { cleverLastModified: '2024-08-30T10:00:00.000Z' });
  one('user-u2', 'StudentShared', studentRecord('u2', { first: 'Alan', last: 'Turing' }));
  one('user-t1', 'TeacherShared', teacherRecord('t1', { schools: ['s1'] }));
  one('user-t1', 'StaffShared', staffRecord('t1', { schools: ['s2'] }));
  one('user-t2', 'TeacherShared', teacherRecord('t2', { first: 'Katherine', last: 'Johnson' }));
  one('user-st1', 'StaffShared', staffRecord('st1', { first: 'Dorothy', last: 'Vaughan', schools: ['s2'] }));
  one('user-a1', 'DistrictAdminShared', districtAdminRecord('a1'));
  one('section-sec1', 'SectionShared', sectionRecord('sec1', { name: 'Algebra 1A' }));
  one('section-sec1', 'TeacherAssigned', assignment('sec1', 't1', true));
  one('section-sec1', 'StudentEnrolled', enrollment('sec1', 'u1'));
  one('section-sec1', 'StudentEnrolled', enrollment('sec1', 'u2'));
  one('section-sec2', 'SectionShared', sectionRecord('sec2', { name: 'Geometry 2B' }));
  one('section-sec2', 'TeacherAssigned', assignment('sec2', 't2', true));
  one('section-sec2', 'StudentEnrolled', enrollment('sec2', 'u1'));
  one('sync-sync-1', 'SyncCompleted', syncCompleted('sync-1', DAY.one, { StudentShared: 2 }));

  const two = log.sync('sync-2', DAY.two);
  two('sync-sync-2', 'SyncStarted', syncStarted('sync-2', DAY.two));
  two(`district-${DISTRICT}`, 'DistrictUpdated', updated(DISTRICT, { name: { from: 'Demo District', to: 'Demo Unified' } }));
  two('school-s1', 'SchoolUpdated', updated('s1', { name: { from: 'Lincoln High', to: 'Lincoln High School' } }));
  two('term-t1', 'TermUpdated', updated('t1', { name: { from: 'Fall 2024', to: 'Autumn 2024' } }));
  two('course-c1', 'CourseUpdated', updated('c1', { name: { from: 'Algebra I', to: 'Algebra 1' } }));
  two('user-u1', 'StudentUpdated', updated('u1', { school: { from: 's1', to: 's2' }, schools: { from: ['s1'], to: ['s2'] }, grade: { from: '9', to: '10' } }));
  two('user-u1', 'DemographicUpdated', demographicUpdated('u1', { ell_status: { from: null, to: 'Y' } }));
  two('user-t1', 'TeacherUpdated', updated('t1', { title: { from: 'Teacher', to: 'Lead Teacher' } }));
  two('user-st1', 'StaffUpdated', updated('st1', { title: { from: 'Counselor', to: 'Head Counselor' } }));
  two('user-a1', 'DistrictAdminUpdated', updated('a1', { title: { from: 'Superintendent', to: 'Deputy Superintendent' } }));
  two('section-sec1', 'SectionUpdated', updated('sec1', { name: { from: 'Algebra 1A', to: 'Algebra 1 (A)' } }));
  two('section-sec1', 'TeacherAssigned', assignment('sec1', 't2', false));
  two('section-sec1', 'StudentUnenrolled', enrollment('sec1', 'u2'));
  two('sync-sync-2', 'SyncCompleted', syncCompleted('sync-2', DAY.two, { StudentUpdated: 1 }));

  const three = log.sync('sync-3', DAY.three);
  three('sync-sync-3', 'SyncStarted', syncStarted('sync-3', DAY.three));
  three('sync-sync-3', 'SyncHeld', syncHeld('sync-3', DAY.three, { StudentRemoved: 1 }));
  three('sync-sync-3', 'SyncApproved', syncApproved('sync-3', 'alice', '2024-09-16T09:00:00.000Z'), { recordedAt: '2024-09-16T09:00:00.000Z' });
  three('user-u2', 'StudentRemoved', removed('u2'));
  three('section-sec1', 'PrimaryTeacherChanged', primaryChange('sec1', 't1', 't2'));
  three('user-st1', 'StaffRemoved', removed('st1'));
  three('user-a1', 'DistrictAdminRemoved', removed('a1'));
  three('school-s2', 'SchoolRemoved', removed('s2'));
  three('term-t1', 'TermRemoved', removed('t1'));
  three('course-c1', 'CourseRemoved', removed('c1'));
  three('sync-sync-3', 'SyncCompleted', syncCompleted('sync-3', '2024-09-16T09:00:01.000Z', { StudentRemoved: 1 }, { approvedBy: 'alice' }));

  const four = log.sync('sync-4', DAY.four);
  four('sync-sync-4', 'SyncStarted', syncStarted('sync-4', DAY.four));
  four('user-u2', 'StudentShared', studentRecord('u2', { first: 'Alan', last: 'Turing', sharedAgain: true }));
  four('user-t1', 'TeacherRemoved', removed('t1'));
  four('section-sec1', 'TeacherUnassigned', unassignment('sec1', 't1'));
  four('section-sec1', 'StudentEnrolled', enrollment('sec1', 'u2'));
  four('school-s2', 'SchoolShared', namedRecord('s2', 'Washington Middle', true));
  four('section-sec2', 'StudentUnenrolled', enrollment('sec2', 'u1'));
  four('section-sec2', 'TeacherUnassigned', unassignment('sec2', 't2'));
  four('section-sec2', 'SectionRemoved', removed('sec2'));
  four(`district-${DISTRICT}`, 'DistrictRemoved', removed(DISTRICT));
  four('sync-sync-4', 'SyncCompleted', syncCompleted('sync-4', DAY.four, { StudentShared: 1 }));

  const five = log.sync('sync-5', DAY.five);
  five('sync-sync-5', 'SyncStarted', syncStarted('sync-5', DAY.five));
  five('sync-sync-5', 'SyncFailed', syncFailed('sync-5', DAY.five, 'unexpected end of JSON', { file: 'users.json', line: 1 }));

  const six = log.sync('sync-6', DAY.six);
  six('sync-sync-6', 'SyncStarted', syncStarted('sync-6', DAY.six));
  six('sync-sync-6', 'SyncHeld', syncHeld('sync-6', DAY.six, { StudentRemoved: 300 }));
  six('sync-sync-6', 'SyncDiscarded', syncDiscarded('sync-6', 'bob', '2024-10-07T09:00:00.000Z'), { recordedAt: '2024-10-07T09:00:00.000Z' });

  return { log, events: log.events };
}
