import { closeSync, openSync, readSync, statSync } from 'node:fs';

/** The first 16 bytes of every SQLite database file. */
const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

/**
 * Why the file at `dbPath` can be no ledger, or null when it may be one (or is not there): a
 * folder, or a file that is no SQLite database (a snapshot's users.json given as --db). Asked
 * before the ledger is opened: opening it would fail only after files were made beside it.
 */
export function notALedger(dbPath: string): string | null {
  const found = statSync(dbPath, { throwIfNoEntry: false });
  if (found === undefined) return null;
  if (found.isDirectory()) return `${dbPath} is a folder, not a ledger file; pass --db <the ledger file> (or LEDGER_DB)`;
  // an empty file is what SQLite makes a new database of
  if (!found.isFile() || found.size === 0) return null;
  const head = Buffer.alloc(HEADER_BYTES);
  const fd = openSync(dbPath, 'r');
  try {
    readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  return head.subarray(0, SQLITE_HEADER.length).equals(SQLITE_HEADER) && soundHeader(head, found.size)
    ? null
    : `${dbPath} is not a ledger: it is not an SQLite database file; pass --db <the ledger file> (or LEDGER_DB)`;
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
