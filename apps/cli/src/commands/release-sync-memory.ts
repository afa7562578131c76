/** The fewest events a sync must append for its read models' catch-up to be a bulk one (see `bulkCatchUpFrom`). */
const BULK_CATCH_UP_FROM = 100_000;

/**
 * Collects what a sync left behind before its read models catch up in bulk. The sync's state of a
 * large district is garbage once the sync has returned (about a gigabyte at a million students),
 * but V8 keeps it until its heap has grown to twice what its last full collection found live; a
 * bulk catch-up starts a second thread whose heap grows by hundreds of megabytes meanwhile.
 * Measured at a million students, the first import peaked at 1.65 GB in the seconds where both
 * were held. A smaller catch-up (a day's churn) grows neither heap much, and the collection
 * (half a second at a million students) would only delay it.
 *
 * `bin/roster-ledger` provides the collector; elsewhere (a test calling a command in-process)
 * this does nothing.
 */
export function releaseSyncMemory(appended: number): void {
  if (appended >= BULK_CATCH_UP_FROM) (globalThis as { gc?: () => void }).gc?.();
}
