import type { SyncOwner } from '@roster-ledger/domain';
import type { ProjectionFailure } from '@roster-ledger/ledger';
import type { Db } from './read-model-database';

export interface ProjectionRegistryRow {
  name: string;
  live_version: number;
  status: 'running' | 'failed';
  failure: string | null;
  building_version: number | null;
  /** How far a rebuild under way has committed, as it last noted (its checkpoint proper is in its version's file). */
  building_position: number | null;
  schema: string | null;
  /** The id of the first event of the log it was folded from: a read model of another ledger's log has another. */
  log_id: string | null;
  /** The highest version ever started: a version's number (and file) is never used twice. */
  last_version: number | null;
  /** The process verifying it (`projections verify`), which owns its scratch version while it runs. */
  verify_pid: number | null;
  verify_host: string | null;
  /** The verifier's start (SyncOwner.started); null when not known. */
  verify_started: string | null;
  /** The process building `building_version` (it or a process that resumed or joined it). */
  build_pid: number | null;
  build_host: string | null;
  /** The builder's start (SyncOwner.started); null when not known. */
  build_started: string | null;
  /** 1 when the noted builder is a dry run (`rebuild --dry-run`), which compares and swaps nothing in. */
  build_dry: number | null;
}

/** A registry row with the checkpoint of its live version (kept with its tables: VersionCheckpoints). */
export interface ProjectionStateRow extends ProjectionRegistryRow {
  position: number;
}

/** The noted builder cleared: a process no longer rebuilding. */
const NO_BUILDER = 'build_pid = NULL, build_host = NULL, build_started = NULL, build_dry = NULL';
/** No rebuild at all: no version being built, and no builder. */
const NO_BUILD = `building_version = NULL, building_position = NULL, ${NO_BUILDER}`;

const COLUMNS =
  'name, live_version, status, failure, building_version, building_position, schema, log_id, last_version, verify_pid, verify_host, verify_started, build_pid, build_host, build_started, build_dry';

/**
 * The `projection_state` table: for each projection, its live version, its failure if it
 * stopped, and the version a rebuild under way builds, with its progress. Checkpoints are kept
 * with each version's tables (VersionCheckpoints); the `position` column is that of releases
 * that kept them here.
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
      if (!columns.includes('last_version')) db.exec('ALTER TABLE projection_state ADD COLUMN last_version INTEGER');
      if (!columns.includes('verify_pid')) db.exec('ALTER TABLE projection_state ADD COLUMN verify_pid INTEGER');
      if (!columns.includes('verify_host')) db.exec('ALTER TABLE projection_state ADD COLUMN verify_host TEXT');
      if (!columns.includes('build_pid')) db.exec('ALTER TABLE projection_state ADD COLUMN build_pid INTEGER');
      if (!columns.includes('build_host')) db.exec('ALTER TABLE projection_state ADD COLUMN build_host TEXT');
      if (!columns.includes('verify_started')) db.exec('ALTER TABLE projection_state ADD COLUMN verify_started TEXT');
      if (!columns.includes('build_started')) db.exec('ALTER TABLE projection_state ADD COLUMN build_started TEXT');
      if (!columns.includes('build_dry')) db.exec('ALTER TABLE projection_state ADD COLUMN build_dry INTEGER');
    }).immediate();
    this.selectOne = db.prepare(`SELECT ${COLUMNS} FROM projection_state WHERE name = ?`);
    this.selectAll = db.prepare(`SELECT ${COLUMNS} FROM projection_state ORDER BY name`);
  }

  /** Registers a projection at version 1, position 0, when it is new. @returns whether it was new. */
  ensure(name: string, schema: string): boolean {
    const result = this.db
      .prepare(`INSERT OR IGNORE INTO projection_state (name, live_version, position, status, schema) VALUES (?, 1, 0, 'running', ?)`)
      .run(name, schema);
    return result.changes > 0;
  }

  get(name: string): ProjectionRegistryRow {
    const row = this.selectOne.get(name) as ProjectionRegistryRow | undefined;
    if (!row) throw new Error(`projection ${name} is not registered`);
    return row;
  }

  all(): ProjectionRegistryRow[] {
    return this.selectAll.all() as ProjectionRegistryRow[];
  }

  /** The number of the next version to build: above every version ever started. */
  nextVersion(name: string): number {
    const row = this.get(name);
    return Math.max(row.live_version, row.building_version ?? 0, row.last_version ?? 0) + 1;
  }

  /** The process that noted it is verifying the projection, alive or not; null when none did. */
  verifier(name: string): SyncOwner | null {
    const row = this.get(name);
    return row.verify_pid === null || row.verify_host === null ? null : owner(row.verify_pid, row.verify_host, row.verify_started);
  }

  /** Notes `owner` as the process verifying the projection (call in a transaction that checked `verifier`). */
  startVerifying(name: string, owner: SyncOwner): void {
    this.db.prepare('UPDATE projection_state SET verify_pid = ?, verify_host = ?, verify_started = ? WHERE name = ?').run(owner.pid, owner.host, owner.started ?? null, name);
  }

  /** Forgets `owner` as the projection's verifier; nothing when another process took over. */
  endVerifying(name: string, owner: SyncOwner): void {
    this.db
      .prepare('UPDATE projection_state SET verify_pid = NULL, verify_host = NULL, verify_started = NULL WHERE name = ? AND verify_pid = ? AND verify_host = ?')
      .run(name, owner.pid, owner.host);
  }

  fail(name: string, failure: ProjectionFailure): void {
    this.db.prepare(`UPDATE projection_state SET status = 'failed', failure = ? WHERE name = ?`).run(JSON.stringify(failure), name);
  }

  /**
   * Starts a projection over at a new version (new tables, from position 0), for tables whose
   * shape changed with the code: the old tables cannot be read by the new writers.
   */
  restart(name: string, version: number, schema: string): void {
    this.db
      .prepare(
        `UPDATE projection_state SET live_version = @version, last_version = MAX(COALESCE(last_version, 0), @version), status = 'running', failure = NULL,
         ${NO_BUILD}, schema = @schema WHERE name = @name`,
      )
      .run({ version, schema, name });
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

  /** Notes a rebuild into `version` started by `builder`; `dry` when it is a dry run, which swaps nothing in. */
  startBuilding(name: string, version: number, builder: SyncOwner, dry = false): void {
    this.db
      .prepare(
        `UPDATE projection_state SET building_version = @version, building_position = 0, last_version = MAX(COALESCE(last_version, 0), @version),
         build_pid = @pid, build_host = @host, build_started = @started, build_dry = @dry WHERE name = @name`,
      )
      .run({ version, name, pid: builder.pid, host: builder.host, started: builder.started ?? null, dry: dry ? 1 : null });
  }

  /** The process that last started or resumed the rebuild under way, alive or not; null when none is noted. */
  builder(name: string): SyncOwner | null {
    const row = this.get(name);
    return row.build_pid === null || row.build_host === null ? null : owner(row.build_pid, row.build_host, row.build_started);
  }

  /** Forgets `builder` as the projection's builder (its rebuild failed); nothing when another process is noted. */
  forgetBuilder(name: string, builder: SyncOwner): void {
    this.db
      .prepare(`UPDATE projection_state SET ${NO_BUILDER} WHERE name = ? AND build_pid = ? AND build_host = ?`)
      .run(name, builder.pid, builder.host);
  }

  /** Notes `builder` as the process building the projection (one that resumed an interrupted rebuild; `dry`: in a dry run). */
  noteBuilder(name: string, builder: SyncOwner, dry = false): void {
    this.db
      .prepare('UPDATE projection_state SET build_pid = ?, build_host = ?, build_started = ?, build_dry = ? WHERE name = ?')
      .run(builder.pid, builder.host, builder.started ?? null, dry ? 1 : null, name);
  }

  /**
   * Notes how far the rebuild into `version` has committed, for status readers (its checkpoint
   * proper is in its own file, which they must not wait for); nothing when that version is no
   * longer being built.
   */
  buildingProgress(name: string, version: number, position: number): void {
    this.db.prepare('UPDATE projection_state SET building_position = ? WHERE name = ? AND building_version = ?').run(position, name, version);
  }

  stopBuilding(name: string): void {
    this.db
      .prepare(`UPDATE projection_state SET ${NO_BUILD} WHERE name = ?`)
      .run(name);
  }

  /** Makes the rebuilt version live (its checkpoint comes with its tables): one statement, so readers see one or the other. */
  swap(name: string): void {
    this.db
      .prepare(
        `UPDATE projection_state SET live_version = building_version, status = 'running', failure = NULL,
         ${NO_BUILD}
         WHERE name = ? AND building_version IS NOT NULL`,
      )
      .run(name);
  }
}

function owner(pid: number, host: string, started: string | null): SyncOwner {
  return started === null ? { pid, host } : { pid, host, started };
}
