import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { EventStoreBusy, EventStoreError, EventStoreUnavailable, isBusy, retryWhileBusy } from '@roster-ledger/ledger';

export interface SqliteLedgerDatabaseOptions {
  /**
   * How long a write waits for another connection's write lock before failing with
   * EventStoreUnavailable. Default 5,000 ms.
   */
  busyTimeoutMs?: number;
  /**
   * How long opening the file waits for another connection's lock (a large sync's append in bulk
   * holds the whole file for as long as it runs). Default: `busyTimeoutMs`.
   */
  openTimeoutMs?: number;
  /** SQLite's page cache for this connection, in MiB. Default 64 (see the constructor). */
  pageCacheMiB?: number;
}

const DEFAULT_BUSY_TIMEOUT_MS = 5_000;

/*
 * `streams` duplicates the last revision of each stream so that an append checks its expected
 * revision with one primary-key look-up instead of a MAX() over the stream's events.
 * `category` is stored (not derived in queries) so that readCategory walks an index in log order.
 * An event's metadata is a row of `event_metadata` (`metadata_id`), one for each run of events
 * appended together with the same metadata (a sync's events of one record: 78% of a
 * million-student log's rows repeat the metadata of the row before). It was two thirds of a
 * row's bytes, and reading the log for a rebuild spent 40% of its time on it. Rows written before
 * keep their metadata text in `metadata` (and NULL in `metadata_id`); newer rows have ''.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  position INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id TEXT NOT NULL UNIQUE,
  stream_id TEXT NOT NULL,
  category TEXT NOT NULL,
  revision INTEGER NOT NULL,
  type TEXT NOT NULL,
  data TEXT NOT NULL,
  metadata TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  metadata_id INTEGER,
  UNIQUE (stream_id, revision)
);
CREATE TABLE IF NOT EXISTS event_metadata (
  id INTEGER PRIMARY KEY,
  metadata TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_category_position ON events (category, position);
CREATE TABLE IF NOT EXISTS streams (
  stream_id TEXT PRIMARY KEY,
  revision INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS pending_changes (
  sync_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  district_id TEXT NOT NULL,
  stream_id TEXT NOT NULL,
  expected_revision TEXT NOT NULL,
  events TEXT NOT NULL,
  metadata TEXT,
  PRIMARY KEY (sync_id, seq)
);
CREATE TABLE IF NOT EXISTS district_states (
  district_id TEXT PRIMARY KEY,
  position INTEGER NOT NULL,
  format INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS district_state_records (
  district_id TEXT NOT NULL,
  category TEXT NOT NULL,
  id TEXT NOT NULL,
  state TEXT NOT NULL,
  PRIMARY KEY (district_id, category, id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS district_state_user_summaries (
  district_id TEXT NOT NULL,
  id TEXT NOT NULL,
  summary TEXT NOT NULL,
  PRIMARY KEY (district_id, id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS district_state_section_summaries (
  district_id TEXT NOT NULL,
  id TEXT NOT NULL,
  summary TEXT NOT NULL,
  PRIMARY KEY (district_id, id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS log_seals (
  position INTEGER PRIMARY KEY,
  first_position INTEGER NOT NULL,
  sha256 TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS ledger_keys (
  name TEXT PRIMARY KEY,
  value BLOB
);
CREATE TABLE IF NOT EXISTS sync_locks (
  district_id TEXT PRIMARY KEY,
  sync_id TEXT NOT NULL,
  pid INTEGER NOT NULL,
  host TEXT NOT NULL,
  acquired_at TEXT NOT NULL,
  started TEXT NOT NULL DEFAULT ''
);
`;

/** Adds a column to a table of a ledger file made before it, in one immediate transaction: two processes opening such a file at once must not both add it. */
function addColumn(db: Database.Database, table: string, column: string, type: string): void {
  const hasIt = () => (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).some((c) => c.name === column);
  if (hasIt()) return;
  db.transaction(() => {
    if (!hasIt()) db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${type}`);
  }).immediate();
}

/**
 * Gives a ledger file made before shared metadata its `events.metadata_id` column (its rows keep
 * their metadata text in `events.metadata`, and are read as they always were), made before
 * staged appends shared theirs its `pending_changes.metadata` (NULL: each staged event carries
 * its own, as before), and made before locks noted their holders' starts `sync_locks.started`
 * ('': the holder is judged by its process id alone, as before).
 */
function addLaterColumns(db: Database.Database): void {
  addColumn(db, 'events', 'metadata_id', 'INTEGER');
  addColumn(db, 'pending_changes', 'metadata', 'TEXT');
  addColumn(db, 'sync_locks', 'started', "TEXT NOT NULL DEFAULT ''");
}

/**
 * The ledger's SQLite file: one better-sqlite3 connection in WAL mode with the event store's and
 * the pending change store's schema. Shared by {@link SqliteEventStore} and
 * {@link SqlitePendingChangeStore} so that both write through one connection.
 *
 * `db` is the raw better-sqlite3 handle, for the adapters of libs/event-store only: no other lib
 * may see a better-sqlite3 type.
 *
 * @throws EventStoreUnavailable when the file cannot be opened or its schema cannot be created.
 */
export class SqliteLedgerDatabase {
  readonly db: Database.Database;
  private readonly inMemory: boolean;
  private readonly busyTimeoutMs: number;
  /** How many {@link inBulk} works are under way on this connection: the last one to end goes back to WAL. */
  private bulkWorks = 0;
  /** Whether the first of them switched the file to a rollback journal. */
  private leftWal = false;

  /** @param path a file path (parent folders are created) or `':memory:'`. */
  constructor(
    readonly path: string,
    options: SqliteLedgerDatabaseOptions = {},
  ) {
    const inMemory = path === ':memory:' || path === '';
    const busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
    const openTimeoutMs = options.openTimeoutMs ?? busyTimeoutMs;
    this.inMemory = inMemory;
    this.busyTimeoutMs = busyTimeoutMs;
    try {
      if (!inMemory) mkdirSync(dirname(resolve(path)), { recursive: true });
      this.db = new Database(path, { timeout: openTimeoutMs });
    } catch (error) {
      throw toEventStoreError(error, path);
    }
    try {
      const mode = this.useWal(openTimeoutMs);
      // SQLite answers with the mode it kept when it cannot switch (an in-memory database keeps 'memory')
      if (mode !== 'wal' && !(inMemory && mode === 'memory')) throw new EventStoreUnavailable(`SQLite ledger ${path} could not be switched to WAL mode (it is in ${String(mode)} mode)`);
      // appends and catch-ups look up streams and events at random places of indexes far larger
      // than SQLite's default 2 MiB page cache: 64 MiB took a million-student churn from 47 s to 30 s
      this.db.pragma(`cache_size = -${(options.pageCacheMiB ?? 64) * 1024}`);
      this.db.pragma('foreign_keys = ON');
      this.db.exec(SCHEMA);
      addLaterColumns(this.db);
      // opened: statements wait the busy timeout (a server's thread must not block longer)
      this.db.pragma(`busy_timeout = ${busyTimeoutMs}`);
    } catch (error) {
      this.db.close();
      throw toEventStoreError(error, path);
    }
  }

  /**
   * Runs `fn` in one write transaction: committed when it returns, rolled back when it throws.
   * Nested calls become savepoints.
   *
   * BEGIN IMMEDIATE takes the write lock up front: a deferred transaction that reads and then
   * writes fails at once with SQLITE_BUSY_SNAPSHOT in WAL mode when another connection wrote in
   * between, without honouring the busy timeout.
   */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  /**
   * Runs `work` (a sync's append) with the file in rollback-journal mode when this connection is
   * the only one open on it, and in WAL mode again after; with any other connection open (a
   * server, a reader, another process), in WAL mode throughout, as always.
   *
   * Why: a write transaction larger than the page cache (a large district's append) spills its
   * pages into the WAL, the same page again each time it changes, and every page the WAL holds is
   * written a second time into the file by the next checkpoint. A rollback journal writes new
   * pages once, into the file, and copies out only the old content of pages it changes. A
   * million-student first import's append took 74.5 s where it took 113.6 s, and the catch-up
   * after it read a file rather than a WAL of gigabytes.
   *
   * - Only alone: SQLite leaves WAL mode only when no other connection has the file open, and
   *   refuses at once otherwise (busy); the work then runs in WAL mode.
   * - A connection that opens the file meanwhile switches it back to WAL, as every connection
   *   does on opening (waiting up to its busy timeout for a transaction under way); this one
   *   follows, and the work goes on in WAL mode.
   * - `synchronous = FULL` while in the rollback journal: each commit is durable, power loss
   *   included, as WAL with NORMAL is up to its last commits. A process killed mid-transaction
   *   leaves a journal that the next connection to open the file rolls back.
   * - Nested or concurrent works on this connection share the mode; the last to end restores WAL.
   */
  async inBulk<T>(work: () => Promise<T>): Promise<T> {
    if (this.bulkWorks++ === 0) this.leftWal = this.leaveWal();
    try {
      return await work();
    } finally {
      if (--this.bulkWorks === 0 && this.leftWal) {
        this.leftWal = false;
        this.backToWal();
      }
    }
  }

  /**
   * Whether another connection has the file open: another process's (a `serve`, a command still
   * running) or another of this process. Asked the way {@link inBulk} finds out, by leaving WAL
   * mode, which SQLite refuses at once while any other connection is open; the file is back in
   * WAL mode after. Does not wait. Only the answer of this moment: a connection may open it next.
   * False in memory; call it outside a transaction (inside one, it answers true).
   */
  openElsewhere(): boolean {
    if (this.inMemory) return false;
    const alone = this.leaveWal();
    if (alone) this.backToWal();
    return !alone;
  }

  /** Switches to a rollback journal if this connection is alone on the file; whether it did. */
  private leaveWal(): boolean {
    if (this.inMemory || !this.db.open || this.db.inTransaction) return false;
    // refused at once when another connection is open: no busy handler, no wait
    this.db.pragma('busy_timeout = 0');
    try {
      const left = this.db.pragma('journal_mode = DELETE', { simple: true }) === 'delete';
      if (left) this.db.pragma('synchronous = FULL');
      return left;
    } catch (error) {
      if (isBusy(error)) return false;
      throw toEventStoreError(error, this.path);
    } finally {
      this.db.pragma(`busy_timeout = ${this.busyTimeoutMs}`);
    }
  }

  /**
   * WAL lets readers (subscriptions, other processes) run beside the single writer; NORMAL sync is
   * durable across process crashes in WAL mode, losing at most the last commits on power loss,
   * which a rerun of the idempotent sync restores. Returns the journal mode SQLite kept.
   */
  private useWal(timeoutMs = this.busyTimeoutMs): unknown {
    const mode = retryWhileBusy(() => this.db.pragma('journal_mode = WAL', { simple: true }), timeoutMs);
    this.db.pragma('synchronous = NORMAL');
    return mode;
  }

  /**
   * Back to WAL after a bulk work, as the constructor sets it. Never throws (the work's outcome
   * stands): when the switch is refused, the next connection to open the file makes it.
   */
  private backToWal(): void {
    if (!this.db.open) return;
    try {
      this.useWal();
    } catch {
      // still a rollback journal with synchronous = FULL: durable, only without concurrent readers
    }
  }

  get isOpen(): boolean {
    return this.db.open;
  }

  /** Closes the connection; closing twice is a no-op. */
  close(): void {
    if (this.db.open) this.db.close();
  }
}

/**
 * Maps a better-sqlite3 failure onto the port's errors: every SQLite error code (busy, locked, I/O,
 * full disk, corrupt file...) and use of a closed connection become EventStoreUnavailable. The
 * port's own errors pass through; anything else (a programming error such as binding undefined)
 * is rethrown as it is. For the adapters of this lib only.
 */
export function toEventStoreError(error: unknown, path: string): Error {
  if (error instanceof EventStoreError) return error;
  let mapped: EventStoreUnavailable | undefined;
  if (isSqliteError(error)) {
    const code = error.code;
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
      // (busy: another connection, which lets go; locked: a conflict within this one, which waiting does not end)
      const Locked = code.startsWith('SQLITE_BUSY') ? EventStoreBusy : EventStoreUnavailable;
      mapped = new Locked(`SQLite ledger ${path} is locked by another connection (${code}): ${error.message}`, path);
    } else {
      mapped = new EventStoreUnavailable(`SQLite ledger ${path} failed (${code}): ${error.message}`, path);
    }
  } else if (isErrorLike(error) && /database connection is not open/i.test(error.message)) {
    mapped = new EventStoreUnavailable(`SQLite ledger ${path} is closed`, path);
  } else if (isNodeFsError(error)) {
    mapped = new EventStoreUnavailable(`SQLite ledger ${path} cannot be opened (${error.code}): ${error.message}`, path);
  }
  if (mapped === undefined) return isErrorLike(error) ? (error as Error) : new Error(String(error));
  mapped.cause = error;
  return mapped;
}

/*
 * Duck-typed rather than `instanceof Error`: better-sqlite3's native code throws its TypeErrors
 * from the main V8 realm, which fail `instanceof` inside another realm such as jest's sandbox.
 */
function isErrorLike(error: unknown): error is { message: string; code?: unknown } {
  return typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string';
}

/** A better-sqlite3 SqliteError, recognised by its `SQLITE_*` code whichever realm or module copy made it. */
export function isSqliteError(error: unknown): error is { message: string; code: string } {
  return isErrorLike(error) && typeof error.code === 'string' && error.code.startsWith('SQLITE_');
}

function isNodeFsError(error: unknown): error is { message: string; code: string } {
  // errno codes (ENOENT, EACCES, EROFS...) from creating the folder or opening the file.
  return isErrorLike(error) && typeof error.code === 'string' && /^E[A-Z]+$/.test(error.code);
}
