import { ROSTER_EVENT_TYPES } from '@roster-ledger/domain';
import type { AuditFilter } from '@roster-ledger/ledger';
import { auditProjection } from './audit.projection';
import {
  DISTRICT,
  EventLog,
  atVersion1,
  assignment,
  demographicUpdated,
  enrollment,
  namedRecord,
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
  updated,
} from '../../spec-support/read-model-harness';
import { openReadModelDatabase } from '../read-model-database';
import { DAY, rosterStory } from '../../spec-support/roster-story';

const SYNC_EVENT_TYPES = ['SyncStarted', 'SyncCompleted', 'SyncFailed', 'SyncHeld', 'SyncApproved', 'SyncDiscarded'];

describe('audit projection: the feed of every recorded event, with the filters compliance uses', () => {
  const rm = readModels(auditProjection);
  const feed = async (filter: AuditFilter = {}, options: { after?: number; limit?: number } = {}) =>
    (await rm().models.audit(filter, { limit: 1000, ...options })).map((c) => `${c.type} ${c.streamId}`);

  describe('what each event becomes', () => {
    it('holds every event of the log once, in log order, with its data, sync, source and both clocks', async () => {
      const { events } = rosterStory();
      rm().given(events);
      const all = await rm().models.audit({}, { limit: 1000 });
      expect(all.map((c) => c.position)).toEqual(events.map((e) => e.position));
      const shared = all.find((c) => c.type === 'StudentShared')!;
      expect(shared).toEqual({
        position: 7,
        streamId: 'user-u1',
        type: 'StudentShared',
        syncId: 'sync-1',
        districtId: 'd1',
        observedAt: DAY.one,
        recordedAt: '2024-09-01T08:00:00.500Z',
        cleverLastModified: '2024-08-30T10:00:00.000Z',
        source: 'snapshot',
        cleverEventId: null,
        recordType: 'student',
        data: events[6]!.data,
      });
    });

    it('names the Clever event an events sync recorded a change from, and where each sync read its changes', async () => {
      const log = new EventLog();
      rm().given([
        log.append('user-u1', 'StudentShared', studentRecord('u1'), { source: 'sftp-csv' }),
        log.append('user-u1', 'StudentUpdated', updated('u1', { grade: { from: '9', to: '10' } }), { source: 'clever-events', cleverEventId: '66d1f0c2e9b1d4a001234567', syncId: 'sync-2' }),
      ]);
      const all = await rm().models.audit({}, { limit: 10 });
      expect(all.map((c) => [c.type, c.source, c.cleverEventId])).toEqual([
        ['StudentShared', 'sftp-csv', null],
        ['StudentUpdated', 'clever-events', '66d1f0c2e9b1d4a001234567'],
      ]);
    });

    it('files each event type under a record type: the role for user events, "enrollment" for memberships, else the stream category', async () => {
      rm().given(rosterStory().events);
      const recordTypes: Record<string, string[]> = {};
      for (const c of await rm().models.audit({}, { limit: 1000 })) {
        recordTypes[c.type] = [...new Set([...(recordTypes[c.type] ?? []), c.recordType!])];
      }
      expect(recordTypes).toEqual({
        DistrictShared: ['district'], DistrictUpdated: ['district'], DistrictRemoved: ['district'],
        SchoolShared: ['school'], SchoolUpdated: ['school'], SchoolRemoved: ['school'],
        TermShared: ['term'], TermUpdated: ['term'], TermRemoved: ['term'],
        CourseShared: ['course'], CourseUpdated: ['course'], CourseRemoved: ['course'],
        StudentShared: ['student'], StudentUpdated: ['student'], DemographicUpdated: ['student'], StudentRemoved: ['student'],
        TeacherShared: ['teacher'], TeacherUpdated: ['teacher'], TeacherRemoved: ['teacher'],
        StaffShared: ['staff'], StaffUpdated: ['staff'], StaffRemoved: ['staff'],
        DistrictAdminShared: ['district_admin'], DistrictAdminUpdated: ['district_admin'], DistrictAdminRemoved: ['district_admin'],
        SectionShared: ['section'], SectionUpdated: ['section'], SectionRemoved: ['section'],
        StudentEnrolled: ['enrollment'], StudentUnenrolled: ['enrollment'], TeacherAssigned: ['enrollment'], TeacherUnassigned: ['enrollment'],
        // the primary teacher is a property of the section, not a membership
        PrimaryTeacherChanged: ['section'],
        SyncStarted: ['sync'], SyncCompleted: ['sync'], SyncFailed: ['sync'], SyncHeld: ['sync'], SyncApproved: ['sync'], SyncDiscarded: ['sync'],
      });
      expect(Object.keys(recordTypes).sort()).toEqual([...ROSTER_EVENT_TYPES, ...SYNC_EVENT_TYPES].sort());
    });

    it('keeps an event without an observation time at the time it was recorded', async () => {
      const log = new EventLog();
      const e = log.append('school-s1', 'SchoolShared', namedRecord('s1', 'Lincoln High'), { recordedAt: '2024-09-02T00:00:00.000Z' });
      const { observedAt: _dropped, ...withoutObservation } = e.metadata;
      e.metadata = withoutObservation;
      rm().when(e);
      expect((await rm().models.audit({}, { limit: 10 }))[0]).toMatchObject({ observedAt: '2024-09-02T00:00:00.000Z', cleverLastModified: null });
    });
  });

  describe('what a removal says: the record as it stood just before, folded from the log', () => {
    const removals = async (filter: AuditFilter = {}) => (await rm().models.audit({ ...filter, types: [...REMOVAL_TYPES] }, { limit: 1000 }));
    const REMOVAL_TYPES = ROSTER_EVENT_TYPES.filter((t) => t.endsWith('Removed'));

    it('says who or what each removal of the story removed: a name, and the event data as stored', async () => {
      const { events } = rosterStory();
      rm().given(events);
      const said = (await removals()).map((c) => {
        const name = (c.lastKnown?.personal['name'] ?? c.lastKnown?.record['name']) as { first: string; last: string } | string | undefined;
        return [c.type, c.streamId, typeof name === 'object' ? `${name.first} ${name.last}` : name, c.data];
      });
      expect(said).toEqual([
        ['StudentRemoved', 'user-u2', 'Alan Turing', { id: 'u2' }],
        ['StaffRemoved', 'user-st1', 'Dorothy Vaughan', { id: 'st1' }],
        ['DistrictAdminRemoved', 'user-a1', 'Mary Jackson', { id: 'a1' }],
        ['SchoolRemoved', 'school-s2', 'Washington Middle', { id: 's2' }],
        ['TermRemoved', 'term-t1', 'Autumn 2024', { id: 't1' }],
        ['CourseRemoved', 'course-c1', 'Algebra 1', { id: 'c1' }],
        ['TeacherRemoved', 'user-t1', 'Grace Hopper', { id: 't1' }],
        ['SectionRemoved', 'section-sec2', 'Geometry 2B', { id: 'sec2' }],
        ['DistrictRemoved', `district-${DISTRICT}`, 'Demo Unified', { id: DISTRICT }],
      ]);
      expect(new Set(said.map(([type]) => type))).toEqual(new Set(REMOVAL_TYPES));
    });

    it("a student's removal: every field of the student's last version, updates and demographics included (the read model keeps all; the queries redact)", async () => {
      const log = new EventLog();
      rm().when(
        log.append('user-u1', 'StudentShared', studentRecord('u1', { first: 'Ada', last: 'Lovelace' })),
        log.append('section-sec1', 'SectionShared', sectionRecord('sec1')),
        log.append('section-sec1', 'StudentEnrolled', enrollment('sec1', 'u1')),
        log.append('user-u1', 'StudentUpdated', updated('u1', { grade: { from: '9', to: '10' } }, { 'name.last': { from: 'Lovelace', to: 'King' } })),
        log.append('user-u1', 'DemographicUpdated', demographicUpdated('u1', { ell_status: { from: null, to: 'Y' } })),
        log.append('section-sec1', 'StudentUnenrolled', enrollment('sec1', 'u1')),
        log.append('user-u1', 'StudentRemoved', removed('u1')),
      );
      const [removal] = await removals();
      expect(removal).toMatchObject({ type: 'StudentRemoved', data: { id: 'u1' } });
      expect(removal!.lastKnown).toEqual({
        record: { school: 's1', schools: ['s1'], grade: '10' },
        personal: {
          name: { first: 'Ada', last: 'King' },
          email: 'u1@example.org',
          sis_id: 'SIS-u1',
          student_number: 'SN-u1',
          state_id: 'ST-u1',
          gender: 'F',
          race: 'Asian',
          ell_status: 'Y',
        },
      });
    });

    it('a record removed, shared again as someone else, and removed again: each removal says the version it removed', async () => {
      const log = new EventLog();
      rm().when(
        log.append('user-u1', 'StudentShared', studentRecord('u1', { first: 'Ada', last: 'Lovelace', grade: '9' })),
        log.append('user-u1', 'StudentRemoved', removed('u1')),
        log.append('user-u1', 'StudentShared', studentRecord('u1', { first: 'Ada', last: 'King', grade: '11', sharedAgain: true })),
        log.append('user-u1', 'StudentRemoved', removed('u1')),
        log.append('section-sec1', 'SectionShared', sectionRecord('sec1', { name: 'Algebra 1A' })),
        log.append('section-sec1', 'SectionRemoved', removed('sec1')),
        log.append('section-sec1', 'SectionShared', sectionRecord('sec1', { name: 'Algebra 2B', sharedAgain: true })),
        log.append('section-sec1', 'SectionRemoved', removed('sec1')),
      );
      expect((await removals()).map((c) => [c.lastKnown?.record['grade'], (c.lastKnown?.personal['name'] as { last?: string } | undefined)?.last ?? c.lastKnown?.record['name']])).toEqual([
        ['9', 'Lovelace'],
        ['11', 'King'],
        ['9', 'Algebra 1A'],
        ['9', 'Algebra 2B'],
      ]);
    });

    it("a person with two roles: a role's removal says that role's fields, with the name as last changed through either role", async () => {
      const log = new EventLog();
      rm().when(
        log.append('user-t1', 'TeacherShared', teacherRecord('t1', { first: 'Grace', last: 'Hopper', title: 'Teacher' })),
        log.append('user-t1', 'StaffShared', staffRecord('t1', { first: 'Grace', last: 'Hopper', title: 'Counselor', schools: ['s2'] })),
        log.append('user-t1', 'StaffUpdated', updated('t1', {}, { 'name.last': { from: 'Hopper', to: 'Murray' } })),
        log.append('user-t1', 'TeacherRemoved', removed('t1')),
        log.append('user-t1', 'StaffUpdated', updated('t1', { title: { from: 'Counselor', to: 'Head Counselor' } })),
        log.append('user-t1', 'StaffRemoved', removed('t1')),
      );
      expect((await removals()).map((c) => [c.type, c.lastKnown])).toEqual([
        [
          'TeacherRemoved',
          {
            record: { school: 's1', schools: ['s1'], title: 'Teacher' },
            personal: { name: { first: 'Grace', last: 'Murray' }, email: 't1@example.org', sis_id: 'TSIS-t1', teacher_number: 'TN-t1' },
          },
        ],
        ['StaffRemoved', { record: { schools: ['s2'], title: 'Head Counselor' }, personal: { name: { first: 'Grace', last: 'Murray' }, email: 't1@example.org', staff_id: 'STAFF-t1' } }],
      ]);
    });

    it("a class's removal says its last name, however many memberships came between", async () => {
      const log = new EventLog();
      rm().when(
        log.append('section-sec1', 'SectionShared', sectionRecord('sec1', { name: 'Algebra 1A' })),
        ...['u1', 'u2', 'u3'].map((u) => log.append('section-sec1', 'StudentEnrolled', enrollment('sec1', u))),
        log.append('section-sec1', 'SectionUpdated', updated('sec1', { name: { from: 'Algebra 1A', to: 'Algebra 1 (A)' } })),
        log.append('section-sec1', 'TeacherAssigned', assignment('sec1', 't1', true)),
        ...['u1', 'u2', 'u3'].map((u) => log.append('section-sec1', 'StudentUnenrolled', enrollment('sec1', u))),
        log.append('section-sec1', 'SectionRemoved', removed('sec1')),
      );
      expect((await removals())[0]!.lastKnown).toEqual({ record: { school: 's1', name: 'Algebra 1 (A)', term_id: 't1', course: 'c1', grade: '9' }, personal: {} });
    });

    it('says the same after a restart, with the events since the checkpoint delivered again', async () => {
      const log = new EventLog();
      const shared = log.append('user-u1', 'StudentShared', studentRecord('u1', { first: 'Ada', last: 'Lovelace' }));
      const renamed = log.append('user-u1', 'StudentUpdated', updated('u1', {}, { 'name.last': { from: 'Lovelace', to: 'King' } }));
      const gone = log.append('user-u1', 'StudentRemoved', removed('u1'));
      // a teacher who becomes staff too after the restart: the share of the second role keeps the first
      const teacher = log.append('user-t1', 'TeacherShared', teacherRecord('t1', { first: 'Grace', last: 'Hopper' }));
      rm().given([shared, renamed, teacher]).restart();
      rm().when(renamed, gone, log.append('user-t1', 'StaffShared', staffRecord('t1', { first: 'Grace', last: 'Hopper' })), log.append('user-t1', 'TeacherRemoved', removed('t1')));
      expect((await removals()).map((c) => [c.type, c.lastKnown?.personal['name'], c.lastKnown?.record['title']])).toEqual([
        ['StudentRemoved', { first: 'Ada', last: 'King' }, undefined],
        ['TeacherRemoved', { first: 'Grace', last: 'Hopper' }, 'Teacher'],
      ]);
    });

    it('a removal of a record the log never shared says so (null), and other changes carry nothing more', async () => {
      const log = new EventLog();
      rm().when(log.append('user-u9', 'StudentRemoved', removed('u9')), log.append('school-s1', 'SchoolShared', namedRecord('s1', 'Lincoln High')));
      const [removal, share] = await rm().models.audit({}, { limit: 10 });
      expect(removal).toMatchObject({ type: 'StudentRemoved', lastKnown: null });
      expect(share).not.toHaveProperty('lastKnown');
    });

    it('a share again says what the record was when it was removed (the before of what it says now); a first share, or a first share of a second role, says nothing more', async () => {
      const log = new EventLog();
      rm().when(
        ...studentRemovedAndSharedAgain(log),
        log.append('user-t1', 'TeacherShared', teacherRecord('t1', { first: 'Grace', last: 'Hopper', title: 'Teacher' })),
        log.append('user-t1', 'StaffShared', staffRecord('t1', { first: 'Grace', last: 'Hopper', title: 'Counselor' })),
        log.append('user-t1', 'StaffRemoved', removed('t1')),
        log.append('user-t1', 'StaffUpdated', updated('t1', {}, { 'name.last': { from: 'Hopper', to: 'Murray' } })),
        log.append('user-t1', 'StaffShared', staffRecord('t1', { first: 'Grace', last: 'Murray', title: 'Head Counselor', sharedAgain: true })),
        ...classRemovedAndSharedAgain(log),
      );
      const shares = (await rm().models.audit({ types: ['StudentShared', 'TeacherShared', 'StaffShared', 'SectionShared'] }, { limit: 100 })).map((c) => [
        c.type,
        c.streamId,
        c.lastKnown === undefined ? 'first share' : (c.lastKnown?.record['name'] ?? c.lastKnown?.record['grade'] ?? c.lastKnown?.record['title']),
      ]);
      expect(shares).toEqual([
        ['StudentShared', 'user-u1', 'first share'],
        // as it stood when removed: in grade 10, not 9 (its first share) nor 11 (now)
        ['StudentShared', 'user-u1', '10'],
        ['TeacherShared', 'user-t1', 'first share'],
        // a second role of a person the ledger holds: no earlier version of that role
        ['StaffShared', 'user-t1', 'first share'],
        ['StaffShared', 'user-t1', 'Counselor'],
        ['SectionShared', 'section-sec1', 'first share'],
        ['SectionShared', 'section-sec1', 'Algebra 1A'],
      ]);
      const [, again] = await rm().models.audit({ types: ['StudentShared'] }, { limit: 10 });
      expect(again!.lastKnown!.personal).toMatchObject({ name: { first: 'Ada', last: 'Lovelace' }, sis_id: 'SIS-u1' });
    });

    it("a role shared again after the person's other roles came and went says what that role was when it was removed", async () => {
      const titles = async () =>
        (await rm().models.audit({ types: ['TeacherShared', 'StaffShared'] }, { limit: 100 })).map((c) => [c.type, c.lastKnown === undefined ? 'first share' : c.lastKnown?.record['title']]);
      const log = new EventLog();
      // both roles removed, then both shared again in one sync
      rm().when(
        log.append('user-t1', 'TeacherShared', teacherRecord('t1', { title: 'Teacher' })),
        log.append('user-t1', 'StaffShared', staffRecord('t1', { title: 'Counselor' })),
        log.append('user-t1', 'TeacherRemoved', removed('t1')),
        log.append('user-t1', 'StaffRemoved', removed('t1')),
        log.append('user-t1', 'TeacherShared', teacherRecord('t1', { title: 'Lead Teacher', sharedAgain: true })),
        log.append('user-t1', 'StaffShared', staffRecord('t1', { title: 'Head Counselor', sharedAgain: true })),
        // a role removed, the person back under another one, then the first shared again
        log.append('user-t2', 'TeacherShared', teacherRecord('t2', { title: 'Teacher' })),
        log.append('user-t2', 'TeacherRemoved', removed('t2')),
        log.append('user-t2', 'StaffShared', staffRecord('t2', { title: 'Counselor' })),
        log.append('user-t2', 'TeacherShared', teacherRecord('t2', { title: 'Lead Teacher', sharedAgain: true })),
      );
      expect(await titles()).toEqual([
        ['TeacherShared', 'first share'],
        ['StaffShared', 'first share'],
        ['TeacherShared', 'Teacher'],
        ['StaffShared', 'Counselor'],
        ['TeacherShared', 'first share'],
        ['StaffShared', 'first share'],
        ['TeacherShared', 'Teacher'],
      ]);
    });

    it('reads a page of the feed in log order by the district index, the removals by their position: no sort', async () => {
      rm().given(rosterStory().events);
      const prepare = jest.spyOn(rm().db, 'prepare');
      await rm().models.audit({ districtId: DISTRICT }, { limit: 10 });
      const statement = prepare.mock.calls.map(([text]) => text).find((text) => text.includes('audit_trails'))!;
      prepare.mockRestore();
      const plan = (rm().db.prepare(`EXPLAIN QUERY PLAN ${statement}`).all({ after: 0, limit: 10, districtKind: 'district', district0: DISTRICT }) as { detail: string }[]).map((s) => s.detail);
      expect(plan.filter((detail) => /TEMP B-TREE|^SCAN r\b/.test(detail))).toEqual([]);
      expect(plan).toContainEqual(expect.stringMatching(/^SEARCH r USING INTEGER PRIMARY KEY/));
    });
  });

  it('refuses an event whose observation time is not an ISO-8601 moment with a zone (it would be read in this machine\'s zone), and keeps nothing of its batch', async () => {
    const log = new EventLog();
    const e = log.append('school-s1', 'SchoolShared', namedRecord('s1', 'Lincoln High'), { observedAt: '09/02/2024 08:00' });
    expect(() => rm().when(e)).toThrow('its observation time "09/02/2024 08:00" is not an ISO-8601 moment with a zone');
    expect(rm().rows('audit')).toEqual([]);
  });

  describe('filters', () => {
    beforeEach(() => {
      rm().given(rosterStory().events);
    });

    it('by event types', async () => {
      expect(await feed({ types: ['StudentRemoved', 'StudentShared'] })).toEqual([
        'StudentShared user-u1', 'StudentShared user-u2', 'StudentRemoved user-u2', 'StudentShared user-u2',
      ]);
    });

    it('by record types: "student" includes demographic changes, "enrollment" the memberships', async () => {
      expect(await feed({ recordTypes: ['student'] })).toEqual([
        'StudentShared user-u1', 'StudentShared user-u2', 'StudentUpdated user-u1', 'DemographicUpdated user-u1', 'StudentRemoved user-u2', 'StudentShared user-u2',
      ]);
      expect(await feed({ recordTypes: ['enrollment'], syncId: 'sync-1' })).toEqual([
        'TeacherAssigned section-sec1', 'StudentEnrolled section-sec1', 'StudentEnrolled section-sec1', 'TeacherAssigned section-sec2', 'StudentEnrolled section-sec2',
      ]);
      expect(await feed({ recordTypes: ['teacher', 'district_admin'] })).toEqual([
        'TeacherShared user-t1', 'TeacherShared user-t2', 'DistrictAdminShared user-a1', 'TeacherUpdated user-t1', 'DistrictAdminUpdated user-a1',
        'DistrictAdminRemoved user-a1', 'TeacherRemoved user-t1',
      ]);
    });

    it('by sync: its own lifecycle and every roster event it recorded', async () => {
      expect(await feed({ syncId: 'sync-3' })).toEqual([
        'SyncStarted sync-sync-3', 'SyncHeld sync-sync-3', 'SyncApproved sync-sync-3',
        'StudentRemoved user-u2', 'PrimaryTeacherChanged section-sec1', 'StaffRemoved user-st1', 'DistrictAdminRemoved user-a1',
        'SchoolRemoved school-s2', 'TermRemoved term-t1', 'CourseRemoved course-c1', 'SyncCompleted sync-sync-3',
      ]);
    });

    it('by time of observation: from inclusive, to exclusive', async () => {
      const between = await feed({ from: DAY.five, to: DAY.six });
      expect(between).toEqual(['SyncStarted sync-sync-5', 'SyncFailed sync-sync-5']);
      expect(await feed({ from: DAY.six })).toEqual(['SyncStarted sync-sync-6', 'SyncHeld sync-sync-6', 'SyncDiscarded sync-sync-6']);
      expect(await feed({ to: DAY.two, types: ['SyncCompleted'] })).toEqual(['SyncCompleted sync-sync-1']);
    });

    it('by a district, sync, school or event type it never met: nothing (no error)', async () => {
      expect(await feed({ syncId: 'no-such-sync' })).toEqual([]);
      expect(await feed({ schoolId: 'no-such-school' })).toEqual([]);
      expect(await feed({ types: ['TermUpdated'], syncId: 'sync-1' })).toEqual([]);
      expect(await feed({ districtId: 'other', syncId: 'sync-1' })).toEqual([]);
    });

    it('refuses a time that is not an ISO-8601 moment with a zone, saying which filter', async () => {
      await expect(rm().models.audit({ from: 'last tuesday' }, { limit: 10 })).rejects.toThrow('from must be an ISO-8601 date or a timestamp with its zone as Z, +hh:mm or -hh:mm (2025-10-01T08:00:00Z, 2025-10-01T08:00:00-04:00), got "last tuesday"');
      await expect(rm().models.audit({ to: '2024-09-02 08:00' }, { limit: 10 })).rejects.toThrow('to must be an ISO-8601 date or a timestamp with its zone as Z, +hh:mm or -hh:mm (2025-10-01T08:00:00Z, 2025-10-01T08:00:00-04:00), got "2024-09-02 08:00"');
    });

    it('by district', async () => {
      expect(await feed({ districtId: 'other' })).toEqual([]);
      expect((await feed({ districtId: 'd1' })).length).toBe(rosterStory().events.length);
    });

    it('combines filters (all must hold) and pages by position', async () => {
      expect(await feed({ syncId: 'sync-2', recordTypes: ['school', 'term'] })).toEqual(['SchoolUpdated school-s1', 'TermUpdated term-t1']);
      const first = await rm().models.audit({ types: ['StudentShared'] }, { limit: 2 });
      expect(first.map((c) => c.streamId)).toEqual(['user-u1', 'user-u2']);
      const next = await rm().models.audit({ types: ['StudentShared'] }, { after: first[1]!.position, limit: 2 });
      expect(next.map((c) => c.streamId)).toEqual(['user-u2']);
    });
  });

  describe('filter by school', () => {
    it("files a user's events under their schools, a section's events (memberships too) under its school, and a school's own events under it", async () => {
      const log = new EventLog();
      rm().when(
        log.append('school-s1', 'SchoolShared', namedRecord('s1', 'Lincoln High')),
        log.append('school-s2', 'SchoolShared', namedRecord('s2', 'Washington Middle')),
        log.append('user-u1', 'StudentShared', studentRecord('u1', { school: 's1' })),
        log.append('user-u2', 'StudentShared', studentRecord('u2', { school: 's2' })),
        log.append('section-sec1', 'SectionShared', sectionRecord('sec1', { school: 's1' })),
        log.append('section-sec1', 'StudentEnrolled', enrollment('sec1', 'u1')),
        log.append('section-sec1', 'TeacherAssigned', assignment('sec1', 't1', true)),
        log.append('school-s1', 'SchoolUpdated', updated('s1', { name: { from: 'Lincoln High', to: 'Lincoln HS' } })),
      );
      expect(await feed({ schoolId: 's1' })).toEqual([
        'SchoolShared school-s1', 'StudentShared user-u1', 'SectionShared section-sec1', 'StudentEnrolled section-sec1', 'TeacherAssigned section-sec1', 'SchoolUpdated school-s1',
      ]);
      expect(await feed({ schoolId: 's2' })).toEqual(['SchoolShared school-s2', 'StudentShared user-u2']);
    });

    it('files a removal under the schools the record had, and a move under both schools', async () => {
      const log = new EventLog();
      rm().given([log.append('user-u1', 'StudentShared', studentRecord('u1', { school: 's1' }))]);
      rm().when(
        log.append('user-u1', 'StudentUpdated', updated('u1', { school: { from: 's1', to: 's2' }, schools: { from: ['s1'], to: ['s2'] } })),
        log.append('user-u1', 'StudentRemoved', removed('u1')),
      );
      expect(await feed({ schoolId: 's1' })).toEqual(['StudentShared user-u1', 'StudentUpdated user-u1']);
      expect(await feed({ schoolId: 's2' })).toEqual(['StudentUpdated user-u1', 'StudentRemoved user-u1']);
    });

    it("files a DemographicUpdated under the student's school (unlike the school's timeline), and sync events under none", async () => {
      const log = new EventLog();
      rm().when(
        log.append('sync-sync-1', 'SyncStarted', syncStarted('sync-1', DAY.one)),
        log.append('user-u1', 'StudentShared', studentRecord('u1', { school: 's1' })),
        log.append('user-u1', 'DemographicUpdated', demographicUpdated('u1', { gender: { from: 'F', to: 'X' } })),
        log.append('sync-sync-1', 'SyncCompleted', syncCompleted('sync-1', DAY.one)),
      );
      expect(await feed({ schoolId: 's1' })).toEqual(['StudentShared user-u1', 'DemographicUpdated user-u1']);
      expect(rm().rows('audit_schools', 'audit').map((r) => r['position'])).toEqual([2, 3]);
    });

    it('a section moved to another school: its later events are no longer filed under the old school', async () => {
      const log = new EventLog();
      rm().given([log.append('section-sec1', 'SectionShared', sectionRecord('sec1', { school: 's1' }))]);
      rm().when(
        log.append('section-sec1', 'StudentEnrolled', enrollment('sec1', 'u0')),
        log.append('section-sec1', 'SectionUpdated', updated('sec1', { school: { from: 's1', to: 's2' } })),
        log.append('section-sec1', 'StudentEnrolled', enrollment('sec1', 'u1')),
      );
      const filed = async (schoolId: string) => (await rm().models.audit({ schoolId }, { limit: 10 })).map((c) => c.position);
      // the enrollment before the move, in the same batch, stays under the old school only
      expect(await filed('s1')).toEqual([1, 2, 3]);
      expect(await filed('s2')).toEqual([3, 4]);
    });

    it('files interleaved events of records in different schools each under its own', async () => {
      const log = new EventLog();
      rm().when(
        log.append('section-sec1', 'SectionShared', sectionRecord('sec1', { school: 's1' })),
        log.append('section-sec2', 'SectionShared', sectionRecord('sec2', { school: 's2' })),
        log.append('section-sec1', 'StudentEnrolled', enrollment('sec1', 'u1')),
        log.append('section-sec2', 'StudentEnrolled', enrollment('sec2', 'u2')),
        log.append('section-sec1', 'StudentEnrolled', enrollment('sec1', 'u3')),
        log.append('section-sec2', 'StudentEnrolled', enrollment('sec2', 'u4')),
      );
      const filed = async (schoolId: string) => (await rm().models.audit({ schoolId }, { limit: 10 })).map((c) => c.position);
      expect(await filed('s1')).toEqual([1, 3, 5]);
      expect(await filed('s2')).toEqual([2, 4, 6]);
    });
  });

  describe('a batch rolled back', () => {
    it('files the events of the next batch under keys that exist: none given in the rollback is remembered', () => {
      const db = openReadModelDatabase(':memory:');
      const writer = atVersion1(db, auditProjection);
      const log = new EventLog();
      const first = log.append('user-u1', 'StudentShared', studentRecord('u1', { school: 's1' }), { syncId: 'sync-9' });
      const second = log.append('user-u2', 'StudentShared', studentRecord('u2', { school: 's1' }), { syncId: 'sync-9' });
      // one metadata object for both, as the store hands over a run of events
      second.metadata = first.metadata;
      expect(() =>
        db.transaction(() => {
          writer.apply(first);
          writer.flush();
          throw new Error('the batch failed');
        })(),
      ).toThrow('the batch failed');
      writer.reset();
      db.transaction(() => {
        writer.apply(first);
        writer.apply(second);
        writer.flush();
      })();
      const filed = db
        .prepare(
          `SELECT a.position, sync.value AS sync, type.value AS type, record.value AS record_type, school.value AS school
           FROM rm_audit_audit_v1 a
           LEFT JOIN rm_audit_audit_keys_v1 sync ON sync.key = a.sync
           LEFT JOIN rm_audit_audit_keys_v1 type ON type.key = a.type
           LEFT JOIN rm_audit_audit_keys_v1 record ON record.key = a.record_type
           LEFT JOIN rm_audit_audit_schools_v1 s ON s.position = a.position
           LEFT JOIN rm_audit_audit_keys_v1 school ON school.key = s.school
           ORDER BY a.position`,
        )
        .all();
      expect(filed).toEqual([1, 2].map((position) => ({ position, sync: 'sync-9', type: 'StudentShared', record_type: 'student', school: 's1' })));
    });
  });
});

