import type { RecordSource, UserRole, UserSummary } from '@roster-ledger/domain';

/**
 * A user's summary as the district state store saves it: an array, `[revision, roles, schools]`
 * and the source when there is one. A load parses a million of them, and arrays parse faster
 * than objects with named fields (1.5-1.8 s against 2.3-3.6 s for a million, see BENCHMARKS.md).
 * Snapshots saved before that (see SAVED_FORMAT in SqliteDistrictStateStore) hold the summary object itself.
 */
type SavedUserSummary = [revision: number, roles: readonly UserRole[], schools: readonly string[], source?: RecordSource];

/** The JSON a user's summary is saved as. */
export function userSummaryJson(summary: UserSummary): string {
  const saved: SavedUserSummary = [summary.revision, summary.roles, summary.schools];
  if (summary.source !== undefined) saved.push(summary.source);
  return JSON.stringify(saved);
}

/** A user's summary from its saved JSON, parsed (an array, or the object an earlier release saved). */
export function userSummaryOf(saved: SavedUserSummary | UserSummary): UserSummary {
  if (!Array.isArray(saved)) return saved;
  const summary: UserSummary = { revision: saved[0], roles: saved[1], schools: saved[2] };
  if (saved[3] !== undefined) summary.source = saved[3];
  return summary;
}
