import { RebuildUnderWay, liveElsewhere, thisProcess, type ProjectionProgress, type RebuildResult } from '@roster-ledger/ledger';
import type { SyncOwner } from '@roster-ledger/domain';
import { setTimeout as sleep } from 'node:timers/promises';
import { withSortsOnDisk } from '../read-model-database';
import { tableNamer, type SqliteProjection } from '../sqlite-projection';
import type { BatchFeeder } from './batch-feeder';
import type { Target } from './fold-target';
import type { LiveCatchUp } from './live-catch-up';
import { fingerprintOf } from './projection-fingerprint';
import type { ProjectionVersions } from './projection-versions';
import { deferred, type TwoThreads } from './two-threads';
import { compareTable, dropSecondaryIndexes } from './version-tables';
import { buildLock, type WorkLocks } from './work-locks';

/**
 * A rebuild's options. `beforeSwap` is awaited before the swap: it resolves once the other
 * thread's half is built (true: swap) or has failed (false: this half is left built and not
 * swapped, for the next rebuild to resume at once, so that the halves never go live apart).
 */
export interface RebuildOptions {
  dryRun?: boolean;
  onProgress?: (p: ProjectionProgress) => void;
  beforeSwap?: () => Promise<boolean>;
}

/** How long a rebuild waits for a process that holds a projection's build file to note its build (then joins it). */
const BUILD_NOTED_WAIT_MS = 5_000;
const BUILD_NOTED_POLL_MS = 50;

/**
 * Rebuilds projections into new versions beside the live ones, bulk-loaded without secondary
 * indexes, and swaps them in one statement; or, for a dry run, compares them with the live ones.
 */
export class ProjectionRebuild {
  /**
   * @param bulkBatchSize events per batch of a bulk load on one thread (see BulkOptions)
   */
  constructor(
    private readonly versions: ProjectionVersions,
    private readonly feeder: BatchFeeder,
    private readonly liveCatchUp: LiveCatchUp,
    private readonly twoThreads: TwoThreads,
    private readonly locks: WorkLocks,
    private readonly clock: () => Date,
    private readonly bulkBatchSize: number,
  ) {}

  /**
   * Rebuilds projections beside their live versions and swaps each in once it has caught up. On
   * two threads, the halves swap together: the first to be built waits for the other, this
   * thread's half swaps, then the other's, so readers do not meet one half rebuilt and the other
   * not for longer than a moment (see SqliteReadModels.read).
   */
  async rebuild(names: string[], options: RebuildOptions = {}): Promise<RebuildResult> {
    const projections = this.versions.resolve(names);
    if (!options.dryRun) {
      const result = await this.rebuildOf(projections, options);
      // (a second thread's half, swapped at its caller's word: that caller folds both halves)
      if (!result.swapped || options.beforeSwap !== undefined) return result;
      // What the log gained after the build reached its head (while its indexes were made and it
      // swapped): an import's catch-up meanwhile folded that into the versions the swap replaced.
      // Folded into the new ones now, so that the rebuild leaves its read models at the head it
      // reports, not behind the import that said they were up to date.
      return { ...result, events: result.events + (await this.liveCatchUp.foldLive(projections)) };
    }
    // a dry run compares with the live versions at the head: brought there first, as any command
    // reading them would, in bulk when far behind (see LiveCatchUp.catchUpInBulk). Caught up after
    // the build instead, a bulk catch-up would resume the dry run's own copy and swap it in.
    const rebuiltFirst = await this.liveCatchUp.catchUpOf(projections, options.onProgress);
    return { ...(await this.rebuildOf(projections, options)), rebuiltFirst };
  }

  private async rebuildOf(projections: SqliteProjection[], options: RebuildOptions): Promise<RebuildResult> {
    if (!this.twoThreads.canSplit(projections)) return this.rebuildHere(projections, options);
    const started = this.clock().getTime();
    // each resolves true once its half is built (this thread's: swapped), false once it failed
    const theirs = deferred<boolean>();
    const mine = deferred<boolean>();
    // one commit round for both halves' swaps (see LiveCatchUp.foldAll)
    let round: number | null = null;
    const bothBuilt = async () => {
      const built = await theirs.promise;
      if (built) round = this.versions.files.rounds?.begin() ?? null;
      return built;
    };
    const merged = await this.twoThreads.runHalves(
      projections,
      // each thread's writers hold what a batch changed until its commit: half the batch each
      // keeps the two within one's memory
      (here, onProgress) =>
        this.rebuildHere(here, { ...options, onProgress, beforeSwap: bothBuilt }, this.twoThreads.halfBulkBatch()).then(
          (result) => {
            mine.resolve(result.swapped);
            return result;
          },
          (error: unknown) => {
            mine.resolve(false);
            throw error;
          },
        ),
      (names, onProgress) =>
        this.twoThreads.second!.rebuild(names, {
          dryRun: options.dryRun === true,
          bulkBatchSize: this.twoThreads.halfBulkBatch(),
          onProgress,
          beforeSwap: () => {
            theirs.resolve(true);
            return mine.promise;
          },
        }).finally(() => theirs.resolve(false)), // (ended without being built: failed)
      options.onProgress,
    );
    // (left noted when a swap failed part-way: see LiveCatchUp.foldAll)
    if (round !== null) this.versions.files.rounds!.end(round);
    return {
      projections: projections.map((p) => p.name),
      version: inOrder(projections, merged.map((r) => r.version)),
      resumedFrom: inOrder(projections, merged.map((r) => r.resumedFrom)),
      joined: Object.assign({}, ...merged.map((r) => r.joined)) as Record<string, SyncOwner>,
      events: Math.max(...merged.map((r) => r.events)),
      seconds: (this.clock().getTime() - started) / 1000,
      swapped: merged.every((r) => r.swapped),
      ...(options.dryRun
        ? { differences: inOrder(projections, merged.map((r) => r.differences ?? {})), kept: projections.map((p) => p.name).filter((name) => merged.some((r) => r.kept?.includes(name))) }
        : {}),
    };
  }

  /**
   * Rebuilds on this thread, holding each projection's build lock file while it builds (see
   * WorkLocks.workHeldAlive): one whose file another live process holds is that process's build,
   * joined.
   */
  private async rebuildHere(
    projections: SqliteProjection[],
    options: RebuildOptions,
    bulkBatchSize = this.bulkBatchSize,
  ): Promise<RebuildResult> {
    const taken = new Set<string>();
    try {
      for (const p of projections) if (await this.locks.take(buildLock(p))) taken.add(p.name);
      // a build file another process holds: its build, joined once it has noted it (a moment after)
      const othersStarting = () => projections.filter((p) => !taken.has(p.name) && this.versions.stateOf(p).building_version === null);
      for (const giveUpAt = Date.now() + BUILD_NOTED_WAIT_MS; othersStarting().length > 0 && Date.now() < giveUpAt; ) await sleep(BUILD_NOTED_POLL_MS);
      return await this.rebuildHolding(projections, options, bulkBatchSize, taken);
    } finally {
      for (const name of taken) this.locks.release(buildLock(this.versions.named(name)));
    }
  }

  private async rebuildHolding(
    projections: SqliteProjection[],
    options: RebuildOptions,
    bulkBatchSize: number,
    /**
     * The projections whose build lock files this process took (all, in one connection): nobody
     * else's build is under way there. A joined build whose builder ends is added (see takeOverJoined).
     */
    taken: Set<string>,
  ): Promise<RebuildResult> {
    const started = this.clock().getTime();
    // the version each projection is built into here: started now, or an interrupted one resumed
    const builtInto: Record<string, number> = {};
    const resumedFrom: Record<string, number> = {};
    const joined: Record<string, SyncOwner> = {};
    const resumed = new Set<string>();
    const me = thisProcess();
    this.versions.inTransactions(projections, (p) => {
      const row = this.versions.registryOf(p).get(p.name);
      if (row.building_version !== null && fingerprintOf(this.versions.tablesDb(p, row.building_version), p, row.building_version) !== null) {
        builtInto[p.name] = row.building_version; // an interrupted rebuild resumes where it stopped
        resumedFrom[p.name] = this.versions.checkpointOf(p, row.building_version);
        resumed.add(p.name);
        // ... or one another live process is running is joined, not taken for interrupted: the
        // build file held by another process says so, whatever the row says (it may lag the file)
        const builder = this.versions.registryOf(p).builder(p.name);
        const noted = liveElsewhere(builder) ? builder : null;
        if (!taken.has(p.name) || (noted !== null && this.locks.atWorkElsewhere(noted, true))) {
          // a dry run compares a version no one else is building: that process would swap it in,
          // perhaps while the comparison reads it
          if (options.dryRun) throw new RebuildUnderWay(p.name, noted);
          if (noted !== null) joined[p.name] = noted;
        } else this.versions.registryOf(p).noteBuilder(p.name, me, options.dryRun === true);
        return;
      }
      // another process holds the build file and has not noted its build: it is starting one
      if (!taken.has(p.name)) throw new RebuildUnderWay(p.name, null, 'it has only just started it, so there is no build to join yet');
      // a build whose file is gone (deleted from outside) is started again, under a new number
      if (row.building_version !== null) this.versions.dropVersion(p, row.building_version, 'now');
      resumedFrom[p.name] = 0;
      const version = this.versions.registryOf(p).nextVersion(p.name);
      this.versions.dropVersion(p, version, 'now'); // what a process killed before it recorded the start left
      p.create(this.versions.tablesDb(p, version), tableNamer(p.name, version));
      dropSecondaryIndexes(this.versions.tablesDb(p, version), p, version);
      this.versions.registryOf(p).startBuilding(p.name, version, me, options.dryRun === true);
      builtInto[p.name] = version;
    });
    // Another process may build the same version at the same time (two catch-ups after one large
    // import): the writers take a replay in their stride, and whichever finishes first swaps. The
    // other must then leave the version alone: it is live, and its old tables are gone.
    const stillBuilding = (p: SqliteProjection) => this.versions.registryOf(p).get(p.name).building_version === builtInto[p.name];
    const building = (): Target[] => {
      this.takeOverJoined(projections.filter((p) => !taken.has(p.name) && stillBuilding(p)), builtInto, taken, me);
      return projections.filter(stillBuilding).map((p) => {
        const version = builtInto[p.name]!;
        const target = this.versions.target(p, version, this.versions.checkpointOf(p, version), this.versions.checkpointer(p, version), () => this.versions.storedBuilding(p, version));
        target.committed = (position) => this.versions.registryOf(p).buildingProgress(p.name, version, position);
        return target;
      });
    };
    for (const p of projections) this.versions.files.journalFor(p.name, builtInto[p.name]!, 'bulk load');
    let events: number;
    try {
      events = await this.feeder.feed(building, undefined, options.onProgress, true, bulkBatchSize);
      // the secondary indexes, dropped for the bulk load, are built once now, before anyone reads
      for (const p of projections) {
        if (!stillBuilding(p)) continue;
        const db = this.versions.tablesDb(p, builtInto[p.name]!);
        withSortsOnDisk(db, () => db.transaction(() => p.create(db, tableNamer(p.name, builtInto[p.name]!))).immediate());
        this.versions.files.journalFor(p.name, builtInto[p.name]!, 'live');
      }
    } catch (error) {
      // the build stays, to be resumed by the next rebuild, which must not take it for this process's
      for (const p of projections) this.versions.registryOf(p).forgetBuilder(p.name, me);
      throw error;
    }
    const seconds = (this.clock().getTime() - started) / 1000;

    if (options.dryRun) {
      // what the log gained while this built (the live versions were caught up first: see rebuild)
      await this.liveCatchUp.foldLive(projections);
      const differences: Record<string, number> = {};
      this.versions.inTransactions(projections, (p) => {
        if (!stillBuilding(p)) return;
        const row = this.versions.stateOf(p);
        differences[p.name] = row.position === this.versions.checkpointOf(p, builtInto[p.name]!) ? this.compare(p, row.live_version, builtInto[p.name]!) : -1;
        // an interrupted rebuild it finished stays, for the next rebuild to resume at the head and
        // swap in: a dry run must not undo work it did not start (minutes of it, at a million students)
        if (resumed.has(p.name)) this.versions.registryOf(p).forgetBuilder(p.name, me);
        else this.versions.registryOf(p).stopBuilding(p.name);
      });
      for (const p of projections) if (differences[p.name] !== undefined && !resumed.has(p.name)) this.versions.dropVersion(p, builtInto[p.name]!);
      const kept = projections.filter((p) => differences[p.name] !== undefined && resumed.has(p.name)).map((p) => p.name);
      return { projections: projections.map((p) => p.name), version: builtInto, resumedFrom, joined, events, seconds, swapped: false, differences, kept };
    }
    // the other thread's half swaps right after this one, in the round the caller notes (see rebuild)
    if (options.beforeSwap !== undefined && !(await options.beforeSwap())) {
      // the other half failed: this one stays built, and the next rebuild resumes it at the head
      for (const p of projections) this.versions.registryOf(p).forgetBuilder(p.name, me);
      return { projections: projections.map((p) => p.name), version: builtInto, resumedFrom, joined, events, seconds, swapped: false };
    }
    const replaced = new Map<SqliteProjection, number>();
    const swap = () =>
      this.versions.inTransactions(projections, (p) => {
        if (!stillBuilding(p)) return;
        replaced.set(p, this.versions.registryOf(p).get(p.name).live_version);
        this.versions.registryOf(p).swap(p.name);
      });
    if (options.beforeSwap === undefined) this.versions.inCommitRound(swap);
    else swap();
    // once the swap is committed: a version nobody reads any more
    for (const [p, old] of replaced) this.versions.dropVersion(p, old);
    for (const p of projections) this.versions.forgetLive(p.name);
    return { projections: projections.map((p) => p.name), version: builtInto, resumedFrom, joined, events, seconds, swapped: true };
  }

  /**
   * Takes the build file of each joined build whose builder has let go of it (it ended: killed,
   * or its container stopped): the build goes on as this process's, noted so, and is seen at
   * work by others (a dry run elsewhere would otherwise take it for interrupted and drop it).
   * Looked at before each batch; a file that cannot be taken now is looked at again then.
   */
  private takeOverJoined(joined: readonly SqliteProjection[], builtInto: Record<string, number>, taken: Set<string>, me: SyncOwner): void {
    for (const p of joined) {
      let took = false;
      try {
        took = this.locks.tryTake(buildLock(p));
      } catch {
        // (the folder cannot be read now: looked at again before the next batch)
      }
      if (!took) continue;
      taken.add(p.name);
      // (unless the builder swapped it in and let go a moment ago: then there is no build to note)
      this.versions.inTransactions([p], () => {
        if (this.versions.registryOf(p).get(p.name).building_version === builtInto[p.name]) this.versions.registryOf(p).noteBuilder(p.name, me);
      });
    }
  }

  /** Rows in one version of a projection's tables and not in the other, both ways, over all its tables. */
  private compare(p: SqliteProjection, a: number, b: number): number {
    return this.versions.files.withBoth(p.name, a, b, (db) => withSortsOnDisk(db, () => p.tables.reduce((sum, table) => sum + compareTable(db, p, table, a, b), 0)));
  }
}

/** Both halves' figures per projection as one record, in the order the projections were asked for. */
function inOrder(projections: readonly SqliteProjection[], halves: Record<string, number>[]): Record<string, number> {
  const all: Record<string, number> = Object.assign({}, ...halves);
  return Object.fromEntries(projections.filter((p) => p.name in all).map((p) => [p.name, all[p.name]!]));
}
