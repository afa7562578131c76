import { accessSync, constants } from 'node:fs';
import { dirname } from 'node:path';
import { EventStoreUnavailable, isBusy } from '@roster-ledger/ledger';
import { damagedFileReport, sqliteErrorOf } from '@roster-ledger/read-models';

/**
 * Why the application could not start, for one line on stderr: the ledger could not be opened
 * (locked, not a database, unreadable, not writable), with what to do when it was only busy or
 * cannot be written, a port in use, with how to choose another, or another failure with a code.
 * One without (a TypeError, a module that cannot be built) is a fault of ours, and keeps its
 * stack for whoever reports it.
 */
export function startFailure(error: unknown, ledgerPath: string): string {
  if (!(error instanceof Error)) return String(error);
  const { code, port } = error as NodeJS.ErrnoException & { port?: number };
  if (typeof code !== 'string') return error.stack ?? error.message;
  // Node's "listen EADDRINUSE: address already in use 127.0.0.1:3000" says neither whose nor what to do
  if (code === 'EADDRINUSE' && port !== undefined) return `port ${port} is in use by another process; stop it, or serve on another port with --port <n> (0 picks a free one)`;
  const sqlite = sqliteErrorOf(error);
  // SQLite's "attempt to write a readonly database" names neither the file nor why
  if (sqlite !== null && /^SQLITE_(READONLY|CANTOPEN)/.test(sqlite.code)) return cannotWrite(ledgerPath, sqlite) ?? error.message;
  const damaged = damagedFileReport(error, ledgerPath, 'Nothing was changed.');
  if (damaged !== null) return damaged;
  // busy: the SQLite error the store wrapped says another connection held the lock past the timeout
  if (!(error instanceof EventStoreUnavailable) || !isBusy(error.cause)) return error.message;
  // a large sync's append in bulk holds the whole file for as long as it runs (about a minute at a million students)
  return `${error.message}. Another process is writing the ledger (a large sync's append holds it whole until it commits): run this again when it is done, or set LEDGER_OPEN_TIMEOUT_MS to wait longer (milliseconds)`;
}

/**
 * What to do about a ledger SQLite could not write or open. Null when its folder and file can be
 * written, for a file SQLite cannot open (a folder at its path, say): not a question of writing.
 */
function cannotWrite(ledgerPath: string, { code, message }: { code: string; message: string }): string | null {
  const why = notWritable(dirname(ledgerPath)) ?? notWritable(ledgerPath);
  if (why === null && code.startsWith('SQLITE_CANTOPEN')) return null;
  const where = why ?? 'one of its files is not writable';
  return (
    `the ledger at ${ledgerPath} cannot be opened for writing (${code}: ${message}): ${where}. ` +
    'Every command writes beside the ledger, a read too (SQLite keeps its write-ahead log and lock files ' +
    "there, and the access log records who read whose data): run it where the ledger's folder is writable " +
    '(copy the folder off read-only media first)'
  );
}

/** Why `path` cannot be written, or null when it can (or is not there). */
function notWritable(path: string): string | null {
  try {
    accessSync(path, constants.W_OK);
    return null;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EROFS') return `${path} is on a read-only file system`;
    if (code === 'EACCES' || code === 'EPERM') return `this user may not write to ${path}`;
    return null;
  }
}
