import type { TimelineKind } from '@roster-ledger/ledger';
import { recordOf } from '../../model/timeline-subjects';
import { SqliteReadModels } from '../readers/sqlite-read-models';
import { timelinesProjection } from './timelines.projection';
import {
  EventLog,
  assignment,
  demographicUpdated,
  districtAdminRecord,
  enrollment,
  namedRecord,
  primaryChange,
  readModels,
  removed,
  studentRemovedAndSharedAgain,
  classRemovedAndSharedAgain,
  sectionRecord,
  staffRecord,
  studentRecord,
  syncCompleted,
  syncStarted,
  teacherRecord,
  unassignment,
  updated,
} from '../../spec-support/read-model-harness';

const DAY1 = '2024-09-01T08:00:00.000Z';
const DAY2 = '2024-09-08T08:00:00.000Z';
const DAY3 = '2024-09-15T08:00:00.000Z';

describe('timelines projection: every change on the timeline of each record it concerns', () => {
  const rm = readModels(timelinesProjection);
  /** A timeline as `type@position` entries, oldest first. */
  const timeline = async (kind: TimelineKind, id: string) => (await rm().models.timeline(kind, id, { limit: 100 })).map((c) => `${c.type}@${c.position}`);
  /** Every timeline holding the entry at a position: its own record's (its stream), and those the read model links it to. */
  const timelinesOf = (position: number) => {
    const own = recordOf(rm().eventAt(position));
    const linked = rm()
      .rows('links', 'timelines', 'WHERE position = ?', position)
      .map((r) => `${r['subject_kind']}:${r['subject_id']}`);
    return [...(own ? [`${own.kind}:${own.id}`] : []), ...linked].sort();
  };

  describe('user events', () => {
    it('says on a removal and on a share again what the record was, as the audit feed does: the before of a share again', async () => {
      const log = new EventLog();
      rm().when(...studentRemovedAndSharedAgain(log), ...classRemovedAndSharedAgain(log));
      const said = async (kind: TimelineKind, id: string) =>
        (await rm().models.timeline(kind, id, { limit: 100 })).map((c) => [c.type, c.lastKnown === undefined ? 'nothing' : c.lastKnown?.record[kind === 'user' ? 'grade' : 'name']]);
      // as it stood when removed: in grade 10, not 9 (its first share) nor 11 (now)
      expect(await said('user', 'u1')).toEqual([
        ['StudentShared', 'nothing'],
        ['StudentUpdated', 'nothing'],
        ['StudentRemoved', '10'],
        ['StudentShared', '10'],
      ]);
      const [, , , again] = await rm().models.timeline('user', 'u1', { limit: 100 });
      expect(again!.lastKnown!.personal).toMatchObject({ name: { first: 'Ada', last: 'Lovelace' }, sis_id: 'SIS-u1' });
      expect(await said('section', 'sec1')).toEqual([
        ['SectionShared', 'nothing'],
        ['SectionRemoved', 'Algebra 1A'],
        ['SectionShared', 'Algebra 1A'],
      ]);
      // a page that starts after the record's earlier events still knows them
      const last = await rm().models.timeline('user', 'u1', { after: 3, limit: 100 });
      expect(last.map((c) => [c.type, c.lastKnown?.record['grade']])).toEqual([['StudentShared', '10']]);
    });

    it("StudentShared is on the student's timeline and on the timeline of each of their schools, with both clocks, the sync and the Clever event it came from", async () => {
      const log = new EventLog();
      const e = log.append('user-u1', 'StudentShared', studentRecord('u1', { school: 's1', schools: ['s1', 's2'] }), {
        observedAt: DAY1,
        syncId: 'sync-1',
        recordedAt: '2024-09-01T08:00:03.000Z',
        cleverLastModified: '2024-08-30T10:00:00.000Z',
        source: 'clever-events',
        cleverEventId: '66d1f0c2e9b1d4a001234567',
      });
      rm().when(e);

      expect(timelinesOf(1)).toEqual(['school:s1', 'school:s2', 'user:u1']);
      const [entry] = await rm().models.timeline('user', 'u1', { limit: 10 });
      expect(entry).toEqual({
        position: 1,
        streamId: 'user-u1',
        type: 'StudentShared',
        syncId: 'sync-1',
        districtId: 'd1',
        observedAt: DAY1,
        recordedAt: '2024-09-01T08:00:03.000Z',
        cleverLastModified: '2024-08-30T10:00:00.000Z',
        source: 'clever-events',
        cleverEventId: '66d1f0c2e9b1d4a001234567',
        data: e.data,
      });
      expect(await rm().models.timeline('school', 's2', { limit: 10 })).toEqual([entry]);
    });

    it('StudentUpdated is on the timelines with its field-level changes', async () => {
      const log = new EventLog();
      rm().given([log.append('user-u1', 'StudentShared', studentRecord('u1'), { observedAt: DAY1 })]);
      rm().when(log.append('user-u1', 'StudentUpdated', updated('u1', { grade: { from: '9', to: '10' } }), { observedAt: DAY2, syncId: 'sync-2' }));

      expect(timelinesOf(2)).toEqual(['school:s1', 'user:u1']);
      const [, entry] = await rm().models.timeline('user', 'u1', { limit: 10 });
      expect(entry).toMatchObject({ type: 'StudentUpdated', observedAt: DAY2, syncId: 'sync-2', data: { id: 'u1', changes: { grade: { from: '9', to: '10' } }, personal: {} } });
    });

    it("DemographicUpdated is on the student's timeline only, never on a school's", async () => {
      const log = new EventLog();
      rm().given([log.append('user-u1', 'StudentShared', studentRecord('u1'))]);
      rm().when(log.append('user-u1', 'DemographicUpdated', demographicUpdated('u1', { race: { from: 'Asian', to: 'Two or More Races' } })));
      expect(timelinesOf(2)).toEqual(['user:u1']);
      expect(await timeline('school', 's1')).toEqual(['StudentShared@1']);
    });

    it('StudentRemoved is filed under the schools the student had, which the event does not repeat', async () => {
      const log = new EventLog();
      rm().given([log.append('user-u1', 'StudentShared', studentRecord('u1', { schools: ['s1', 's2'] }))]);
      rm().when(log.append('user-u1', 'StudentRemoved', removed('u1')));
      expect(timelinesOf(2)).toEqual(['school:s1', 'school:s2', 'user:u1']);
    });

    it('a student who changes school: the move is on both schools\' timelines, later changes on the new school\'s only', async () => {
      const log = new EventLog();
      rm().given([log.append('user-u1', 'StudentShared', studentRecord('u1', { school: 's1' }))]);
      rm().when(
        log.append('user-u1', 'StudentUpdated', updated('u1', { school: { from: 's1', to: 's2' }, schools: { from: ['s1'], to: ['s2'] } })),
        log.append('user-u1', 'StudentUpdated', updated('u1', { grade: { from: '9', to: '10' } })),
      );
      expect(timelinesOf(2)).toEqual(['school:s1', 'school:s2', 'user:u1']);
      expect(timelinesOf(3)).toEqual(['school:s2', 'user:u1']);
      expect(await timeline('school', 's1')).toEqual(['StudentShared@1', 'StudentUpdated@2']);
    });

    it('TeacherShared / TeacherUpdated / TeacherRemoved are on the teacher\'s timeline and their schools\'', async () => {
      const log = new EventLog();
      rm().when(
        log.append('user-t1', 'TeacherShared', teacherRecord('t1', { schools: ['s1', 's3'] })),
        log.append('user-t1', 'TeacherUpdated', updated('t1', { title: { from: 'Teacher', to: 'Lead' } })),
        log.append('user-t1', 'TeacherRemoved', removed('t1')),
      );
      expect(await timeline('user', 't1')).toEqual(['TeacherShared@1', 'TeacherUpdated@2', 'TeacherRemoved@3']);
      expect(await timeline('school', 's3')).toEqual(['TeacherShared@1', 'TeacherUpdated@2', 'TeacherRemoved@3']);
    });

    it('StaffShared / StaffUpdated / StaffRemoved are on the staff member\'s timeline and their schools\'', async () => {
      const log = new EventLog();
      rm().when(
        log.append('user-st1', 'StaffShared', staffRecord('st1', { schools: ['s2'] })),
        log.append('user-st1', 'StaffUpdated', updated('st1', { title: { from: 'Counselor', to: 'Head Counselor' } })),
        log.append('user-st1', 'StaffRemoved', removed('st1')),
      );
      expect(await timeline('user', 'st1')).toEqual(['StaffShared@1', 'StaffUpdated@2', 'StaffRemoved@3']);
      expect(await timeline('school', 's2')).toEqual(['StaffShared@1', 'StaffUpdated@2', 'StaffRemoved@3']);
    });

    it("DistrictAdminShared / DistrictAdminUpdated / DistrictAdminRemoved are on the admin's timeline (an admin has no school)", async () => {
      const log = new EventLog();
      rm().when(
        log.append('user-a1', 'DistrictAdminShared', districtAdminRecord('a1')),
        log.append('user-a1', 'DistrictAdminUpdated', updated('a1', { title: { from: 'Superintendent', to: 'Deputy' } })),
        log.append('user-a1', 'DistrictAdminRemoved', removed('a1')),
      );
      expect(await timeline('user', 'a1')).toEqual(['DistrictAdminShared@1', 'DistrictAdminUpdated@2', 'DistrictAdminRemoved@3']);
      // their own timeline is their stream: nothing links them elsewhere
      expect(rm().rows('links')).toEqual([]);
    });

    it("each role's changes are filed under that role's schools: a teacher who is also staff elsewhere", () => {
      const log = new EventLog();
      rm().given([
        log.append('user-t1', 'TeacherShared', teacherRecord('t1', { schools: ['s1'] })),
        log.append('user-t1', 'StaffShared', staffRecord('t1', { schools: ['s2'] })),
      ]);
      rm().when(log.append('user-t1', 'TeacherUpdated', updated('t1', { title: { from: 'Teacher', to: 'Lead' } })));
      expect(timelinesOf(2)).toEqual(['school:s2', 'user:t1']);
      expect(timelinesOf(3)).toEqual(['school:s1', 'user:t1']);
    });

    it("a teacher who is also staff: a change of the teacher's schools keeps the staff role's school", () => {
      const log = new EventLog();
      rm().given([
        log.append('user-t1', 'TeacherShared', teacherRecord('t1', { schools: ['s1'] })),
        log.append('user-t1', 'StaffShared', staffRecord('t1', { schools: ['s2'] })),
        log.append('user-t1', 'TeacherUpdated', updated('t1', { school: { from: 's1', to: 's3' }, schools: { from: ['s1'], to: ['s3'] } })),
      ]);
      rm().when(log.append('user-t1', 'StaffRemoved', removed('t1')));
      expect(timelinesOf(4)).toContain('school:s2');
    });
  });

  describe('section events', () => {
    const section = (log: EventLog) => [
      log.append('section-sec1', 'SectionShared', sectionRecord('sec1', { school: 's1' })),
      log.append('section-sec1', 'TeacherAssigned', assignment('sec1', 't1', true)),
      log.append('section-sec1', 'TeacherAssigned', assignment('sec1', 't2', false)),
      log.append('section-sec1', 'StudentEnrolled', enrollment('sec1', 'u1')),
    ];

    it("SectionShared is on the section's timeline and its school's", () => {
      const log = new EventLog();
      rm().when(log.append('section-sec1', 'SectionShared', sectionRecord('sec1', { school: 's1' })));
      expect(timelinesOf(1)).toEqual(['school:s1', 'section:sec1']);
    });

    it("StudentEnrolled and StudentUnenrolled are on the section's and the student's timelines, not the school's", () => {
      const log = new EventLog();
      rm().given(section(log));
      rm().when(log.append('section-sec1', 'StudentUnenrolled', enrollment('sec1', 'u1')));
      expect(timelinesOf(4)).toEqual(['section:sec1', 'user:u1']);
      expect(timelinesOf(5)).toEqual(['section:sec1', 'user:u1']);
    });

    it("TeacherAssigned and TeacherUnassigned are on the section's and the teacher's timelines", () => {
      const log = new EventLog();
      rm().given(section(log));
      rm().when(log.append('section-sec1', 'TeacherUnassigned', unassignment('sec1', 't2')));
      expect(timelinesOf(2)).toEqual(['section:sec1', 'user:t1']);
      expect(timelinesOf(5)).toEqual(['section:sec1', 'user:t2']);
    });

    it('PrimaryTeacherChanged is on the timelines of the section and of both teachers', () => {
      const log = new EventLog();
      rm().given(section(log));
      rm().when(log.append('section-sec1', 'PrimaryTeacherChanged', primaryChange('sec1', 't1', 't2')));
      expect(timelinesOf(5)).toEqual(['section:sec1', 'user:t1', 'user:t2']);
    });

    it("SectionUpdated and SectionRemoved are on the section's timeline and its school's", async () => {
      const log = new EventLog();
      rm().given(section(log));
      rm().when(
        log.append('section-sec1', 'SectionUpdated', updated('sec1', { name: { from: 'Section sec1', to: 'Algebra' } })),
        log.append('section-sec1', 'SectionRemoved', removed('sec1')),
      );
      expect(timelinesOf(5)).toEqual(['school:s1', 'section:sec1']);
      expect(timelinesOf(6)).toEqual(['school:s1', 'section:sec1']);
      expect(await timeline('section', 'sec1')).toEqual([
        'SectionShared@1', 'TeacherAssigned@2', 'TeacherAssigned@3', 'StudentEnrolled@4', 'SectionUpdated@5', 'SectionRemoved@6',
      ]);
    });

    it('a section moved to another school: the move is on both schools\' timelines, later changes on the new school\'s only', () => {
      const log = new EventLog();
      rm().given(section(log));
      rm().when(
        log.append('section-sec1', 'SectionUpdated', updated('sec1', { school: { from: 's1', to: 's2' } })),
        log.append('section-sec1', 'SectionUpdated', updated('sec1', { name: { from: 'Section sec1', to: 'Algebra' } })),
      );
      expect(timelinesOf(5)).toEqual(['school:s1', 'school:s2', 'section:sec1']);
      expect(timelinesOf(6)).toEqual(['school:s2', 'section:sec1']);
    });
  });

  describe('district, school, term and course events', () => {
    it.each([
      ['district', 'District'],
      ['school', 'School'],
      ['term', 'Term'],
      ['course', 'Course'],
    ] as const)('%s: Shared, Updated and Removed are on its own timeline', async (kind, prefix) => {
      const log = new EventLog();
      rm().when(
        log.append(`${kind}-x1`, `${prefix}Shared`, namedRecord('x1', 'One'), { observedAt: DAY1 }),
        log.append(`${kind}-x1`, `${prefix}Updated`, updated('x1', { name: { from: 'One', to: 'Uno' } }), { observedAt: DAY2 }),
        log.append(`${kind}-x1`, `${prefix}Removed`, removed('x1'), { observedAt: DAY3 }),
      );
      expect(await timeline(kind, 'x1')).toEqual([`${prefix}Shared@1`, `${prefix}Updated@2`, `${prefix}Removed@3`]);
      expect(rm().rows('links')).toEqual([]);
    });
  });

  it('keeps sync events off every timeline', () => {
    const log = new EventLog();
    rm().when(log.append('sync-sync-1', 'SyncStarted', syncStarted('sync-1', DAY1)), log.append('sync-sync-1', 'SyncCompleted', syncCompleted('sync-1', DAY1)));
    expect([timelinesOf(1), timelinesOf(2)]).toEqual([[], []]);
  });

  it('reads each change from the log, with both clocks, the sync and the data as recorded', async () => {
    const log = new EventLog();
    const shared = log.append('user-u1', 'StudentShared', studentRecord('u1'), { observedAt: '2024-09-01T08:00:00.000Z', syncId: 'sync-9', cleverLastModified: '2024-08-30T10:00:00.000Z' });
    rm().when(shared);
    expect(await rm().models.timeline('user', 'u1', { limit: 10 })).toEqual([
      {
        position: shared.position,
        streamId: 'user-u1',
        type: 'StudentShared',
        syncId: 'sync-9',
        districtId: 'd1',
        observedAt: '2024-09-01T08:00:00.000Z',
        recordedAt: shared.recordedAt,
        cleverLastModified: '2024-08-30T10:00:00.000Z',
        source: 'snapshot',
        cleverEventId: null,
        data: shared.data,
      },
    ]);
  });

  it('fails loudly, naming the positions, when the timeline points at events the log does not hold', async () => {
    const log = new EventLog();
    rm().when(log.append('user-u1', 'StudentShared', studentRecord('u1')));
    // the log still knows the stream's positions, but cannot hand over the events
    const withoutTheLog = new SqliteReadModels(rm().db, { names: () => ['timelines'], liveVersion: () => 1, stopped: () => false, checkpointTable: () => 'version_checkpoints', roundsTable: () => null }, { readAt: async () => [], streamPositions: async () => [1], readStream: async function* () {} });
    await expect(withoutTheLog.timeline('user', 'u1', { limit: 10 })).rejects.toThrow('log positions the log does not hold: 1');
  });

  it('pages a timeline by position: after a cursor, up to a limit, oldest first', async () => {
    const log = new EventLog(10); // positions 10, 20, 30, 40
    rm().when(
      log.append('user-u1', 'StudentShared', studentRecord('u1')),
      log.append('user-u1', 'StudentUpdated', updated('u1', { grade: { from: '9', to: '10' } })),
      log.append('user-u1', 'StudentUpdated', updated('u1', { grade: { from: '10', to: '11' } })),
      log.append('user-u1', 'StudentUpdated', updated('u1', { grade: { from: '11', to: '12' } })),
    );
    const page = async (after: number | undefined, limit: number) => (await rm().models.timeline('user', 'u1', { after, limit })).map((c) => c.position);
    expect(await page(undefined, 2)).toEqual([10, 20]);
    expect(await page(20, 2)).toEqual([30, 40]);
    expect(await page(40, 2)).toEqual([]);
  });

  it("pages a student's own events and their classes' enrollments together, in log order, none twice and none left out", async () => {
    const log = new EventLog();
    rm().when(
      log.append('user-u1', 'StudentShared', studentRecord('u1')), // 1: own
      log.append('section-c1', 'StudentEnrolled', enrollment('c1', 'u1')), // 2: linked
      log.append('section-c2', 'StudentEnrolled', enrollment('c2', 'u1')), // 3: linked
      log.append('user-u1', 'StudentUpdated', updated('u1', { grade: { from: '9', to: '10' } })), // 4: own
      log.append('section-c2', 'StudentEnrolled', enrollment('c2', 'u2')), // 5: someone else's
      log.append('section-c1', 'StudentUnenrolled', enrollment('c1', 'u1')), // 6: linked
      log.append('user-u1', 'StudentRemoved', removed('u1')), // 7: own
    );
    const pages: number[][] = [];
    let after: number | undefined;
    for (;;) {
      const page = (await rm().models.timeline('user', 'u1', { after, limit: 2 })).map((c) => c.position);
      if (page.length === 0) break;
      pages.push(page);
      after = page[page.length - 1];
    }
    expect(pages).toEqual([[1, 2], [3, 4], [6, 7]]);
  });
});
