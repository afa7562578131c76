/** The fewest events to fold that make a catch-up worth a collection first: a bulk one, by default (`bulkCatchUpFrom`). */
const LARGE_CATCH_UP = 100_000;

/**
 * Collects what a sync left behind before its read models fold a large catch-up. The sync's state of a
 * large district is garbage once the sync has returned (about a gigabyte at a million students),
 * but V8 keeps it until its heap has grown to twice what its last full collection found live; a
 * bulk catch-up (the read models furthest behind decide, whatever this sync appended) starts a
 * second thread whose heap grows by hundreds of megabytes meanwhile.
 * Measured at a million students, the first import peaked at 1.65 GB in the seconds where both
 * were held. A smaller catch-up (a day's churn) grows neither heap much, and the collection
 * (half a second at a million students) would only delay it.
 *
 * `bin/roster-ledger` provides the collector; elsewhere (a test calling a command in-process)
 * this does nothing.
 */
export function releaseSyncMemory(eventsToFold: number): void {
  if (eventsToFold >= LARGE_CATCH_UP) (globalThis as { gc?: () => void }).gc?.();
}
