import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { sqliteTableNames } from '@roster-ledger/event-store';

/** The first 16 bytes of every SQLite database file. */
const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

/**
 * Why the file at `dbPath` can be no ledger, or null when it may be one (or is not there): a
 * folder, a file that is no SQLite database (a snapshot's users.json given as --db), a file the
 * ledger keeps beside it (its access log, a read model, a held sync's change set), another
 * SQLite database, or, for a command that only reads a ledger (`creates` false), an empty file.
 * Asked before the ledger is opened: opening it makes files beside it, and writes the ledger's
 * tables into whatever database it is.
 */
export function notALedger(dbPath: string, creates: boolean): string | null {
  const found = statSync(dbPath, { throwIfNoEntry: false });
  if (found === undefined) return null;
  if (found.isDirectory()) return `${dbPath} is a folder, not a ledger file; pass --db <the ledger file> (or LEDGER_DB)`;
  if (!found.isFile()) return null;
  // a database in use keeps what it was given lately in its write-ahead log, which the file alone does not show
  const inUse = (statSync(`${dbPath}-wal`, { throwIfNoEntry: false })?.size ?? 0) > 0;
  if (found.size === 0) {
    // an empty file is what SQLite makes a new database of
    return besideALedger(dbPath, undefined) ?? (creates || inUse ? null : `${dbPath} is an empty file, not a ledger; ${PASS_THE_LEDGER}, or record one with: roster-ledger import <folder>`);
  }
  const head = Buffer.alloc(HEADER_BYTES);
  const fd = openSync(dbPath, 'r');
  try {
    readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  if (!head.subarray(0, SQLITE_HEADER.length).equals(SQLITE_HEADER) || !soundHeader(head, found.size)) {
    return `${dbPath} is not a ledger: it is not an SQLite database file; ${PASS_THE_LEDGER}`;
  }
  const tables = inUse ? undefined : sqliteTableNames(dbPath);
  // a ledger first: one of an older release holds its access log and read models' tables too,
  // which the release that opens it moves out
  if (tables !== undefined && LEDGER_TABLES.every((table) => tables.has(table))) return null;
  const sidecar = besideALedger(dbPath, tables);
  if (sidecar !== null) return sidecar;
  if (tables === undefined) return null;
  if (tables.size === 0) return creates ? null : `${dbPath} is an empty SQLite database, not a ledger; ${PASS_THE_LEDGER}, or record one with: roster-ledger import <folder>`;
  const some = [...tables].filter((name) => !name.startsWith('sqlite_')).slice(0, 3);
  return `${dbPath} is an SQLite database, but not a ledger (it holds ${some.join(', ')}${tables.size > some.length ? ', ...' : ''}), and is left as it is; ${PASS_THE_LEDGER}`;
}

const PASS_THE_LEDGER = 'pass --db <the ledger file> (or LEDGER_DB)';

/** The tables every release's ledger has held: another application's `events` table alone is not one. */
const LEDGER_TABLES = ['events', 'streams'];

/**
 * Whether `dbPath` is one of the files a ledger keeps beside it (see the README's
 * Configuration): by its tables, or, when they are not known (a file in use), by its name beside
 * an existing ledger.
 */
function besideALedger(dbPath: string, tables: ReadonlySet<string> | undefined): string | null {
  const named = (suffix: string): string | null => {
    const ledger = dirname(dbPath).endsWith(suffix) ? dirname(dbPath).slice(0, -suffix.length) : dbPath.endsWith(suffix) ? dbPath.slice(0, -suffix.length) : null;
    return ledger !== null && ledger !== '' && existsSync(ledger) ? ledger : null;
  };
  const beside = (what: string, ledger: string | null) =>
    `${dbPath} is ${what}, not a ledger, and is left as it is; pass --db ${ledger ?? '<the ledger file>'}, the ledger it sits beside`;
  if (tables?.has('access_log') || (tables === undefined && named('.access-log.db') !== null)) return beside('the access log a ledger keeps beside it', named('.access-log.db'));
  const readModel = ['projection_state', 'version_checkpoints', 'commit_rounds'].some((table) => tables?.has(table));
  if (readModel || (tables === undefined && named('.read-models') !== null)) return beside('a file of the read models a ledger keeps beside it', named('.read-models'));
  if (tables?.has('staged') || (tables === undefined && named('.staged') !== null)) return beside("a sync's change set, which a ledger keeps beside it", named('.staged'));
  return null;
}

/** The bytes of an SQLite file's header this reads: its magic string, page size and fixed fields. */
const HEADER_BYTES = 24;

/**
 * Whether the header past the magic string is one SQLite writes (sqlite.org/fileformat2.html,
 * 1.3): a page size that is a power of two from 512 to 65536 (1 for 65536), and the payload
 * fractions, which are always 64, 32 and 32. A file that only starts with the magic string
 * would fail only once opened, after files were made beside it.
 */
function soundHeader(head: Buffer, size: number): boolean {
  const raw = head.readUInt16BE(16);
  const pageSize = raw === 1 ? 65_536 : raw;
  const powerOfTwo = pageSize >= 512 && pageSize <= 65_536 && (pageSize & (pageSize - 1)) === 0;
  return size >= HEADER_BYTES && powerOfTwo && head[21] === 64 && head[22] === 32 && head[23] === 32;
}

/**
 * What a command that reads a ledger says when its file is not there: a mistyped `--db` must not
 * answer "no such student" from a new, empty ledger. `serve` adds when it would start one.
 */
export function noLedgerMessage(dbPath: string, extra = ''): string {
  return `there is no ledger at ${dbPath}; pass --db <path> (or LEDGER_DB), or record one with: roster-ledger import <folder>${extra}`;
}
