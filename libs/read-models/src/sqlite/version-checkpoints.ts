import type { Statement } from 'better-sqlite3';
import type { Db } from './read-model-database';

/**
 * The checkpoint of each version of a projection's tables, kept in the file of those tables
 * (`version_checkpoints`), so a batch's rows and the checkpoint that accounts for them commit
 * in one transaction. A version without a row has folded nothing yet.
 */
export class VersionCheckpoints {
  private static readonly byDb = new WeakMap<Db, VersionCheckpoints>();
  private readonly select: Statement;
  private readonly upsert: Statement;
  private readonly remove: Statement;

  private constructor(db: Db) {
    db.exec('CREATE TABLE IF NOT EXISTS version_checkpoints (name TEXT NOT NULL, version INTEGER NOT NULL, position INTEGER NOT NULL, PRIMARY KEY (name, version))');
    this.select = db.prepare('SELECT position FROM version_checkpoints WHERE name = ? AND version = ?').pluck();
    this.upsert = db.prepare('INSERT INTO version_checkpoints (name, version, position) VALUES (?, ?, ?) ON CONFLICT (name, version) DO UPDATE SET position = excluded.position');
    this.remove = db.prepare('DELETE FROM version_checkpoints WHERE name = ? AND version = ?');
  }

  /** The checkpoints kept on this connection's file (the table is created the first time). */
  static of(db: Db): VersionCheckpoints {
    let checkpoints = VersionCheckpoints.byDb.get(db);
    if (checkpoints === undefined) {
      checkpoints = new VersionCheckpoints(db);
      VersionCheckpoints.byDb.set(db, checkpoints);
    }
    return checkpoints;
  }

  get(name: string, version: number): number {
    return (this.select.get(name, version) as number | undefined) ?? 0;
  }

  set(name: string, version: number, position: number): void {
    this.upsert.run(name, version, position);
  }

  delete(name: string, version: number): void {
    this.remove.run(name, version);
  }
}
