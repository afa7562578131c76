import type { SyncSummary } from '@roster-ledger/domain';

/**
 * A moment after one sync and before a later one, to ask a roster "as of": the middle of the gap
 * between the first's end and the second's start, to the millisecond. Rosters as of a moment go by
 * when each sync observed the district (its start), so the answer is the district as the first
 * sync left it. When the two ran back to back (less than 2 ms apart), the middle of their starts.
 * @throws RangeError when the later sync did not start after the earlier one.
 */
export function momentBetween(earlier: SyncSummary, later: SyncSummary): string {
  const start = Date.parse(later.startedAt);
  let from = Date.parse(earlier.finishedAt ?? earlier.startedAt);
  if (start - from < 2) from = Date.parse(earlier.startedAt);
  if (!(start > from)) throw new RangeError(`sync ${later.syncId} started at ${later.startedAt}, not after sync ${earlier.syncId} (${earlier.startedAt})`);
  return new Date(from + Math.floor((start - from) / 2)).toISOString();
}
