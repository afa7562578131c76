import { USER_ROLES } from '../records/roster-records';
import type { GuardedType } from '../guard/mass-change-guard';
import type { LedgerState } from './ledger-state';

/**
 * How many records of each guarded type the ledger holds as shared: the denominator of the
 * mass-change guard's ratios. Users count once per active role; enrollments once per (active
 * section, student). Walks the whole state: count it once per sync.
 */
export function activeTally(state: LedgerState): Partial<Record<GuardedType, number>> {
  const active: Partial<Record<GuardedType, number>> = {};
  for (const kind of ['district', 'school', 'term', 'course'] as const) active[kind] = state.activeCount(kind);
  const sections = state.sections.activeCounts();
  active.section = sections.sections;
  active.enrollment = sections.enrollments;
  for (const roles of state.users.roles()) {
    for (const role of roles) if (USER_ROLES.includes(role)) active[role] = (active[role] ?? 0) + 1;
  }
  return active;
}
