import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

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

/**
 * Where each sync's staged change set lives: a SQLite file of its own in a folder beside the
 * ledger (`<ledger>.staged/<district>.<sync>.db`), or an in-memory database for an in-memory ledger.
 *
 * Why not the ledger: a first import stages its whole change set as it diffs (2.4 GB at a million
 * students) and its append copies it into the log, then deletes it. In the ledger that was written
 * through its write-ahead log and checkpointed (twice), deleted page by page, and left as free
 * pages: 30% of the ledger file after a first import. Here it is written once, without a journal
 * on disk or a sync to disk (`journal_mode = MEMORY`, `synchronous = OFF`), and dropped by
 * deleting its file.
 *
 * Durability: a set being staged needs none (a sync that dies leaves it as garbage, dropped by the
 * district's next sync). A held set does: `seal` closes it and syncs its file and the folder to
 * disk, before the sync is recorded as held.
 *
 * Names: each id is percent-encoded, dots and other characters a file name may not hold
 * included, so that a name splits into its district and sync at its dots.
 */
export class StagedSetFiles {
  /** Sets this process has open for writing, by sync. */
  private readonly open = new Map<string, { districtId: string; db: StagedSet }>();

  /** @param folder the folder of the files; null for an in-memory ledger (the sets then live as long as this object). */
  constructor(readonly folder: string | null) {}

  static beside(ledgerPath: string): StagedSetFiles {
    return new StagedSetFiles(ledgerPath === ':memory:' || ledgerPath === '' ? null : `${ledgerPath}.staged`);
  }

  /** The sync's set for writing: the one open, or a new file (which must not exist yet). */
  forWriting(syncId: string, districtId: string): StagedSet {
    const open = this.open.get(syncId);
    if (open !== undefined) return open.db;
    let db: StagedSet;
    if (this.folder === null) {
      db = new Database(':memory:');
    } else {
      mkdirSync(this.folder, { recursive: true });
      db = new Database(join(this.folder, fileName(districtId, syncId)));
      db.pragma('journal_mode = MEMORY');
      db.pragma('synchronous = OFF');
    }
    db.exec(SCHEMA);
    this.open.set(syncId, { districtId, db });
    return db;
  }

  /**
   * The sync's set for reading: the one open in this process, or its file (a set staged by
   * another process, held for approval), opened read-only until `close`. Null when the sync has none.
   */
  reader(syncId: string): { db: StagedSet; close: () => void } | null {
    const open = this.open.get(syncId);
    if (open !== undefined) return { db: open.db, close: () => undefined };
    const path = this.pathOf(syncId);
    if (path === null) return null;
    const db = new Database(path, { readonly: true, fileMustExist: true });
    return { db, close: () => db.close() };
  }

  /** Makes the sync's set durable: closed, its file and the folder synced to disk. */
  seal(syncId: string): void {
    if (this.folder === null) return; // in memory: closing it would drop it
    this.closeOpen(syncId);
    const path = this.pathOf(syncId);
    if (path === null) return;
    syncToDisk(path);
    syncToDisk(this.folder);
  }

  /** Drops the sync's set (a no-op when it has none). */
  drop(syncId: string): void {
    this.closeOpen(syncId);
    const path = this.pathOf(syncId);
    if (path !== null) rmSync(path, { force: true });
  }

  /** Drops every set of the district. */
  dropDistrict(districtId: string): void {
    for (const [syncId, open] of [...this.open]) if (open.districtId === districtId) this.closeOpen(syncId);
    for (const name of this.names()) {
      if (name.districtId === districtId) rmSync(join(this.folder!, name.file), { force: true });
    }
  }

  /** The sets there are, with their districts and files (null in memory): what a check of the ledger lists. */
  list(): { syncId: string; districtId: string; path: string | null }[] {
    return this.folder === null
      ? [...this.open].map(([syncId, { districtId }]) => ({ syncId, districtId, path: null }))
      : this.names().map(({ syncId, districtId, file }) => ({ syncId, districtId, path: join(this.folder!, file) }));
  }

  private closeOpen(syncId: string): void {
    const open = this.open.get(syncId);
    if (open === undefined) return;
    this.open.delete(syncId);
    open.db.close();
  }

  private pathOf(syncId: string): string | null {
    const found = this.names().find((name) => name.syncId === syncId);
    return found === undefined ? null : join(this.folder!, found.file);
  }

  private names(): { file: string; districtId: string; syncId: string }[] {
    if (this.folder === null || !existsSync(this.folder)) return [];
    return readdirSync(this.folder).flatMap((file) => {
      const parts = file.split('.');
      if (parts.length !== 3 || parts[2] !== 'db') return [];
      try {
        return [{ file, districtId: decodeURIComponent(parts[0]!), syncId: decodeURIComponent(parts[1]!) }];
      } catch {
        return []; // not a name of ours
      }
    });
  }
}

function fileName(districtId: string, syncId: string): string {
  return `${encodeName(districtId)}.${encodeName(syncId)}.db`;
}

/** Percent-encoding that also encodes what encodeURIComponent leaves (the dot, and `!~*'()`). */
function encodeName(id: string): string {
  return encodeURIComponent(id).replace(/[.!~*'()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function syncToDisk(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
