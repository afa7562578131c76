/**
 * Collects what a sync left behind before its read models catch up. The sync's state of a large
 * district is garbage once the sync has returned (about a gigabyte at a million students), but
 * V8 keeps it until its heap has grown to twice what its last full collection found live; the
 * catch-up starts a second thread with a heap of its own meanwhile. Measured at a million
 * students, the first import peaked at 1.65 GB in the seconds where both were held.
 *
 * `bin/roster-ledger` provides the collector; elsewhere (a test calling a command in-process)
 * this does nothing.
 */
export function releaseSyncMemory(): void {
  (globalThis as { gc?: () => void }).gc?.();
}
