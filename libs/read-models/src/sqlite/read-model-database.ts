import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { retryWhileBusy } from '@roster-ledger/ledger';

const BUSY_TIMEOUT_MS = 10_000;
/** What a write-ahead log is cut back to once checkpointed (SQLite otherwise keeps its largest size). */
const WAL_SIZE_KEPT_BYTES = 64 * 1024 * 1024;

/** The raw SQLite handle of the read models: for this lib's sqlite adapters only. */
export type Db = Database.Database;

/**
 * Opens the read models' connection to the ledger file (the embedded backend keeps the log and
 * the read models in one file). A connection of its own: better-sqlite3 is synchronous, so in one
 * process its transactions never interleave with the event store's.
 */
export function openReadModelDatabase(path: string, options: { journalAsFound?: boolean; busyTimeoutMs?: number } = {}): Db {
  const busyTimeoutMs = options.busyTimeoutMs ?? BUSY_TIMEOUT_MS;
  if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
  // a file being built is in rollback-journal mode (see ReadModelFiles.journalFor): another
  // connection opening it (a status read) leaves it so; a new file starts in WAL mode
  const asFound = options.journalAsFound === true && path !== ':memory:' && existsSync(path) && statSync(path).size > 0;
  const db = new Database(path, { timeout: busyTimeoutMs });
  if (!asFound) {
    // SQLite does not wait for the lock this needs: another process opening a new file at the same moment makes it fail at once
    const mode = retryWhileBusy(() => db.pragma('journal_mode = WAL', { simple: true }), busyTimeoutMs);
    if (mode !== 'wal' && !(path === ':memory:' && mode === 'memory')) {
      db.close();
      throw new Error(`SQLite ledger ${path} could not be switched to WAL mode (it is in ${String(mode)} mode)`);
    }
  }
  db.pragma('synchronous = NORMAL');
  // a live fold commits a whole sync at once (see LiveCatchUp.foldLive): its
  // write-ahead log grows to every page the sync changed, and would keep that size on disk
  db.pragma(`journal_size_limit = ${WAL_SIZE_KEPT_BYTES}`);
  // every write inside a transaction first copies the pages it changes to a statement journal,
  // which SQLite spills to a temporary file past 64 KiB: a million-student churn's catch-up wrote
  // 336,000 times to such files; in memory they cost a copy (large sorts: see withSortsOnDisk)
  db.pragma('temp_store = MEMORY');
  // rebuilds update large indexes: a bigger page cache saves re-reading their pages (128 MiB)
  db.pragma('cache_size = -131072');
  return db;
}

/**
 * Runs `work` with the connection's temporary data on disk: for the statements that sort whole
 * tables (an index built after a bulk load, a comparison of two versions), which at a million
 * students would hold hundreds of megabytes in memory per thread.
 */
export function withSortsOnDisk<T>(db: Db, work: () => T): T {
  db.pragma('temp_store = FILE');
  try {
    return work();
  } finally {
    db.pragma('temp_store = MEMORY');
  }
}
