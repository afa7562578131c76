import { ROSTER_EVENT_TYPES } from '@roster-ledger/domain';
import { SQLITE_PROJECTIONS } from './catalog';
import { ReadModelHarness } from '../../spec-support/read-model-harness';
import { rosterStory } from '../../spec-support/roster-story';

const SYNC_EVENT_TYPES = ['SyncStarted', 'SyncCompleted', 'SyncFailed', 'SyncHeld', 'SyncApproved', 'SyncDiscarded'] as const;

/**
 * Which read models each event type reaches. Built by folding the story (which uses every type of
 * the catalogue) one event at a time and noting which projections' tables changed. Districts',
 * schools', terms' and courses' own events are on their timelines without reaching the timelines'
 * tables: a record's own timeline is its stream in the log.
 */
const REACHES: Record<string, string[]> = {
  DistrictShared: ['audit', 'lookups'],
  DistrictUpdated: ['audit', 'lookups'],
  DistrictRemoved: ['audit', 'lookups'],
  SchoolShared: ['audit', 'lookups'],
  SchoolUpdated: ['audit', 'lookups'],
  SchoolRemoved: ['audit', 'lookups'],
  TermShared: ['audit', 'lookups'],
  TermUpdated: ['audit', 'lookups'],
  TermRemoved: ['audit', 'lookups'],
  CourseShared: ['audit', 'lookups'],
  CourseUpdated: ['audit', 'lookups'],
  CourseRemoved: ['audit', 'lookups'],
  StudentShared: ['accounts', 'timelines', 'audit'],
  StudentUpdated: ['accounts', 'timelines', 'audit'],
  DemographicUpdated: ['accounts', 'timelines', 'audit'],
  StudentRemoved: ['accounts', 'timelines', 'audit'],
  TeacherShared: ['accounts', 'timelines', 'audit'],
  TeacherUpdated: ['accounts', 'timelines', 'audit'],
  TeacherRemoved: ['accounts', 'timelines', 'audit'],
  StaffShared: ['accounts', 'timelines', 'audit'],
  StaffUpdated: ['accounts', 'timelines', 'audit'],
  StaffRemoved: ['accounts', 'timelines', 'audit'],
  DistrictAdminShared: ['accounts', 'timelines', 'audit'],
  DistrictAdminUpdated: ['accounts', 'timelines', 'audit'],
  DistrictAdminRemoved: ['accounts', 'timelines', 'audit'],
  SectionShared: ['classes', 'timelines', 'audit'],
  SectionUpdated: ['classes', 'timelines', 'audit'],
  SectionRemoved: ['classes', 'timelines', 'audit'],
  StudentEnrolled: ['classes', 'enrollments', 'timelines', 'audit'],
  StudentUnenrolled: ['classes', 'enrollments', 'timelines', 'audit'],
  TeacherAssigned: ['classes', 'enrollments', 'timelines', 'audit'],
  TeacherUnassigned: ['classes', 'enrollments', 'timelines', 'audit'],
  PrimaryTeacherChanged: ['classes', 'enrollments', 'timelines', 'audit'],
  SyncStarted: ['audit', 'syncs'],
  SyncCompleted: ['audit', 'syncs'],
  SyncFailed: ['audit', 'syncs'],
  SyncHeld: ['audit', 'syncs'],
  SyncApproved: ['audit', 'syncs'],
  SyncDiscarded: ['audit', 'syncs'],
};

describe('the SQLite read models', () => {
  it('are accounts, classes, enrollments, timelines, audit, syncs and lookups, each with its tables', () => {
    expect(SQLITE_PROJECTIONS.map((p) => [p.name, p.tables])).toEqual([
      ['accounts', ['accounts', 'account_search', 'account_ids', 'account_more_names']],
      ['classes', ['classes']],
      ['enrollments', ['enrollments', 'primary_teachers']],
      ['timelines', ['links', 'entity_schools']],
      ['audit', ['audit', 'audit_schools', 'audit_keys', 'entity_schools', 'audit_trails', 'identity_trails']],
      ['syncs', ['syncs']],
      ['lookups', ['lookups']],
    ]);
  });

  it('cover every roster and sync event type of the catalogue', () => {
    expect(Object.keys(REACHES).sort()).toEqual([...ROSTER_EVENT_TYPES, ...SYNC_EVENT_TYPES].sort());
  });

  it('each event type reaches the read models that concern it, and no other', () => {
    const harness = new ReadModelHarness(SQLITE_PROJECTIONS);
    try {
      const reached: Record<string, Set<string>> = {};
      let before = harness.dump();
      for (const event of rosterStory().events) {
        harness.when(event);
        const after = harness.dump();
        const changed = SQLITE_PROJECTIONS.filter((p) => p.tables.some((t) => JSON.stringify(before[`${p.name}.${t}`]) !== JSON.stringify(after[`${p.name}.${t}`])));
        reached[event.type] ??= new Set();
        for (const p of changed) reached[event.type]!.add(p.name);
        before = after;
      }
      const order = SQLITE_PROJECTIONS.map((p) => p.name);
      const actual = Object.fromEntries(Object.entries(reached).map(([type, names]) => [type, order.filter((n) => names.has(n))]));
      expect(actual).toEqual(REACHES);
    } finally {
      harness.close();
    }
  });
});
