import { generateDistrict } from '../scripts/generate/generate';
import { cliJson, scratch } from './support/ledger-cli';

/**
 * The generator's three snapshots are days of one district: base, the next day (churn), the
 * next term (rollover). Imported in that order with the CLI, as the bench does, the churn shows
 * every kind of change the ledger records, and the rollover starts from the churn's day, so it
 * does not undo it (no one the churn removed is shared again, no one it added removed).
 */
describe('a generated district imported day by day', () => {
  const tmp = scratch('generated-days');
  afterAll(() => tmp.cleanup());
  const db = tmp.path('ledger.db');

  type Sync = { syncId: string; status: string; counts: Record<string, number>; breaches: unknown[]; unresolved: Record<string, number>; appended: number; pending: number };
  const importing = (folder: string) => {
    const run = cliJson<Sync>(['import', tmp.path(folder), '--db', db]);
    expect([folder, run.status, run.stderr]).toEqual([folder, 0, '']);
    return run.body;
  };

  beforeAll(async () => {
    await generateDistrict({ students: 3_000, seed: 'days', out: tmp.path('base'), churn: tmp.path('churn'), rollover: tmp.path('rollover') });
    expect(importing('base').status).toBe('completed');
  }, 120_000);

  it('records every kind of change of the next day in one sync the guard lets through', () => {
    const churn = importing('churn');
    expect(churn).toMatchObject({ status: 'completed', breaches: [], unresolved: {} });
    const kinds = [
      'StudentShared', 'StudentUpdated', 'DemographicUpdated', 'StudentRemoved',
      'TeacherShared', 'TeacherUpdated', 'TeacherRemoved',
      'StaffShared', 'StaffUpdated', 'StaffRemoved',
      'DistrictAdminShared', 'DistrictAdminUpdated', 'DistrictAdminRemoved',
      'SectionShared', 'SectionUpdated', 'SectionRemoved',
      'StudentEnrolled', 'StudentUnenrolled', 'TeacherAssigned', 'TeacherUnassigned', 'PrimaryTeacherChanged',
      'SchoolUpdated', 'TermUpdated', 'CourseUpdated',
    ];
    expect(kinds.filter((kind) => !((churn.counts[kind] ?? 0) >= 1))).toEqual([]);
  }, 120_000);

  it('holds the rollover that follows it, with no person, school or course changed back, and applies it on approval', () => {
    const rollover = importing('rollover');
    expect(rollover.status).toBe('held');
    // A rollover replaces class lists and sections, and the old term: no user, school or course event.
    const undone = Object.keys(rollover.counts).filter((type) => /^(Student|Teacher|Staff|DistrictAdmin|Demographic|School|Course)(Shared|Updated|Removed)$/.test(type));
    expect(undone).toEqual([]);
    expect(rollover.counts).toMatchObject({ SectionShared: expect.any(Number), SectionRemoved: expect.any(Number), StudentEnrolled: expect.any(Number), TermRemoved: 1 });

    const approved = cliJson<Sync>(['syncs', 'approve', rollover.syncId, '--by', 'me', '--db', db]);
    expect([approved.status, approved.stderr]).toEqual([0, '']);
    expect(approved.body).toMatchObject({ syncId: rollover.syncId, status: 'completed', appended: rollover.pending });
  }, 120_000);
});
