import { UnknownProjection } from '@roster-ledger/ledger';
import type { Statement } from 'better-sqlite3';
import { ProjectionRegistry, type ProjectionStateRow } from '../projection-registry';
import { VersionCheckpoints } from '../version-checkpoints';
import type { Db } from '../read-model-database';
import type { ReadModelFiles } from '../read-model-files';
import { tableNamer, type SqliteProjection } from '../sqlite-projection';
import type { Target } from './fold-target';
import { groupBy } from './group-by';
import { dropTables } from './version-tables';
import { WriterCache, writerKey } from './writer-cache';

/** The version number scratch builds for `verify` use; live versions start at 1. */
export const VERIFY_VERSION = 0;

/**
 * The read models' versions as this process sees them: each projection's registry row and the
 * checkpoints of its versions, the connections to their files, the writers that fold into them,
 * and the live version readers resolve their table names with. What the catch-up, the rebuild
 * and the verify share.
 */
export class ProjectionVersions {
  private readonly registries = new Map<Db, ProjectionRegistry>();
  private readonly dataVersions = new Map<Db, Statement>();
  /** Each projection's live version, with the data version of its file when it was read. */
  private readonly liveVersions = new Map<string, { version: number; at: number; stopped: boolean }>();
  readonly writers = new WriterCache();
  private readonly byName: Map<string, SqliteProjection>;
  /** Inside a state file's transaction: the versions to delete once it commits. */
  private dropsAfterCommit: (() => void)[] | null = null;

  /**
   * @param files where each projection's tables are
   * @param projections every projection this process runs
   */
  constructor(
    readonly files: ReadModelFiles,
    readonly projections: readonly SqliteProjection[],
  ) {
    this.byName = new Map(projections.map((p) => [p.name, p]));
    for (const p of projections) {
      const db = this.dbOf(p);
      if (!this.registries.has(db)) {
        this.registries.set(db, new ProjectionRegistry(db));
        this.dataVersions.set(db, db.prepare('PRAGMA data_version').pluck());
      }
    }
  }

  names(): string[] {
    return this.projections.map((p) => p.name);
  }

  /** The connection to a projection's state file (its registry row). */
  private dbOf(p: SqliteProjection): Db {
    return this.files.of(p.name);
  }

  /** The connection to one version of a projection's tables, with that version's checkpoint. */
  tablesDb(p: SqliteProjection, version: number): Db {
    return this.files.tablesOf(p.name, version);
  }

  /**
   * A projection's registry row, with the checkpoint of its live version and the progress a
   * rebuild under way noted in the state file after its last commit. Never the rebuild's own
   * checkpoint: its file is in rollback-journal mode, whose writer locks readers out while it
   * writes, and queries and status reads must not wait for a build.
   */
  stateOf(p: SqliteProjection | string): ProjectionStateRow {
    const projection = typeof p === 'string' ? this.named(p) : p;
    const row = this.registryOf(projection).get(projection.name);
    return { ...row, position: this.checkpointOf(projection, row.live_version) };
  }

  checkpointOf(p: SqliteProjection, version: number): number {
    return VersionCheckpoints.of(this.tablesDb(p, version)).get(p.name, version);
  }

  /** A checkpoint mover for one version, to call inside the transaction on its tables' file. */
  checkpointer(p: SqliteProjection, version: number): (position: number) => void {
    const checkpoints = VersionCheckpoints.of(this.tablesDb(p, version));
    return (position) => checkpoints.set(p.name, version, position);
  }

  registryOf(p: SqliteProjection | string): ProjectionRegistry {
    const projection = typeof p === 'string' ? this.named(p) : p;
    return this.registries.get(this.dbOf(projection))!;
  }

  /**
   * Runs `fn` for each projection inside one immediate transaction per state file (all of them in
   * one when they share a file), holding each projection's registry row while it runs. A crash
   * between two files' commits leaves each file whole.
   */
  inTransactions(projections: readonly SqliteProjection[], fn: (p: SqliteProjection, db: Db) => void): void {
    for (const [db, group] of groupBy(projections, (p) => this.dbOf(p))) {
      this.dropsAfterCommit = [];
      try {
        db.transaction(() => {
          for (const p of group) fn(p, db);
        }).immediate();
      } catch (error) {
        this.dropsAfterCommit = null;
        throw error;
      }
      // a version's file goes only once the state file no longer names it: killed before the
      // commit, the state file still points at a whole file
      const drops = this.dropsAfterCommit;
      this.dropsAfterCommit = null;
      for (const drop of drops) drop();
    }
  }

  /** Targets by the file of the version they write: one transaction each per batch. */
  byFile(targets: readonly Target[]): Map<Db, Target[]> {
    return groupBy(targets, (t) => this.tablesDb(t.projection, t.version));
  }

  /**
   * Forgets this process's connections and writers of a projection's versions other than those
   * given: another process may have swapped a rebuild in and deleted the version it replaced.
   */
  private forgetOtherVersions(p: SqliteProjection, keep: readonly (number | null)[]): void {
    this.writers.forgetOtherVersions(p.name, keep);
    this.files.closeOtherVersions(p.name, keep);
  }

  /**
   * The live version of a projection: readers resolve their table names with it, on every query.
   * Kept in memory until the file changes: SQLite's data_version moves when another connection
   * commits (a rebuild in another process may have swapped), and this connection's own swaps
   * forget it too.
   */
  liveVersion(name: string): number {
    const p = this.named(name);
    const at = this.dataVersions.get(this.dbOf(p))!.get() as number;
    const known = this.liveVersions.get(name);
    if (known !== undefined && known.at === at) return known.version;
    const row = this.registryOf(p).get(name);
    const version = row.live_version;
    // a swap seen for the first time here, or one made since: the versions it replaced are deleted files
    if (known === undefined || known.version !== version) {
      this.forgetOtherVersions(p, [version, row.building_version, VERIFY_VERSION]);
      this.checkpointOf(p, version); // (which makes its table, for readers to read)
    }
    this.files.showLive(name, version);
    this.liveVersions.set(name, { version, at, stopped: row.status === 'failed' });
    return version;
  }

  stopped(name: string): boolean {
    this.liveVersion(name);
    return this.liveVersions.get(name)!.stopped;
  }

  /** The projections named, each once, in the order first named (a name given twice is one read model). */
  resolve(names: string[]): SqliteProjection[] {
    return [...new Set(names)].map((n) => this.named(n));
  }

  named(name: string): SqliteProjection {
    const p = this.byName.get(name);
    if (!p) throw new UnknownProjection(name, this.names());
    return p;
  }

  liveTargets(projections: readonly SqliteProjection[] = this.projections): Target[] {
    return projections.flatMap((p) => {
      const row = this.stateOf(p);
      this.forgetOtherVersions(p, [row.live_version, row.building_version, VERIFY_VERSION]);
      if (row.status === 'failed') return [];
      const version = row.live_version;
      return [this.target(p, version, row.position, this.checkpointer(p, version), () => this.storedLive(p, version))];
    });
  }

  target(
    p: SqliteProjection,
    version: number,
    position: number,
    checkpoint: (pos: number) => void,
    stored: () => number | null,
  ): Target {
    const key = writerKey(p.name, version);
    const writer = this.writers.writerOf(key, () => p.writer(this.tablesDb(p, version), tableNamer(p.name, version)));
    return { projection: p, version, position, writer, key, stored, checkpoint, failure: null };
  }

  /** The stored checkpoint of a projection's live version, or null when `version` is no longer live. */
  private storedLive(p: SqliteProjection, version: number): number | null {
    return this.registryOf(p).get(p.name).live_version === version ? this.checkpointOf(p, version) : null;
  }

  /** The stored checkpoint of a rebuild into `version`, or null when that version is no longer being built. */
  storedBuilding(p: SqliteProjection, version: number): number | null {
    return this.registryOf(p).get(p.name).building_version === version ? this.checkpointOf(p, version) : null;
  }

  /** Commits several read-model files in a commit round (see CommitRounds). */
  inCommitRound(commit: () => void): void {
    if (this.files.rounds === null) commit();
    else this.files.rounds.around(commit);
  }

  /**
   * Deletes one version of a projection's tables and its checkpoint (its file, when versions have
   * files), and its writer here. Inside a state file's transaction a version the state file names
   * goes once that transaction has committed (`once unnamed`); `now` is for a version it does not
   * name (a leftover of a killed process) or one whose file is gone already.
   */
  dropVersion(p: SqliteProjection, version: number, when: 'once unnamed' | 'now' = 'once unnamed'): void {
    if (this.dropsAfterCommit !== null && when === 'once unnamed') {
      this.dropsAfterCommit.push(() => this.dropVersion(p, version));
      return;
    }
    this.writers.forget(writerKey(p.name, version));
    this.files.dropVersion(p.name, version, (db) => {
      dropTables(db, p, version);
      VersionCheckpoints.of(db).delete(p.name, version);
    });
  }

  /** Forgets the live version read of a projection, for liveVersion to read it again (after a swap, or a failure noted). */
  forgetLive(name: string): void {
    this.liveVersions.delete(name);
  }
}
