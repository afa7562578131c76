import {
  sameProcess,
  thisProcess,
  type EventStore,
  type ProjectionControl,
  type ProjectionFailure,
  type ProjectionProgress,
  type ProjectionRestart,
  type ProjectionStatus,
  type RebuildResult,
  type RecordedEvent,
  type UnfinishedRebuild,
  type VerifyResult,
} from '@roster-ledger/ledger';
import type { ProjectionStateRow } from './projection-registry';
import type { Db } from './read-model-database';
import { ReadModelFiles } from './read-model-files';
import { tableNamer, type SqliteProjection } from './sqlite-projection';
import { SQLITE_PROJECTIONS } from './projections/catalog';
import type { LiveProjections } from './readers/sqlite-read-models';
import { ProjectionFailed } from './control/projection-failed';
import { BatchFeeder } from './control/batch-feeder';
import { BULK_CATCH_UP_FROM, LiveCatchUp } from './control/live-catch-up';
import { ProjectionRebuild, type RebuildOptions } from './control/projection-rebuild';
import { ProjectionVerify } from './control/projection-verify';
import { TwoThreads, type CommitBarrier, type SecondThread } from './control/two-threads';
import { ProjectionVersions, VERIFY_VERSION } from './control/projection-versions';
import { buildLock, verifyLock, WorkLocks } from './control/work-locks';
import { fingerprintOf, schemaOf, shapeOf } from './control/projection-fingerprint';

export { ProjectionFailed };
export type { CommitBarrier, RebuildOptions, SecondThread };

export interface BulkOptions {
  /**
   * Events per transaction when building tables nobody reads yet (rebuilds, verifications, a
   * catch-up from far behind). Every commit writes each page the batch touched, so fewer, larger
   * batches write the pages of tables keyed in another order than the log (accounts by id,
   * enrollments by section) fewer times over. Default 50,000.
   */
  bulkBatchSize?: number;
  /**
   * A live read model with at least this many events to fold, and more to fold than it already
   * has (a first import, a new read model, a term rollover on a small ledger), catches up by a
   * rebuild beside it: a bulk load without secondary indexes, indexed once and swapped in, is
   * several times faster than folding into the live, indexed tables. Default 100,000
   * (BULK_CATCH_UP_FROM). Infinity: this process folds live only (serve's runner, whose thread
   * answers requests), and leaves a read model that far behind to another process rebuilding it
   * (see LiveCatchUp.buildingElsewhere).
   */
  bulkCatchUpFrom?: number;
  /**
   * The fewest events a live read model must be behind for a catch-up to be split between this
   * thread and the second one (when there is one): below it, starting the other thread (about
   * half a second) costs more than it saves. Default 20,000.
   */
  twoThreadCatchUpFrom?: number;
}

/**
 * Runs the SQLite read models: feeds them the log in batches, each batch in one transaction with
 * the checkpoints; stops a projection at an event it cannot fold (never skips it) and says which;
 * rebuilds a projection into new tables beside the live ones and swaps them in one statement.
 *
 * It starts the read models up (a shape changed, a log replaced: started over) and tells their
 * status; the work itself is its parts' (./control): LiveCatchUp, ProjectionRebuild and
 * ProjectionVerify, which feed the log through BatchFeeder into the versions ProjectionVersions
 * keeps, on this thread or split with a second one by TwoThreads.
 */
export class SqliteProjectionControl implements ProjectionControl, LiveProjections {
  private readonly clock: () => Date;
  private readonly files: ReadModelFiles;
  private readonly versions: ProjectionVersions;
  private readonly feeder: BatchFeeder;
  /** The lock files of the verifies and rebuilds this process runs (see WorkLocks.workHeldAlive). */
  private readonly locks: WorkLocks;
  private readonly twoThreads: TwoThreads;
  private readonly liveCatchUp: LiveCatchUp;
  private readonly projectionRebuild: ProjectionRebuild;
  private readonly projectionVerify: ProjectionVerify;
  private readonly restarts: ProjectionRestart[] = [];

  /**
   * @param files where each projection's tables are: a connection given alone holds them all
   * @param options.secondThread a second thread for rebuilds and large catch-ups of several projections, when each has a file of its own
   */
  constructor(
    files: Db | ReadModelFiles,
    private readonly store: EventStore,
    private readonly projections: readonly SqliteProjection[] = SQLITE_PROJECTIONS,
    batchSize = 5_000,
    options: BulkOptions & { clock?: () => Date; secondThread?: SecondThread } = {},
  ) {
    this.files = files instanceof ReadModelFiles ? files : ReadModelFiles.single(files);
    this.locks = new WorkLocks(this.files);
    this.clock = options.clock ?? (() => new Date());
    const bulkBatchSize = options.bulkBatchSize ?? 50_000;
    this.versions = new ProjectionVersions(this.files, projections);
    this.feeder = new BatchFeeder(store, this.versions, batchSize, this.clock);
    this.twoThreads = new TwoThreads(options.secondThread ?? null, this.versions, batchSize, bulkBatchSize);
    this.liveCatchUp = new LiveCatchUp(
      store,
      this.versions,
      this.feeder,
      this.twoThreads,
      this.locks,
      // through this façade: a bulk catch-up rebuilds, and a rebuild catches up, so neither part can be made first with the other
      (names, rebuildOptions) => this.rebuild(names, rebuildOptions),
      options.bulkCatchUpFrom ?? BULK_CATCH_UP_FROM,
      options.twoThreadCatchUpFrom ?? 20_000,
    );
    this.projectionRebuild = new ProjectionRebuild(this.versions, this.feeder, this.liveCatchUp, this.twoThreads, this.locks, this.clock, bulkBatchSize);
    this.projectionVerify = new ProjectionVerify(this.versions, this.feeder, this.liveCatchUp, this.twoThreads, this.locks, bulkBatchSize);
    const emptied: Db[] = [];
    this.versions.inTransactions(projections, (p, db) => {
      const schema = schemaOf(p);
      this.versions.registryOf(p).ensure(p.name, schema);
      // tables in the state file: a release that kept every version there; rebuilt into files of their own
      const formerLayout = this.files.separate && this.dropFormerLayout(p, db);
      if (formerLayout) emptied.push(db);
      let row = this.versions.stateOf(p);
      const live = fingerprintOf(this.versions.tablesDb(p, row.live_version), p, row.live_version);
      // a shape never recorded (a ledger file from before shapes were) is what the tables show,
      // filled as content version 1 (nothing older had another)
      const recorded = row.schema ?? live;
      // tables dropped from outside while the checkpoint stayed: nothing to resume from
      const lost = live === null && row.position > 0;
      const reason = formerLayout
        ? 'an earlier release kept its tables in its state file'
        : lost
          ? 'its tables were missing (deleted from outside)'
          : (recorded !== null && shapeOf(recorded) !== shapeOf(schema)) || (live !== null && live !== shapeOf(schema))
            ? 'this release stores it in tables of another shape'
            : recorded !== null && recorded !== schema
              ? 'this release fills its tables differently from the same events'
              : null;
      if (reason !== null) {
        // this code cannot use the live tables: start the projection over, from the log
        row = this.startOver(p, row, schema, reason);
      } else if (row.schema === null) this.versions.registryOf(p).setSchema(p.name, schema);
      // versions neither live nor being built: left by a process killed between a swap and the old
      // version's deletion, or by a verify killed before it dropped its scratch version
      const verifier = this.versions.registryOf(p).verifier(p.name);
      const verifying = verifier !== null && this.locks.workHeldAlive(verifier, verifyLock(p));
      if (verifier !== null && !verifying) this.versions.registryOf(p).endVerifying(p.name, verifier);
      this.files.dropStrayVersions(p.name, [row.live_version, row.building_version, verifying ? VERIFY_VERSION : null]);
      p.create(this.versions.tablesDb(p, row.live_version), tableNamer(p.name, row.live_version));
      // made live while another connection kept it in a rollback journal (see ReadModelFiles.journalFor)
      this.files.journalFor(p.name, row.live_version, 'live');
      // a restart gives a failed projection another try from its checkpoint
      if (row.status === 'failed') this.versions.registryOf(p).retry(p.name);
    });
    // a state file that held the tables is free pages but for one row: given back to the disk
    for (const db of emptied) {
      try {
        db.exec('VACUUM');
      } catch {
        // another process is reading it: it stays that size, which costs nothing but the disk
      }
    }
  }

  /**
   * Drops a projection's tables and starts it over at a new version from position 0 (inside the
   * caller's transaction). Returns its new state row.
   */
  private startOver(p: SqliteProjection, row: ProjectionStateRow, schema: string, reason: string): ProjectionStateRow {
    this.restarts.push({ name: p.name, reason, ...(p.category === undefined ? {} : { category: p.category }) });
    this.versions.dropVersion(p, row.live_version);
    if (row.building_version !== null) this.versions.dropVersion(p, row.building_version);
    this.versions.registryOf(p).restart(p.name, this.versions.registryOf(p).nextVersion(p.name), schema);
    this.versions.forgetLive(p.name);
    return this.versions.stateOf(p);
  }

  /**
   * Drops the tables a release before version files kept in a projection's state file (inside
   * the caller's transaction). Returns whether there were any: the projection then starts over.
   */
  private dropFormerLayout(p: SqliteProjection, db: Db): boolean {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE ? ESCAPE '\\'").pluck().all(`rm\\_${p.name}\\_%`) as string[];
    for (const table of tables) db.exec(`DROP TABLE IF EXISTS "${table}"`);
    return tables.length > 0;
  }

  /**
   * Starts over, from this log, every read model folded from another one: a read model's file
   * outlives a ledger file deleted or replaced beside it, and its checkpoint would claim events of
   * this log it never saw. A read model knows its log by the id of the log's first event (noted
   * here when it has none yet); one whose checkpoint is past this log's head is another log's too.
   * Run once, before anything reads.
   */
  async adoptLog(): Promise<void> {
    let first: RecordedEvent | undefined;
    for await (const event of this.store.readAll({ after: 0, maxCount: 1 })) first = event;
    const head = await this.store.headPosition();
    this.versions.inTransactions(this.projections, (p) => {
      let row = this.versions.stateOf(p);
      const otherLog = row.position > head || (row.log_id !== null && row.log_id !== first?.id);
      if (otherLog) {
        row = this.startOver(p, row, schemaOf(p), 'it was folded from another ledger file (one deleted or replaced beside it)');
        p.create(this.versions.tablesDb(p, row.live_version), tableNamer(p.name, row.live_version));
      }
      if (first !== undefined && row.log_id !== first.id) this.versions.registryOf(p).setLog(p.name, first.id);
    });
  }

  names(): string[] {
    return this.versions.names();
  }

  foldedElsewhere(): boolean {
    return this.liveCatchUp.foldedElsewhere();
  }

  rebuiltInBulk(): string[] {
    return this.liveCatchUp.rebuiltInBulk();
  }

  startedOver(): ProjectionRestart[] {
    return [...this.restarts];
  }

  /**
   * The live version of a projection: readers resolve their table names with it, on every query
   * (see ProjectionVersions.liveVersion).
   */
  liveVersion(name: string): number {
    return this.versions.liveVersion(name);
  }

  stopped(name: string): boolean {
    return this.versions.stopped(name);
  }

  /**
   * Lets go of every version a swap replaced, here or in another process, for a process that may
   * sit idle (a server without requests or new events): until then it holds the deleted files open
   * and their disk space is not given back. Cheap when nothing changed (one `data_version` read per
   * read model).
   */
  followSwaps(): void {
    for (const p of this.projections) this.liveVersion(p.name);
  }

  checkpointTable(name: string, version: number): string {
    return this.files.checkpointTableOnReader(name, version);
  }

  roundsTable(): string | null {
    return this.files.roundsTableOnReader();
  }

  /** The log position a projection's live version has folded up to. */
  checkpoint(name: string): number {
    return this.versions.stateOf(name).position;
  }

  async status(): Promise<ProjectionStatus[]> {
    const head = await this.store.headPosition();
    const now = this.clock().getTime();
    const result: ProjectionStatus[] = [];
    for (const p of this.projections) {
      const row = { ...this.versions.stateOf(p), position: this.visibleCheckpoint(p) };
      let seconds = 0;
      if (row.position < head) {
        for await (const next of this.store.readAll({ after: row.position, maxCount: 1 })) {
          seconds = Math.max(0, (now - Date.parse(next.recordedAt)) / 1000);
        }
      }
      result.push({
        name: p.name,
        description: p.description,
        version: row.live_version,
        position: row.position,
        head,
        lag: { events: Math.max(0, head - row.position), seconds: Math.round(seconds * 10) / 10 },
        status: row.status,
        failure: row.failure ? (JSON.parse(row.failure) as ProjectionFailure) : null,
        rebuilding: row.building_version === null ? null : this.rebuildUnderWay(p, row.building_version, row.building_position ?? 0, { position: row.position, head, status: row.status }),
      });
    }
    return result;
  }

  /**
   * The checkpoint of a projection's live version that queries see: the last committed. A live
   * fold here holds what it folded uncommitted until the end of the sync (see LiveCatchUp.foldLive).
   */
  private visibleCheckpoint(p: SqliteProjection): number {
    const version = this.liveVersion(p.name);
    if (!this.files.separate) return this.versions.checkpointOf(p, version);
    const position = this.files.reader.prepare(`SELECT position FROM ${this.checkpointTable(p.name, version)} WHERE name = ? AND version = ?`).pluck().get(p.name, version);
    return (position as number | undefined) ?? 0;
  }

  /** A rebuild noted in the registry, with its builder and whether that process may still be at it. */
  private rebuildUnderWay(p: SqliteProjection, version: number, position: number, live: { position: number; head: number; status: string }): UnfinishedRebuild {
    const builder = this.versions.registryOf(p).builder(p.name);
    return {
      version,
      position,
      builder: builder === null ? null : { pid: builder.pid, host: builder.host },
      underWay: builder !== null && this.locks.workHeldAlive(builder, buildLock(p)),
      // a failed read model is left out of catch-ups until it is mended: only a rebuild resumes its build
      resumedBy: live.status === 'running' && this.liveCatchUp.farBehind(live.position, live.head) ? 'catch-up' : 'rebuild',
    };
  }

  /**
   * Brings every live read model up to the head of the log as it is now, or to `until` with the
   * `barrier` of the thread that split a catch-up with this one (see LiveCatchUp.catchUp).
   */
  catchUp(
    onProgress?: (p: ProjectionProgress) => void,
    interrupted?: () => boolean,
    options: { until?: number; barrier?: CommitBarrier } = {},
  ): Promise<number> {
    return this.liveCatchUp.catchUp(onProgress, interrupted, options);
  }

  /** Folds events already read from a live subscription into the live models (see LiveCatchUp.applyLive). */
  applyLive(events: RecordedEvent[], interrupted?: () => boolean): Promise<void> {
    return this.liveCatchUp.applyLive(events, interrupted);
  }

  /**
   * Rebuilds projections beside their live versions and swaps each in once it has caught up (see
   * ProjectionRebuild.rebuild); a dry run compares them with the live versions instead.
   */
  rebuild(names: string[], options: RebuildOptions = {}): Promise<RebuildResult> {
    return this.projectionRebuild.rebuild(names, options);
  }

  /**
   * Compares each live read model with a rebuild from the log up to its checkpoint, after a
   * catch-up (see ProjectionVerify.verify).
   */
  verify(names: string[], onProgress?: (p: ProjectionProgress) => void): Promise<VerifyResult[]> {
    return this.projectionVerify.verify(names, onProgress);
  }

  /**
   * `verify` without the catch-up: each read model at its live checkpoint as it is, on this
   * thread (see ProjectionVerify.verifyCaughtUp).
   */
  verifyCaughtUp(
    names: string[],
    onProgress?: (p: ProjectionProgress) => void,
    options: { bulkBatchSize?: number; claimed?: boolean } = {},
  ): Promise<VerifyResult[]> {
    return this.projectionVerify.verifyCaughtUp(names, onProgress, options);
  }

  /**
   * Forgets the verifies and rebuilds this process is noted as running whose lock files none of
   * its threads holds: the thread that ran one ended without noting its end (it crashed). Other
   * processes of this host judge this one by its id, alive, and would take that work for under
   * way until it ended (a verify and a dry run refused, a rebuild shown under way). Call when no
   * thread of this process verifies or rebuilds (a server's job thread has exited). An
   * interrupted build stays, for the next rebuild to resume.
   */
  forgetEndedWork(): void {
    const me = thisProcess();
    for (const p of this.projections) {
      const registry = this.versions.registryOf(p);
      const verifier = registry.verifier(p.name);
      if (verifier !== null && sameProcess(verifier, me) && !this.locks.heldAnywhere(verifyLock(p))) registry.endVerifying(p.name, me);
      const builder = registry.builder(p.name);
      if (builder !== null && sameProcess(builder, me) && !this.locks.heldAnywhere(buildLock(p))) registry.forgetBuilder(p.name, me);
    }
  }
}
