import { accessSync, constants, readdirSync, statfsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { EventStoreBusy } from '@roster-ledger/ledger';
import { accessLogPath, damagedFileReport, sqliteErrorOf } from '@roster-ledger/read-models';

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
  // "disk I/O error" says neither which disk nor that it is full (SQLite's shared memory file is
  // where a full disk shows first, as SQLITE_IOERR_SHMSIZE, even for a command that only reads)
  if (sqlite !== null && /^SQLITE_(FULL|IOERR)/.test(sqlite.code)) return diskFailed(ledgerPath, sqlite);
  const damaged = damagedFileReport(error, ledgerPath, 'Nothing was changed.');
  if (damaged !== null) return damaged;
  // busy: the SQLite error the store wrapped says another connection held the lock past the timeout
  if (!(error instanceof EventStoreBusy)) return error.message;
  // a large sync's append in bulk holds the whole file for as long as it runs (about a minute at a million students)
  return `${error.message}. Another process is writing the ledger (a large sync's append holds it whole until it commits): run this again when it is done, or set LEDGER_OPEN_TIMEOUT_MS to wait longer (milliseconds)`;
}

/**
 * What to do about a ledger SQLite could not write or open. Null when its folder and file can be
 * written, for a file SQLite cannot open (a folder at its path, say): not a question of writing.
 */
function cannotWrite(ledgerPath: string, { code, message }: { code: string; message: string }): string | null {
  let why: string | null = null;
  for (const path of filesOfLedger(ledgerPath)) if ((why = notWritable(path)) !== null) break;
  if (why === null && code.startsWith('SQLITE_CANTOPEN')) return null;
  const where = why ?? 'one of its files is not writable';
  return (
    `the ledger at ${ledgerPath} cannot be opened for writing (${code}: ${message}): ${where}. ` +
    'Every command writes beside the ledger, a read too (SQLite keeps its write-ahead log and lock files ' +
    "there, and the access log records who read whose data): run it where the ledger's folder is writable " +
    '(copy the folder off read-only media first)'
  );
}

/**
 * The ledger's folder, the ledger, and everything a command writes beside it, each SQLite file with
 * its write-ahead log and shared memory file: a `-shm` left unwritable (by a command run as another
 * user) stops every command as the database file itself would.
 */
function filesOfLedger(ledgerPath: string): string[] {
  const withSidecars = (file: string) => [file, `${file}-wal`, `${file}-shm`, `${file}-journal`];
  const readModels = `${ledgerPath}.read-models`;
  let inReadModels: string[] = [];
  try {
    inReadModels = readdirSync(readModels).map((name) => join(readModels, name));
  } catch {
    // not made yet: nothing in it to be unwritable
  }
  return [
    dirname(ledgerPath),
    ...withSidecars(ledgerPath),
    ...withSidecars(accessLogPath(ledgerPath)),
    readModels,
    ...inReadModels,
    `${ledgerPath}.staged`,
    `${ledgerPath}.sync-locks`,
  ];
}

/** What to do when SQLite could not write the ledger's disk: how much room it has left, when that is the reason. */
function diskFailed(ledgerPath: string, { code, message }: { code: string; message: string }): string {
  const folder = dirname(ledgerPath);
  let room = '';
  try {
    const { bavail, bsize } = statfsSync(folder);
    room = ` It has ${formatBytes(bavail * bsize)} free.`;
  } catch {
    // no figure to give: the advice stands
  }
  return (
    `the ledger at ${ledgerPath} could not be used: its disk could not be written (${code}: ${message}).${room} ` +
    `Every command writes beside the ledger, a read too: free space on the disk of ${folder} (df -h ${folder}) and run it again; ` +
    'nothing was changed. With space to spare, the disk itself failed: the system log (dmesg) says how'
  );
}

function formatBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024).toLocaleString('en-US')} KiB`;
  return `${(bytes / (1024 * 1024)).toLocaleString('en-US', { maximumFractionDigits: 1 })} MiB`;
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
