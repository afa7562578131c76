import { EventStoreUnavailable, isBusy } from '@roster-ledger/ledger';

/**
 * Why the application could not start, for one line on stderr: the ledger could not be opened
 * (locked, not a database, unreadable), with what to do when it was only busy, or another failure
 * with a code (a port in use). One without (a TypeError, a module that cannot be built) is a
 * fault of ours, and keeps its stack for whoever reports it.
 */
export function startFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (typeof (error as { code?: unknown }).code !== 'string') return error.stack ?? error.message;
  // busy: the SQLite error the store wrapped says another connection held the lock past the timeout
  if (!(error instanceof EventStoreUnavailable) || !isBusy(error.cause)) return error.message;
  // a large sync's append in bulk holds the whole file for as long as it runs (about a minute at a million students)
  return `${error.message}. Another process is writing the ledger (a large sync's append holds it whole until it commits): run this again when it is done, or set LEDGER_OPEN_TIMEOUT_MS to wait longer (milliseconds)`;
}
