/**
 * The mass-change guard: a sync that would remove or update too large a share of the active
 * records of any type is held for a person to approve, not applied. Clever's own advice: a
 * sharing mistake or a bad SFTP file can wipe a semester in one sync.
 */

/** Record types the guard counts. Users count per role; enrollments count per (section, student). */
export const GUARDED_TYPES = [
  'district',
  'school',
  'term',
  'course',
  'section',
  'student',
  'teacher',
  'staff',
  'district_admin',
  'enrollment',
] as const;
export type GuardedType = (typeof GUARDED_TYPES)[number];

export interface Thresholds {
  /** Hold when more than this share of the active records would be removed (0.10 = 10%). */
  removeRatio: number;
  /** Hold when more than this share of the active records would be updated. */
  updateRatio: number;
}

export interface GuardPolicy extends Thresholds {
  /**
   * Changes of fewer records than this never hold a sync, whatever the share (small districts),
   * except the removal of every active record of a type (see checkMassChange).
   */
  floor: number;
  /** Per-type thresholds that replace the defaults above. */
  perType?: Partial<Record<GuardedType, Partial<Thresholds>>>;
}

/** Clever's thresholds: more than 10% removed or 75% updated; ten records at least. */
export const DEFAULT_GUARD_POLICY: GuardPolicy = { removeRatio: 0.1, updateRatio: 0.75, floor: 10 };

/** How many records of each type are active before the sync, and how many it removes, updates or shares. */
export interface ChangeTally {
  active: Partial<Record<GuardedType, number>>;
  removed: Partial<Record<GuardedType, number>>;
  updated: Partial<Record<GuardedType, number>>;
  /** Shared (new, or again): a type whose every record is removed while another is shared was replaced, not wiped. */
  shared?: Partial<Record<GuardedType, number>>;
}

/** The event that shares a record of each guarded type (a role of a user; an enrollment). */
const SHARED_EVENT: Record<GuardedType, string> = {
  district: 'DistrictShared',
  school: 'SchoolShared',
  term: 'TermShared',
  course: 'CourseShared',
  section: 'SectionShared',
  student: 'StudentShared',
  teacher: 'TeacherShared',
  staff: 'StaffShared',
  district_admin: 'DistrictAdminShared',
  enrollment: 'StudentEnrolled',
};

/** The records a sync shares, by guarded type, from its counts of events by type. */
export function sharedTally(counts: Readonly<Record<string, number>>): Partial<Record<GuardedType, number>> {
  const shared: Partial<Record<GuardedType, number>> = {};
  for (const type of GUARDED_TYPES) if ((counts[SHARED_EVENT[type]] ?? 0) > 0) shared[type] = counts[SHARED_EVENT[type]];
  return shared;
}

export interface GuardBreach {
  recordType: GuardedType;
  change: 'removed' | 'updated';
  count: number;
  active: number;
  threshold: number;
}

/**
 * The breaches of a tally against a policy, in a stable order; empty means the sync may apply.
 * The floor spares a small district the holds its everyday churn would cross (2 of 8 students is
 * 25%), never the removal of all its records of a type with none shared in their place: that is
 * the wipe the guard is for (a header-only students.csv, a sharing rule that now shares no
 * sections), whatever the size. A small district's only term replaced by the next, or its only
 * district admin by another, is everyday churn, under the floor as before. A removal ratio
 * configured at 1 or more still lets even a wipe through.
 */
export function checkMassChange(tally: ChangeTally, policy: GuardPolicy): GuardBreach[] {
  const breaches: GuardBreach[] = [];
  for (const recordType of GUARDED_TYPES) {
    const active = tally.active[recordType] ?? 0;
    if (active === 0) continue;
    const own = policy.perType?.[recordType] ?? {};
    const checks: [GuardBreach['change'], number, number][] = [
      ['removed', tally.removed[recordType] ?? 0, own.removeRatio ?? policy.removeRatio],
      ['updated', tally.updated[recordType] ?? 0, own.updateRatio ?? policy.updateRatio],
    ];
    for (const [change, count, threshold] of checks) {
      const wiped = change === 'removed' && count >= active && (tally.shared?.[recordType] ?? 0) === 0;
      if ((count >= policy.floor || wiped) && count > active * threshold) {
        breaches.push({ recordType, change, count, active, threshold });
      }
    }
  }
  return breaches;
}

export function describeBreach(b: GuardBreach): string {
  const share = ((100 * b.count) / b.active).toFixed(1);
  const n = (v: number) => v.toLocaleString('en-US');
  return `${n(b.count)} of ${n(b.active)} active ${b.recordType} records ${b.change} (${share}% > ${b.threshold * 100}%)`;
}
