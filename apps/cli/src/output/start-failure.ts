import { accessSync, constants } from 'node:fs';
import { dirname } from 'node:path';
import { EventStoreUnavailable, isBusy } from '@roster-ledger/ledger';
import { accessLogPath } from '@roster-ledger/read-models';

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
  // SQLite's "database disk image is malformed" says neither which file nor what to do
  if (sqlite !== null && /^SQLITE_(CORRUPT|NOTADB)/.test(sqlite.code)) return damaged(damagedFileOf(error, ledgerPath), ledgerPath, sqlite);
  // busy: the SQLite error the store wrapped says another connection held the lock past the timeout
  if (!(error instanceof EventStoreUnavailable) || !isBusy(error.cause)) return error.message;
  // a large sync's append in bulk holds the whole file for as long as it runs (about a minute at a million students)
  return `${error.message}. Another process is writing the ledger (a large sync's append holds it whole until it commits): run this again when it is done, or set LEDGER_OPEN_TIMEOUT_MS to wait longer (milliseconds)`;
}

/** A SQLite error, thrown as it is or wrapped by the store. */
function sqliteErrorOf(error: Error): { code: string; message: string } | null {
  for (const candidate of [error, error.cause] as { code?: unknown; message?: unknown }[]) {
    const code = candidate?.code;
    if (typeof code === 'string' && code.startsWith('SQLITE_')) return { code, message: String(candidate.message) };
  }
  return null;
}

/**
 * Which file SQLite found damaged: the ledger's own connection (the store) names it in its error,
 * the access log names the file it was reading (its own, or the ledger it copies older reads
 * from) as `file`; any other (a read model's) names none.
 */
function damagedFileOf(error: Error, ledgerPath: string): 'ledger' | 'access log' | null {
  const file = [error, error.cause].map((e) => (e as { file?: unknown } | undefined)?.file).find((f) => typeof f === 'string');
  if (file === ledgerPath || (error instanceof EventStoreUnavailable && error.message.startsWith(`SQLite ledger ${ledgerPath} `))) return 'ledger';
  if (file === accessLogPath(ledgerPath)) return 'access log';
  return null;
}

/** What to do about a file of the ledger SQLite found damaged as the command started. */
function damaged(which: 'ledger' | 'access log' | null, ledgerPath: string, { code, message }: { code: string; message: string }): string {
  const why = `(${code}: ${message}): part of the file is missing or overwritten, as a copy cut short or made while it was written leaves it. Nothing was changed.`;
  if (which === 'ledger') return `the ledger at ${ledgerPath} is damaged ${why} Restore it from a backup (see Backing up in the README)`;
  if (which === 'access log') {
    const log = accessLogPath(ledgerPath);
    return (
      `the access log at ${log} is damaged ${why} The ledger itself is not at fault, and needs no restore. The access log is ` +
      `derived from nothing: stop every process on the ledger (serve), move ${log} and its -wal and -shm files aside, and put the ` +
      'access log of a backup in its place (see Backing up in the README)'
    );
  }
  return (
    `a read model of the ledger at ${ledgerPath} is damaged ${why} Read models are made from the log: stop every process on ` +
    `the ledger (serve), move ${ledgerPath}.read-models aside and run the command again, which rebuilds them (minutes at a ` +
    `million students). Should it fail the same way, check the ledger (sqlite3 ${ledgerPath} "PRAGMA quick_check"); only if ` +
    'that finds damage, restore the ledger from a backup (see Backing up in the README)'
  );
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
