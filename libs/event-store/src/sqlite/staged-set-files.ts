import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { EventStoreUnavailable } from '@roster-ledger/ledger';
import { toEventStoreError } from './sqlite-database';
import { decodeName, encodeName } from './id-file-names';

/** A staged change set's own database: its rows, in order (see SqlitePendingChangeStore). */
export type StagedSet = Database.Database;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS staged (
  seq INTEGER PRIMARY KEY,
  stream_id TEXT NOT NULL,
  expected_revision TEXT NOT NULL,
  events TEXT NOT NULL,
  metadata TEXT
);`;

/** A set this process has open for writing: its district, its database, and its file (null in memory). */
interface OpenSet {
  districtId: string;
  db: StagedSet;
  path: string | null;
}

/** The folder of the staged change sets beside a ledger file; null for an in-memory ledger. */
export function stagedSetFolder(ledgerPath: string): string | null {
  return ledgerPath === ':memory:' || ledgerPath === '' ? null : `${ledgerPath}.staged`;
}

/** The change sets staged beside a ledger file, with their districts and files (what a check of the ledger lists). */
export function stagedSetsBeside(ledgerPath: string): { syncId: string; districtId: string; path: string }[] {
  const folder = stagedSetFolder(ledgerPath);
  return folder === null ? [] : namesIn(folder).map(({ file, districtId, syncId }) => ({ syncId, districtId, path: join(folder, file) }));
}

/**
 * Where each sync's staged change set lives: a SQLite file of its own in a folder beside the
 * ledger (`<ledger>.staged/<district>.<sync>.db`), or an in-memory database for an in-memory ledger.
 *
 * Why not the ledger: a first import stages its whole change set as it diffs (2.4 GB at a million
 * students) and its append copies it into the log, then deletes it. In the ledger that was written
 * through its write-ahead log and checkpointed, deleted page by page, and left as free pages: 30%
 * of the ledger file after a first import. Here it is written once, without a journal on disk or
 * a sync to disk (`journal_mode = MEMORY`, `synchronous = OFF`), and dropped by deleting its file.
 *
 * Durability: a set being staged needs none (a sync that dies leaves it as garbage, dropped by the
 * district's next sync by its name, unopened). A held set does: `seal` closes it and syncs its
 * file and the folders to disk, before the sync is recorded as held; it is only read after.
 *
 * Names: `<district>.<sync>.db`, each id encoded as {@link encodeName} says. Sets are found by
 * their encoded names.
 *
 * Errors: SQLite and file system failures throw EventStoreUnavailable naming the file or folder.
 */
export class StagedSetFiles {
  /** Sets this process has open for writing, by sync. */
  private readonly open = new Map<string, OpenSet>();

  /** @param folder the folder of the files; null for an in-memory ledger (the sets then live as long as this object). */
  constructor(readonly folder: string | null) {}

  static beside(ledgerPath: string): StagedSetFiles {
    return new StagedSetFiles(stagedSetFolder(ledgerPath));
  }

  /** Runs `work` on the sync's set for writing (the one open, or a new one); failures name its file. */
  writing<T>(syncId: string, districtId: string, work: (db: StagedSet) => T): T {
    const open = this.open.get(syncId) ?? this.create(syncId, districtId);
    return this.on(open.path ?? ':memory:', () => work(open.db));
  }

  private create(syncId: string, districtId: string): OpenSet {
    const path = this.folder === null ? null : join(this.folder, `${encodeName(districtId)}.${encodeName(syncId)}.db`);
    return this.on(path ?? ':memory:', () => {
      if (this.folder !== null) mkdirSync(this.folder, { recursive: true });
      const db = new Database(path ?? ':memory:');
      try {
        if (path !== null) {
          db.pragma('journal_mode = MEMORY');
          db.pragma('synchronous = OFF');
        }
        db.exec(SCHEMA);
      } catch (error) {
        db.close();
        throw error;
      }
      const open = { districtId, db, path };
      this.open.set(syncId, open);
      return open;
    });
  }

  /**
   * The sync's set for reading: the one open in this process, or its file (a set staged by
   * another process, held for approval), opened read-only until `close`. Null when the sync has
   * none. `read` runs a query on it; its failures name the file.
   */
  reader(syncId: string): { read: <T>(query: (db: StagedSet) => T) => T; close: () => void } | null {
    const open = this.open.get(syncId);
    if (open !== undefined) {
      const where = open.path ?? ':memory:';
      return { read: (query) => this.on(where, () => query(open.db)), close: () => undefined };
    }
    const path = this.pathOf(syncId);
    if (path === null) return null;
    const db = this.on(path, () => new Database(path, { readonly: true, fileMustExist: true }));
    return { read: (query) => this.on(path, () => query(db)), close: () => db.close() };
  }

  /** Makes the sync's set durable: closed, its file and the folders above it synced to disk. */
  seal(syncId: string): void {
    if (this.folder === null) return; // in memory: closing it would drop it
    const open = this.open.get(syncId);
    this.closeOpen(syncId);
    const path = this.pathOf(syncId);
    if (path === null) {
      // a set this process staged, deleted by another: there is nothing to hold
      if (open !== undefined) throw new EventStoreUnavailable(`the staged change set ${open.path} is gone: another process deleted it`);
      return;
    }
    this.on(path, () => {
      syncToDisk(path);
      syncToDisk(this.folder!);
      syncToDisk(dirname(this.folder!));
    });
  }

  /** Drops the sync's set (a no-op when it has none). */
  drop(syncId: string): void {
    this.closeOpen(syncId);
    const path = this.pathOf(syncId);
    if (path !== null) this.on(path, () => rmSync(path, { force: true }));
  }

  /** Drops every set of the district. */
  dropDistrict(districtId: string): void {
    for (const [syncId, open] of [...this.open]) if (open.districtId === districtId) this.closeOpen(syncId);
    if (this.folder === null) return;
    const encoded = encodeName(districtId);
    for (const name of namesIn(this.folder)) {
      const path = join(this.folder, name.file);
      if (name.encodedDistrict === encoded) this.on(path, () => rmSync(path, { force: true }));
    }
  }

  private closeOpen(syncId: string): void {
    const open = this.open.get(syncId);
    if (open === undefined) return;
    this.open.delete(syncId);
    open.db.close();
  }

  private pathOf(syncId: string): string | null {
    if (this.folder === null) return null;
    const encoded = encodeName(syncId);
    const found = this.on(this.folder, () => namesIn(this.folder!)).find((name) => name.encodedSync === encoded);
    return found === undefined ? null : join(this.folder, found.file);
  }

  /** Runs `work`, its SQLite and file system failures as EventStoreUnavailable naming `path`. */
  private on<T>(path: string, work: () => T): T {
    try {
      return work();
    } catch (error) {
      throw toEventStoreError(error, path);
    }
  }
}

function namesIn(folder: string): { file: string; encodedDistrict: string; encodedSync: string; districtId: string; syncId: string }[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder).flatMap((file) => {
    const parts = file.split('.');
    if (parts.length !== 3 || parts[2] !== 'db') return [];
    const [encodedDistrict, encodedSync] = parts as [string, string];
    return [{ file, encodedDistrict, encodedSync, districtId: decodeName(encodedDistrict), syncId: decodeName(encodedSync) }];
  });
}

function syncToDisk(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
