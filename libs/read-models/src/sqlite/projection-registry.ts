import type { ProjectionFailure } from '@roster-ledger/ledger';
import type { Db } from './read-model-database';

export interface ProjectionStateRow {
  name: string;
  live_version: number;
  position: number;
  status: 'running' | 'failed';
  failure: string | null;
  building_version: number | null;
  building_position: number | null;
  schema: string | null;
  /** The id of the first event of the log it was folded from: a read model of another ledger's log has another. */
  log_id: string | null;
}

/**
 * The `projection_state` table: for each projection, its live version and checkpoint, its
 * failure if it stopped, and the version and checkpoint of a rebuild under way. Checkpoints are
 * written in the same transaction as the read-model rows they account for.
 */
export class ProjectionRegistry {
  private readonly selectOne;
  private readonly selectAll;

  constructor(private readonly db: Db) {
    // one immediate transaction: two processes opening a new ledger file at once must not both
    // add the column that files made before it lack
    db.transaction(() => {
      db.exec(`CREATE TABLE IF NOT EXISTS projection_state (
        name TEXT PRIMARY KEY, live_version INTEGER NOT NULL, position INTEGER NOT NULL,
        status TEXT NOT NULL, failure TEXT, building_version INTEGER, building_position INTEGER, schema TEXT)`);
      const columns = (db.prepare('PRAGMA table_info(projection_state)').all() as { name: string }[]).map((c) => c.name);
      if (!columns.includes('schema')) db.exec('ALTER TABLE projection_state ADD COLUMN schema TEXT');
      if (!columns.includes('log_id')) db.exec('ALTER TABLE projection_state ADD COLUMN log_id TEXT');
    }).immediate();
    this.selectOne = db.prepare('SELECT * FROM projection_state WHERE name = ?');
    this.selectAll = db.prepare('SELECT * FROM projection_state ORDER BY name');
  }

  /** Registers a projection at version 1, position 0, when it is new. @returns whether it was new. */
  ensure(name: string, schema: string): boolean {
    const result = this.db
      .prepare(`INSERT OR IGNORE INTO projection_state (name, live_version, position, status, schema) VALUES (?, 1, 0, 'running', ?)`)
      .run(name, schema);
    return result.changes > 0;
  }

  get(name: string): ProjectionStateRow {
    const row = this.selectOne.get(name) as ProjectionStateRow | undefined;
    if (!row) throw new Error(`projection ${name} is not registered`);
    return row;
  }

  all(): ProjectionStateRow[] {
    return this.selectAll.all() as ProjectionStateRow[];
  }

  checkpoint(name: string, position: number): void {
    this.db.prepare('UPDATE projection_state SET position = ? WHERE name = ?').run(position, name);
  }

  /** Moves the checkpoint of the rebuild into `version`; nothing when that version is no longer being built. */
  buildingCheckpoint(name: string, version: number, position: number): void {
    this.db.prepare('UPDATE projection_state SET building_position = ? WHERE name = ? AND building_version = ?').run(position, name, version);
  }

  fail(name: string, failure: ProjectionFailure): void {
    this.db.prepare(`UPDATE projection_state SET status = 'failed', failure = ? WHERE name = ?`).run(JSON.stringify(failure), name);
  }

  /**
   * Starts a projection over at a new version from position 0, for tables whose shape changed
   * with the code: the old tables cannot be read by the new writers.
   */
  restart(name: string, version: number, schema: string): void {
    this.db
      .prepare(
        `UPDATE projection_state SET live_version = ?, position = 0, status = 'running', failure = NULL,
         building_version = NULL, building_position = NULL, schema = ? WHERE name = ?`,
      )
      .run(version, schema, name);
  }

  /** Records which log a projection is folded from (see `log_id`). */
  setLog(name: string, logId: string): void {
    this.db.prepare('UPDATE projection_state SET log_id = ? WHERE name = ?').run(logId, name);
  }

  /** Records the shape a projection's live tables were found to have. */
  setSchema(name: string, schema: string): void {
    this.db.prepare('UPDATE projection_state SET schema = ? WHERE name = ?').run(schema, name);
  }

  /** A failed projection gets another try (after a restart or a fix). */
  retry(name: string): void {
    this.db.prepare(`UPDATE projection_state SET status = 'running', failure = NULL WHERE name = ?`).run(name);
  }

  startBuilding(name: string, version: number): void {
    this.db.prepare('UPDATE projection_state SET building_version = ?, building_position = 0 WHERE name = ?').run(version, name);
  }

  stopBuilding(name: string): void {
    this.db.prepare('UPDATE projection_state SET building_version = NULL, building_position = NULL WHERE name = ?').run(name);
  }

  /** Makes the rebuilt version live, with its checkpoint: one statement, so readers see one or the other. */
  swap(name: string): void {
    this.db
      .prepare(
        `UPDATE projection_state SET live_version = building_version, position = building_position, status = 'running', failure = NULL,
         building_version = NULL, building_position = NULL WHERE name = ? AND building_version IS NOT NULL`,
      )
      .run(name);
  }
}
