import { readdirSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import Database from 'better-sqlite3';
import { isBusy, retryWhileBusy } from '@roster-ledger/ledger';
import { LockFiles } from '@roster-ledger/process-locks';
import { CommitRounds } from './commit-rounds';
import { openReadModelDatabase, type Db } from './read-model-database';

const BUSY_TIMEOUT_MS = 10_000;

/**
 * The files SQLite attaches to one connection at most (SQLITE_MAX_ATTACHED, fixed when it is
 * compiled): the reader attaches the commit rounds' file and one version file per read model, so
 * there may be one read model fewer than this.
 */
export const MOST_ATTACHED_FILES = 10;
const PAGE_CACHE_KIB_PER_FILE = 8 * 1024;

/** The folder of a ledger's read models, beside it: `data/roster-ledger.db` → `data/roster-ledger.db.read-models/`. */
export function readModelFolder(ledgerPath: string): string {
  return `${ledgerPath}.read-models`;
}

/** Where processes at work on the read models hold their lock files (see LockFiles): `<ledger>.read-models/locks/`. */
function lockFolderOf(ledgerPath: string): string {
  return join(readModelFolder(ledgerPath), 'locks');
}

/** The file of one projection's state (its live version, a rebuild under way): `<ledger>.read-models/<projection>.db`. */
export function readModelPath(ledgerPath: string, projection: string): string {
  return `${readModelFolder(ledgerPath)}/${projection}.db`;
}

/** The file of one version of a projection's tables, with that version's checkpoint: `<ledger>.read-models/<projection>.v<n>.db`. */
export function readModelVersionPath(ledgerPath: string, projection: string, version: number): string {
  return `${readModelFolder(ledgerPath)}/${projection}.v${version}.db`;
}

/** The projection and version a read-model file holds, by its name; null for a projection's state file or another file. */
export function versionOfFile(file: string): { projection: string; version: number } | null {
  const match = /^([a-z_]+)\.v(\d+)\.db$/.exec(file);
  return match ? { projection: match[1]!, version: Number(match[2]) } : null;
}

/**
 * Where each projection's state, tables and checkpoints live, and the connection queries read on.
 *
 * Beside a ledger file (`beside`), a projection has a state file (which version is live, which is
 * being rebuilt, a failure) and a file per version of its tables, which also holds that version's
 * checkpoint, so a batch's rows and its checkpoint are one transaction. A file has one writer at
 * a time: read models in separate files are built on both cores at once, and folding them never
 * waits for the lock a sync holds on the log. A rebuild writes a new file nobody reads, and the
 * old version goes with its file: dropping a million accounts' tables read every page of them
 * (2 s when they were in the page cache, 107 s when they were not) and left the file twice its
 * size in free pages. Queries read through one connection with each live version's file
 * attached, naming tables as before (their names carry the projection and version, so are unique).
 *
 * In memory (specs), everything shares one connection (`single`): versions are tables side by side.
 */
export class ReadModelFiles {
  /** Open connections to version files, by projection and version. */
  private readonly versions = new Map<string, Map<number, Db>>();
  /** The version of each projection whose file the reader has attached, by projection. */
  private readonly attached = new Map<string, number>();

  private constructor(
    private readonly ledgerPath: string | null,
    private readonly stateFiles: ReadonlyMap<string, Db>,
    private readonly fallback: Db | null,
    /** The connection queries run on. */
    readonly reader: Db,
    private readonly automaticCheckpoints: boolean,
    private readonly commitRounds: { db: Db; rounds: CommitRounds } | null = null,
  ) {}

  /** Every projection in the one connection given (in memory, or a file of the caller's choosing). */
  static single(db: Db): ReadModelFiles {
    return new ReadModelFiles(null, new Map(), db, db, true);
  }

  /**
   * A state file per projection beside the ledger file, created when missing, and a file per
   * version, opened when first asked for. The read models an older release kept inside the ledger
   * file are dropped from it: they are rebuilt from the log in their own files.
   *
   * @param options.ledgerOpenTimeoutMs how long the look into the ledger file for those waits for
   *   another connection's lock (the process's open timeout for the ledger file; else 10 s)
   */
  static beside(ledgerPath: string, names: readonly string[], options: { automaticCheckpoints?: boolean; ledgerOpenTimeoutMs?: number } = {}): ReadModelFiles {
    // said at once, by its cause: past it, the first query would fail with "too many attached databases"
    if (names.length + 1 > MOST_ATTACHED_FILES) {
      throw new Error(`${names.length} read models: queries read them on one SQLite connection, which attaches at most ${MOST_ATTACHED_FILES} files, the commit rounds' among them, so at most ${MOST_ATTACHED_FILES - 1} read models (put the tables of a new one in an existing read model's file, or in one of its own that replaces another)`);
    }
    dropReadModelsInsideLedger(ledgerPath, options.ledgerOpenTimeoutMs ?? BUSY_TIMEOUT_MS);
    const stateFiles = new Map<string, Db>();
    for (const name of names) {
      const db = openReadModelDatabase(readModelPath(ledgerPath, name));
      db.pragma(`cache_size = -${PAGE_CACHE_KIB_PER_FILE}`);
      stateFiles.set(name, db);
    }
    const roundsDb = openReadModelDatabase(`${readModelFolder(ledgerPath)}/${CommitRounds.FILE}`);
    const rounds = new CommitRounds(roundsDb, new LockFiles(lockFolderOf(ledgerPath)));
    // queries name tables without their file: an in-memory main holds none, so each name finds its one file
    const reader = new Database(':memory:', { timeout: BUSY_TIMEOUT_MS });
    reader.prepare('ATTACH DATABASE ? AS rounds').run(`${readModelFolder(ledgerPath)}/${CommitRounds.FILE}`);
    return new ReadModelFiles(ledgerPath, stateFiles, null, reader, options.automaticCheckpoints !== false, { db: roundsDb, rounds });
  }

  /**
   * Where the processes verifying or rebuilding a projection hold its lock files (see LockFiles):
   * `<read-models folder>/locks/`; null when every read model is in one connection (specs), where
   * a process is judged by its id alone.
   */
  get lockFolder(): string | null {
    return this.ledgerPath === null ? null : lockFolderOf(this.ledgerPath);
  }

  /** Where writers note their commit rounds; null when every read model is in one connection (no round spans connections). */
  get rounds(): CommitRounds | null {
    return this.commitRounds?.rounds ?? null;
  }

  /** The table of commit rounds as the reader names it; null when there are none (see `rounds`). */
  roundsTableOnReader(): string | null {
    return this.commitRounds === null ? null : `rounds.${CommitRounds.TABLE}`;
  }

  /** The connection to a projection's state file (its registry row). */
  of(name: string): Db {
    const db = this.stateFiles.get(name) ?? this.fallback;
    if (db === null) throw new Error(`projection ${name} has no read-model file here`);
    return db;
  }

  /** The connection that writes one version of a projection's tables and its checkpoint (the file is created when missing). */
  tablesOf(name: string, version: number): Db {
    if (this.fallback !== null) return this.fallback;
    let byVersion = this.versions.get(name);
    if (byVersion === undefined) this.versions.set(name, (byVersion = new Map()));
    let db = byVersion.get(version);
    if (db === undefined) {
      db = openReadModelDatabase(readModelVersionPath(this.ledgerPath!, name, version), { journalAsFound: true });
      // a page cache of its own per file: the 128 MiB one connection had, for seven, let two
      // threads' rebuilds hold 900 MiB of pages; 8 MiB each rebuilt the 100k ledger as fast as 32
      // (a larger cache made index builds no faster, nor a churn's folding at a million students)
      db.pragma(`cache_size = -${PAGE_CACHE_KIB_PER_FILE}`);
      if (!this.automaticCheckpoints) db.pragma('wal_autocheckpoint = 0');
      byVersion.set(version, db);
    }
    return db;
  }

  /**
   * Switches a version being built to a rollback journal, or back to a write-ahead log for
   * readers once it is built. Nobody reads a version being built, and its bulk load writes mostly
   * new pages at the file's end, which a rollback journal does not copy, where a write-ahead log
   * writes every page twice (to the log, then into the file): a 1M rebuild spent 3-10 s less in
   * the kernel. A killed build leaves a journal that the next connection to open the file rolls
   * back, as it would a write-ahead log's uncommitted pages. Another connection holding the file
   * may delay the switch: a build then goes on in WAL mode (only slower), and a version made live
   * in rollback mode is switched when the read models are next opened.
   */
  journalFor(name: string, version: number, use: 'bulk load' | 'live'): void {
    if (this.fallback !== null) return;
    const db = this.tablesOf(name, version);
    try {
      retryWhileBusy(() => db.pragma(`journal_mode = ${use === 'live' ? 'WAL' : 'DELETE'}`), use === 'live' ? BUSY_TIMEOUT_MS : 0);
    } catch (error) {
      if (!isBusy(error)) throw error;
    }
  }

  /**
   * Deletes one version of a projection's tables: its file, or (all in one connection) the
   * tables `dropTables` drops. A process that still has the file open keeps reading and writing
   * what it had until it looks the live version up again; the name is never used again, as
   * versions only go up.
   */
  dropVersion(name: string, version: number, dropTables: (db: Db) => void): void {
    if (this.fallback !== null) {
      dropTables(this.fallback);
      return;
    }
    this.closeVersion(name, version);
    const path = readModelVersionPath(this.ledgerPath!, name, version);
    // the database file last: killed halfway, what is left is still listed, and deleted next time
    for (const suffix of ['-wal', '-shm', '-journal', '']) rmSync(`${path}${suffix}`, { force: true });
  }

  /** Deletes the files of a projection's versions other than `keep`, which nobody reads or builds. */
  dropStrayVersions(name: string, keep: readonly (number | null)[]): void {
    if (this.fallback !== null) return;
    for (const file of readModelVersionFiles(this.ledgerPath!)) {
      const found = versionOfFile(basename(file));
      if (found?.projection === name && !keep.includes(found.version)) this.dropVersion(name, found.version, () => undefined);
    }
  }

  /**
   * Closes this process's connections to versions of a projection other than `keep` (their files
   * may be gone); not one a live fold holds a transaction on, which closing would roll back unsaid.
   */
  closeOtherVersions(name: string, keep: readonly (number | null)[]): void {
    for (const [version, db] of [...(this.versions.get(name)?.entries() ?? [])]) {
      if (!keep.includes(version) && !db.inTransaction) this.closeVersion(name, version);
    }
  }

  /**
   * Makes a version's tables readable on the reader: its file attached in place of the version
   * before (each under a name of its own: SQLite attaches at most ten files to a connection).
   */
  showLive(name: string, version: number): void {
    if (this.fallback !== null || this.attached.get(name) === version) return;
    const before = this.attached.get(name);
    if (before !== undefined) this.detach(name, before);
    this.reader.prepare('ATTACH DATABASE ? AS ?').run(readModelVersionPath(this.ledgerPath!, name, version), schemaName(name, version));
    this.attached.set(name, version);
  }

  /** The table that holds a version's checkpoint, as the reader names it (its file attached by `showLive`). */
  checkpointTableOnReader(name: string, version: number): string {
    return this.fallback !== null ? 'version_checkpoints' : `${schemaName(name, version)}.version_checkpoints`;
  }

  /**
   * Runs `work` on a connection that sees both versions of a projection's tables (for a
   * comparison): version `a`'s, with `b`'s file attached for the while.
   */
  withBoth<T>(name: string, a: number, b: number, work: (db: Db) => T): T {
    const db = this.tablesOf(name, a);
    if (this.fallback !== null) return work(db);
    db.prepare('ATTACH DATABASE ? AS other').run(readModelVersionPath(this.ledgerPath!, name, b));
    try {
      return work(db);
    } finally {
      db.exec('DETACH DATABASE other');
    }
  }

  /** Every connection this process has open to the read models' files: state files, then version files. */
  connections(): Db[] {
    if (this.fallback !== null) return [this.fallback];
    return [
      ...this.stateFiles.values(),
      ...[...this.versions.values()].flatMap((byVersion) => [...byVersion.values()]),
      ...(this.commitRounds === null ? [] : [this.commitRounds.db]),
    ];
  }

  /** Whether each projection has files (and connections) of its own, so that two threads may build two of them at once. */
  get separate(): boolean {
    return this.fallback === null;
  }

  close(): void {
    this.commitRounds?.rounds.close();
    for (const db of [...this.connections(), this.reader]) if (db.open) db.close();
  }

  private closeVersion(name: string, version: number): void {
    const db = this.versions.get(name)?.get(version);
    this.versions.get(name)?.delete(version);
    if (db?.open) db.close();
  }

  private detach(name: string, version: number): void {
    this.attached.delete(name);
    try {
      this.reader.exec(`DETACH DATABASE ${schemaName(name, version)}`);
    } catch {
      // a statement still reading it (queries here run to their end at once, so none should): left attached
    }
  }
}

/** The schema a version's file is attached as on the reader. */
const schemaName = (name: string, version: number): string => `rm_${name}_v${version}`;

/** The files of every version of every projection beside a ledger file, that exist now. */
export function readModelVersionFiles(ledgerPath: string): string[] {
  const folder = readModelFolder(ledgerPath);
  let files: string[];
  try {
    files = readdirSync(folder);
  } catch {
    return [];
  }
  return files.filter((file) => versionOfFile(file) !== null).map((file) => join(folder, file));
}

/**
 * Drops the tables (`rm_*`) and checkpoints (`projection_state`, `version_checkpoints`) that
 * releases before read models had files of their own kept inside the ledger file: one
 * transaction, once.
 */
function dropReadModelsInsideLedger(ledgerPath: string, busyTimeoutMs: number): void {
  const ledger = openReadModelDatabase(ledgerPath, { busyTimeoutMs });
  try {
    const hasOld = () => ledger.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'projection_state'").get() !== undefined;
    if (!hasOld()) return;
    retryWhileBusy(
      () =>
        ledger.transaction(() => {
          if (!hasOld()) return; // another process did it meanwhile
          const tables = ledger.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'rm\\_%' ESCAPE '\\'").pluck().all() as string[];
          for (const table of [...tables, 'projection_state', 'version_checkpoints']) ledger.exec(`DROP TABLE IF EXISTS "${table}"`);
        }).immediate(),
      busyTimeoutMs,
    );
  } finally {
    ledger.close();
  }
}
