import { enrollmentsProjection } from './enrollments.projection';
import {
  DISTRICT,
  EventLog,
  assignment,
  enrollment,
  namedRecord,
  primaryChange,
  readModels,
  removed,
  sectionRecord,
  studentRecord,
  unassignment,
} from '../../spec-support/read-model-harness';

const DAY1 = '2024-09-01T08:00:00.000Z';
const DAY2 = '2024-09-08T08:00:00.000Z';
const DAY3 = '2024-09-15T08:00:00.000Z';
const BEFORE_DAY1 = '2024-08-31T00:00:00.000Z';
const BETWEEN_1_2 = '2024-09-04T12:00:00.000Z';
const BETWEEN_2_3 = '2024-09-11T12:00:00.000Z';
const AFTER_DAY3 = '2024-09-20T00:00:00.000Z';

describe('enrollments projection: who was in which class, from when to when', () => {
  const rm = readModels(enrollmentsProjection);
  const roster = async (at: string, section = 'sec1') =>
    (await rm().models.rosterAsOf(section, at)).map((m) => `${m.role} ${m.userId}${m.primary ? ' (primary)' : ''}`);
  const classesOf = async (user: string, at: string) => (await rm().models.classesOfUserAsOf(user, at)).map((m) => m.sectionId);
  const intervals = () =>
    rm()
      .rows('enrollments', 'enrollments', 'ORDER BY section_id, role, user_id, from_position')
      .map((r) => ({ section: r['section_id'], user: r['user_id'], role: r['role'], from: r['from_at'], fromSync: r['from_sync'], to: r['to_at'], toSync: r['to_sync'] }));

  describe('StudentEnrolled', () => {
    it('opens an interval from the moment the sync saw it, with no end', () => {
      const log = new EventLog();
      rm().when(log.append('section-sec1', 'StudentEnrolled', enrollment('sec1', 'u1'), { observedAt: DAY1, syncId: 'sync-1' }));
      expect(intervals()).toEqual([{ section: 'sec1', user: 'u1', role: 'student', from: DAY1, fromSync: 'sync-1', to: null, toSync: null }]);
      expect(rm().rows('enrollments')[0]).toMatchObject({ district_id: DISTRICT, from_position: 1, to_position: null });
    });

    it('puts the student on the roster from that moment on, not before', async () => {
      const log = new EventLog();
      rm().when(log.append('section-sec1', 'StudentEnrolled', enrollment('sec1', 'u1'), { observedAt: DAY1, syncId: 'sync-1' }));
      expect(await roster(BEFORE_DAY1)).toEqual([]);
      expect(await roster(DAY1)).toEqual(['student u1']); // from is inclusive
      expect(await roster(AFTER_DAY3)).toEqual(['student u1']);
      expect(await rm().models.rosterAsOf('sec1', DAY2)).toEqual([
        { sectionId: 'sec1', userId: 'u1', role: 'student', primary: false, since: DAY1, sinceSync: 'sync-1', primarySince: null, primarySinceSync: null, until: null },
      ]);
      expect(await classesOf('u1', DAY2)).toEqual(['sec1']);
      expect(await classesOf('u1', BEFORE_DAY1)).toEqual([]);
    });
  });

  describe('StudentUnenrolled', () => {
    const enrolledThenUnenrolled = (log: EventLog) => [
      log.append('section-sec1', 'StudentEnrolled', enrollment('sec1', 'u1'), { observedAt: DAY1, syncId: 'sync-1' }),
      log.append('section-sec1', 'StudentEnrolled', enrollment('sec1', 'u2'), { observedAt: DAY1, syncId: 'sync-1' }),
      log.append('section-sec1', 'StudentUnenrolled', enrollment('sec1', 'u1'), { observedAt: DAY2, syncId: 'sync-2' }),
    ];

    it('closes the open interval at the moment the sync saw it', () => {
      const [first, second, unenrolled] = enrolledThenUnenrolled(new EventLog());
      rm().given([first!, second!]);
      rm().when(unenrolled!);
      const u1 = intervals().filter((i) => i.user === 'u1');
      expect(u1).toEqual([{ section: 'sec1', user: 'u1', role: 'student', from: DAY1, fromSync: 'sync-1', to: DAY2, toSync: 'sync-2' }]);
    });

    it('answers the roster as of a moment before, within and after the interval', async () => {
      const log = new EventLog();
      rm().given(enrolledThenUnenrolled(log));
      expect(await roster(BEFORE_DAY1)).toEqual([]);
      expect(await roster(BETWEEN_1_2)).toEqual(['student u1', 'student u2']);
      expect(await roster(DAY2)).toEqual(['student u2']); // the end is exclusive
      expect(await roster(AFTER_DAY3)).toEqual(['student u2']);
      expect(await classesOf('u1', BETWEEN_1_2)).toEqual(['sec1']);
      expect(await classesOf('u1', AFTER_DAY3)).toEqual([]);
    });

    it('says when a membership that was current at the moment asked about ended later (Membership.until)', async () => {
      const log = new EventLog();
      rm().given(enrolledThenUnenrolled(log));
      const asOf = await rm().models.rosterAsOf('sec1', BETWEEN_1_2);
      expect(asOf.map((m) => [m.userId, m.until])).toEqual([
        ['u1', DAY2],
        ['u2', null],
      ]);
      expect((await rm().models.classesOfUserAsOf('u1', BETWEEN_1_2)).map((m) => m.until)).toEqual([DAY2]);
    });

    it('changes nothing for a student with no open interval', () => {
      const log = new EventLog();
      rm().when(log.append('section-sec1', 'StudentUnenrolled', enrollment('sec1', 'u1'), { observedAt: DAY2 }));
      expect(intervals()).toEqual([]);
    });
  });

  describe('re-enrollment', () => {
    it('opens a new interval: the student is on the roster before the gap and after it, not within it', async () => {
      const log = new EventLog();
      rm().given([
        log.append('section-sec1', 'StudentEnrolled', enrollment('sec1', 'u1'), { observedAt: DAY1, syncId: 'sync-1' }),
        log.append('section-sec1', 'StudentUnenrolled', enrollment('sec1', 'u1'), { observedAt: DAY2, syncId: 'sync-2' }),
      ]);
      rm().when(log.append('section-sec1', 'StudentEnrolled', enrollment('sec1', 'u1'), { observedAt: DAY3, syncId: 'sync-3' }));

      expect(intervals()).toEqual([
        { section: 'sec1', user: 'u1', role: 'student', from: DAY1, fromSync: 'sync-1', to: DAY2, toSync: 'sync-2' },
        { section: 'sec1', user: 'u1', role: 'student', from: DAY3, fromSync: 'sync-3', to: null, toSync: null },
      ]);
      expect(await roster(BETWEEN_1_2)).toEqual(['student u1']);
      expect(await roster(BETWEEN_2_3)).toEqual([]);
      expect(await rm().models.rosterAsOf('sec1', AFTER_DAY3)).toEqual([
        { sectionId: 'sec1', userId: 'u1', role: 'student', primary: false, since: DAY3, sinceSync: 'sync-3', primarySince: null, primarySinceSync: null, until: null },
      ]);
    });

    it('a later StudentUnenrolled closes only the new interval', () => {
      const log = new EventLog();
      rm().given([
        log.append('section-sec1', 'StudentEnrolled', enrollment('sec1', 'u1'), { observedAt: DAY1 }),
        log.append('section-sec1', 'StudentUnenrolled', enrollment('sec1', 'u1'), { observedAt: DAY2 }),
        log.append('section-sec1', 'StudentEnrolled', enrollment('sec1', 'u1'), { observedAt: DAY3 }),
      ]);
      rm().when(log.append('section-sec1', 'StudentUnenrolled', enrollment('sec1', 'u1'), { observedAt: AFTER_DAY3 }));
      expect(intervals().map((i) => [i.from, i.to])).toEqual([
        [DAY1, DAY2],
        [DAY3, AFTER_DAY3],
      ]);
    });
  });

  describe('teachers', () => {
    it('TeacherAssigned opens a teacher interval with the primary flag; teachers come first on the roster, the primary first among them', async () => {
      const log = new EventLog();
      rm().when(
        log.append('section-sec1', 'StudentEnrolled', enrollment('sec1', 'u1'), { observedAt: DAY1 }),
        log.append('section-sec1', 'TeacherAssigned', assignment('sec1', 't2', false), { observedAt: DAY1 }),
        log.append('section-sec1', 'TeacherAssigned', assignment('sec1', 't1', true), { observedAt: DAY1 }),
      );
      expect(await roster(DAY2)).toEqual(['teacher t1 (primary)', 'teacher t2', 'student u1']);
      expect(await classesOf('t1', DAY2)).toEqual(['sec1']);
    });

    it('TeacherAssigned with primary takes the flag from the teacher who had it', async () => {
      const log = new EventLog();
      rm().given([log.append('section-sec1', 'TeacherAssigned', assignment('sec1', 't1', true), { observedAt: DAY1 })]);
      rm().when(log.append('section-sec1', 'TeacherAssigned', assignment('sec1', 't2', true), { observedAt: DAY2 }));
      expect(await roster(DAY3)).toEqual(['teacher t2 (primary)', 'teacher t1']);
    });

    it('shows a primary teacher the file also lists among the students as primary once, as the teacher', async () => {
      const log = new EventLog();
      rm().given([
        log.append('section-sec1', 'TeacherAssigned', assignment('sec1', 't1', true), { observedAt: DAY1 }),
        log.append('section-sec1', 'StudentEnrolled', enrollment('sec1', 't1'), { observedAt: DAY1 }),
      ]);
      expect(await roster(DAY2)).toEqual(['teacher t1 (primary)', 'student t1']);
    });

    it('TeacherUnassigned closes the teacher interval', async () => {
      const log = new EventLog();
      rm().given([
        log.append('section-sec1', 'TeacherAssigned', assignment('sec1', 't1', true), { observedAt: DAY1 }),
        log.append('section-sec1', 'TeacherAssigned', assignment('sec1', 't2', false), { observedAt: DAY1 }),
      ]);
      rm().when(log.append('section-sec1', 'TeacherUnassigned', unassignment('sec1', 't1'), { observedAt: DAY2, syncId: 'sync-2' }));
      expect(intervals().filter((i) => i.user === 't1')).toEqual([
        { section: 'sec1', user: 't1', role: 'teacher', from: DAY1, fromSync: 'sync-1', to: DAY2, toSync: 'sync-2' },
      ]);
      expect(await roster(BETWEEN_1_2)).toEqual(['teacher t1 (primary)', 'teacher t2']);
      expect(await roster(DAY3)).toEqual(['teacher t2']);
    });

    it('PrimaryTeacherChanged moves the primary flag to the new primary teacher', async () => {
      const log = new EventLog();
      rm().given([
        log.append('section-sec1', 'TeacherAssigned', assignment('sec1', 't1', true), { observedAt: DAY1 }),
        log.append('section-sec1', 'TeacherAssigned', assignment('sec1', 't2', false), { observedAt: DAY1 }),
      ]);
      rm().when(log.append('section-sec1', 'PrimaryTeacherChanged', primaryChange('sec1', 't1', 't2'), { observedAt: DAY2, syncId: 'sync-2' }));
      expect(await roster(DAY3)).toEqual(['teacher t2 (primary)', 'teacher t1']);
      // in the class since day 1, primary since day 2: two moments, each with its sync
      const [t2] = await rm().models.rosterAsOf('sec1', DAY3);
      expect(t2).toMatchObject({ userId: 't2', since: DAY1, primary: true, primarySince: DAY2, primarySinceSync: 'sync-2' });
      const [t1] = await rm().models.rosterAsOf('sec1', BETWEEN_1_2);
      expect(t1).toMatchObject({ userId: 't1', since: DAY1, primary: true, primarySince: DAY1 });
    });

    it('a roster as of a moment before PrimaryTeacherChanged names the primary teacher of that moment', async () => {
      const log = new EventLog();
      rm().given([
        log.append('section-sec1', 'TeacherAssigned', assignment('sec1', 't1', true), { observedAt: DAY1 }),
        log.append('section-sec1', 'TeacherAssigned', assignment('sec1', 't2', false), { observedAt: DAY1 }),
      ]);
      rm().when(log.append('section-sec1', 'PrimaryTeacherChanged', primaryChange('sec1', 't1', 't2'), { observedAt: DAY2 }));
      expect(await roster(BETWEEN_1_2)).toEqual(['teacher t1 (primary)', 'teacher t2']);
    });

    it('PrimaryTeacherChanged to nobody leaves no teacher primary', async () => {
      const log = new EventLog();
      rm().given([log.append('section-sec1', 'TeacherAssigned', assignment('sec1', 't1', true), { observedAt: DAY1 })]);
      expect(() => rm().when(log.append('section-sec1', 'PrimaryTeacherChanged', primaryChange('sec1', 't1', null), { observedAt: DAY2 }))).not.toThrow();
      expect(await roster(DAY3)).toEqual(['teacher t1']);
    });
  });

  describe('SectionRemoved', () => {
    it('after the unenrollments and unassignments the ledger writes first, the roster is empty from then on and intact before', async () => {
      const log = new EventLog();
      rm().given([
        log.append('section-sec1', 'SectionShared', sectionRecord('sec1'), { observedAt: DAY1 }),
        log.append('section-sec1', 'TeacherAssigned', assignment('sec1', 't1', true), { observedAt: DAY1 }),
        log.append('section-sec1', 'StudentEnrolled', enrollment('sec1', 'u1'), { observedAt: DAY1 }),
      ]);
      rm().when(
        log.append('section-sec1', 'StudentUnenrolled', enrollment('sec1', 'u1'), { observedAt: DAY2 }),
        log.append('section-sec1', 'TeacherUnassigned', unassignment('sec1', 't1'), { observedAt: DAY2 }),
        log.append('section-sec1', 'SectionRemoved', removed('sec1'), { observedAt: DAY2 }),
      );
      expect(await roster(BETWEEN_1_2)).toEqual(['teacher t1 (primary)', 'student u1']);
      expect(await roster(DAY3)).toEqual([]);
    });
  });

  it('ignores every event but memberships', () => {
    const log = new EventLog();
    rm().when(
      log.append('section-sec1', 'SectionShared', sectionRecord('sec1')),
      log.append('user-u1', 'StudentShared', studentRecord('u1')),
      log.append('school-s1', 'SchoolShared', namedRecord('s1', 'Lincoln High')),
    );
    expect(intervals()).toEqual([]);
  });
});
