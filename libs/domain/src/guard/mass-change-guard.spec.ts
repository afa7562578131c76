import { checkMassChange, DEFAULT_GUARD_POLICY, describeBreach, sharedTally } from './mass-change-guard';

describe('mass-change guard', () => {
  it('holds a sync that removes more than 10% of the active students', () => {
    const breaches = checkMassChange({ active: { student: 1000 }, removed: { student: 101 }, updated: {} }, DEFAULT_GUARD_POLICY);
    expect(breaches).toEqual([{ recordType: 'student', change: 'removed', count: 101, active: 1000, threshold: 0.1 }]);
    expect(describeBreach(breaches[0]!)).toBe('101 of 1,000 active student records removed (10.1% > 10%)');
  });

  it('lets exactly 10% removed and 75% updated through', () => {
    expect(checkMassChange({ active: { student: 1000 }, removed: { student: 100 }, updated: { student: 750 } }, DEFAULT_GUARD_POLICY)).toEqual([]);
  });

  it('holds a sync that updates more than 75% of the sections', () => {
    const breaches = checkMassChange({ active: { section: 100 }, removed: {}, updated: { section: 76 } }, DEFAULT_GUARD_POLICY);
    expect(breaches.map((b) => `${b.recordType} ${b.change}`)).toEqual(['section updated']);
  });

  it('never holds a change smaller than the absolute floor, whatever its share', () => {
    expect(checkMassChange({ active: { teacher: 5 }, removed: { teacher: 4 }, updated: { teacher: 5 } }, DEFAULT_GUARD_POLICY)).toEqual([]);
  });

  it('holds the removal of every active record of a type below the floor: a small district wiped is a wipe', () => {
    const breaches = checkMassChange({ active: { student: 8, teacher: 5 }, removed: { student: 8, teacher: 4 }, updated: {} }, DEFAULT_GUARD_POLICY);
    expect(breaches).toEqual([{ recordType: 'student', change: 'removed', count: 8, active: 8, threshold: 0.1 }]);
    expect(describeBreach(breaches[0]!)).toBe('8 of 8 active student records removed (100.0% > 10%)');
  });

  it("lets a small district's every record of a type be replaced: its only term by the next, its only admin by another", () => {
    const tally = { active: { term: 1, district_admin: 1, section: 6 }, removed: { term: 1, district_admin: 1, section: 6 }, updated: {}, shared: { term: 1, district_admin: 1 } };
    // sections removed with none shared in their place are still a wipe
    expect(checkMassChange(tally, DEFAULT_GUARD_POLICY).map((b) => b.recordType)).toEqual(['section']);
  });

  it('counts the records an events batch shared from its event counts', () => {
    expect(sharedTally({ TermShared: 1, StudentEnrolled: 3, TermRemoved: 1, TeacherAssigned: 2 })).toEqual({ term: 1, enrollment: 3 });
  });

  it('lets every record of a type go when the district tolerates any removal of it', () => {
    const policy = { ...DEFAULT_GUARD_POLICY, perType: { staff: { removeRatio: 1 } } };
    expect(checkMassChange({ active: { staff: 2 }, removed: { staff: 2 }, updated: {} }, policy)).toEqual([]);
  });

  it('takes per-type thresholds, e.g. a district that tolerates enrollment churn', () => {
    const policy = { ...DEFAULT_GUARD_POLICY, perType: { enrollment: { removeRatio: 1 } } };
    const tally = { active: { enrollment: 500, student: 100 }, removed: { enrollment: 500, student: 20 }, updated: {} };
    expect(checkMassChange(tally, policy).map((b) => b.recordType)).toEqual(['student']);
  });

  it('ignores types with no active records: a first import is never held', () => {
    expect(checkMassChange({ active: {}, removed: {}, updated: {} }, DEFAULT_GUARD_POLICY)).toEqual([]);
  });
});
