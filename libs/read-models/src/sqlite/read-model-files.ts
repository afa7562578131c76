import Database from 'better-sqlite3';
import { retryWhileBusy } from '@roster-ledger/ledger';
import { openReadModelDatabase, type Db } from './read-model-database';

const BUSY_TIMEOUT_MS = 10_000;
const PAGE_CACHE_KIB_PER_FILE = 8 * 1024;

/** The folder of a ledger's read models, beside it: `data/roster-ledger.db` → `data/roster-ledger.db.read-models/`. */
export function readModelFolder(ledgerPath: string): string {
  return `${ledgerPath}.read-models`;
}

/** The file of one projection's tables and checkpoint: `<ledger>.read-models/<projection>.db`. */
export function readModelPath(ledgerPath: string, projection: string): string {
  return `${readModelFolder(ledgerPath)}/${projection}.db`;
}

/**
 * Where each projection's tables and checkpoint live, and the connection queries read them on.
 *
 * A ledger file keeps each projection in a file of its own beside it (`beside`): a file has one
 * writer at a time, so read models in separate files are built on both cores at once (a rebuild
 * splits them between two threads), and folding them never waits for the lock a sync holds on
 * the log. A projection's rows and its checkpoint share its file, so each batch stays one
 * transaction. Queries read through one connection with every file attached, naming tables
 * as before (their names are unique across the files). In memory (specs), every projection
 * shares one connection (`single`).
 */
export class ReadModelFiles {
  private constructor(
    private readonly byName: ReadonlyMap<string, Db>,
    private readonly fallback: Db | null,
    /** The connection queries run on. */
    readonly reader: Db,
  ) {}

  /** Every projection in the one connection given (in memory, or a file of the caller's choosing). */
  static single(db: Db): ReadModelFiles {
    return new ReadModelFiles(new Map(), db, db);
  }

  /**
   * A file per projection beside the ledger file, created when missing. The read models an
   * older release kept inside the ledger file are dropped from it: they are rebuilt from the log
   * in their own files (their tables' names would otherwise hide the new ones from queries).
   */
  static beside(ledgerPath: string, names: readonly string[], options: { automaticCheckpoints?: boolean } = {}): ReadModelFiles {
    dropReadModelsInsideLedger(ledgerPath);
    const byName = new Map<string, Db>();
    for (const name of names) {
      const db = openReadModelDatabase(readModelPath(ledgerPath, name));
      // a page cache of its own per file: the 128 MiB one connection had, for seven, let two
      // threads' rebuilds hold 900 MiB of pages; 8 MiB each rebuilt the 100k ledger as fast as 32
      // (a larger cache made index builds no faster, nor a churn's folding at a million students)
      db.pragma(`cache_size = -${PAGE_CACHE_KIB_PER_FILE}`);
      if (options.automaticCheckpoints === false) db.pragma('wal_autocheckpoint = 0');
      byName.set(name, db);
    }
    // queries name tables without their file: an in-memory main holds none, so each name finds its one file
    const reader = new Database(':memory:', { timeout: BUSY_TIMEOUT_MS });
    for (const name of names) reader.prepare('ATTACH DATABASE ? AS ?').run(readModelPath(ledgerPath, name), `rm_${name}`);
    return new ReadModelFiles(byName, null, reader);
  }

  /** The connection that writes a projection's tables and checkpoint. */
  of(name: string): Db {
    const db = this.byName.get(name) ?? this.fallback;
    if (db === null) throw new Error(`projection ${name} has no read-model file here`);
    return db;
  }

  /** Each connection once: the projection files', or the one shared. */
  connections(): Db[] {
    return this.fallback === null ? [...this.byName.values()] : [this.fallback];
  }

  /** Whether each projection has a file (and a connection) of its own, so that two threads may build two of them at once. */
  get separate(): boolean {
    return this.fallback === null;
  }

  close(): void {
    for (const db of [...this.connections(), this.reader]) if (db.open) db.close();
  }
}

/**
 * Drops the tables (`rm_*`) and checkpoints (`projection_state`) that releases before read
 * models had files of their own kept inside the ledger file: one transaction, once.
 */
function dropReadModelsInsideLedger(ledgerPath: string): void {
  const ledger = openReadModelDatabase(ledgerPath);
  try {
    const hasOld = () => ledger.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'projection_state'").get() !== undefined;
    if (!hasOld()) return;
    retryWhileBusy(
      () =>
        ledger.transaction(() => {
          if (!hasOld()) return; // another process did it meanwhile
          const tables = ledger.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'rm\\_%' ESCAPE '\\'").pluck().all() as string[];
          for (const table of [...tables, 'projection_state']) ledger.exec(`DROP TABLE IF EXISTS "${table}"`);
        }).immediate(),
      BUSY_TIMEOUT_MS,
    );
  } finally {
    ledger.close();
  }
}
