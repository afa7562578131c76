import { EventStoreUnavailable, isBusy } from '@roster-ledger/ledger';

/**
 * Why the application could not start, for one line on stderr: the ledger could not be opened
 * (locked, not a database, unreadable), with what to do when it was only busy, a port in use,
 * with how to choose another, or another failure with a code. One without (a TypeError, a module
 * that cannot be built) is a fault of ours, and keeps its stack for whoever reports it.
 */
export function startFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const { code, port } = error as NodeJS.ErrnoException & { port?: number };
  if (typeof code !== 'string') return error.stack ?? error.message;
  // Node's "listen EADDRINUSE: address already in use 127.0.0.1:3000" says neither whose nor what to do
  if (code === 'EADDRINUSE' && port !== undefined) return `port ${port} is in use by another process; stop it, or serve on another port with --port <n> (0 picks a free one)`;
  // busy: the SQLite error the store wrapped says another connection held the lock past the timeout
  if (!(error instanceof EventStoreUnavailable) || !isBusy(error.cause)) return error.message;
  // a large sync's append in bulk holds the whole file for as long as it runs (about a minute at a million students)
  return `${error.message}. Another process is writing the ledger (a large sync's append holds it whole until it commits): run this again when it is done, or set LEDGER_OPEN_TIMEOUT_MS to wait longer (milliseconds)`;
}
