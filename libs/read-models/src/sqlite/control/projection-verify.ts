import { VerifyUnderWay, liveElsewhere, thisProcess, type ProjectionProgress, type VerifyResult } from '@roster-ledger/ledger';
import { withSortsOnDisk } from '../read-model-database';
import { tableNamer, type SqliteProjection } from '../sqlite-projection';
import type { BatchFeeder } from './batch-feeder';
import { groupBy } from './group-by';
import type { LiveCatchUp } from './live-catch-up';
import { VERIFY_VERSION, type ProjectionVersions } from './projection-versions';
import type { TwoThreads } from './two-threads';
import { compareTable, dropSecondaryIndexes } from './version-tables';
import { verifyLock, type WorkLocks } from './work-locks';

/**
 * Verifies read models: builds each again from the log in a scratch version, up to the live
 * version's checkpoint, and compares the two, with this process noted as the verifier (one
 * verify of a projection at a time: they share the scratch version).
 */
export class ProjectionVerify {
  /**
   * @param bulkBatchSize events per batch of a scratch build on one thread (see BulkOptions)
   */
  constructor(
    private readonly versions: ProjectionVersions,
    private readonly feeder: BatchFeeder,
    private readonly liveCatchUp: LiveCatchUp,
    private readonly twoThreads: TwoThreads,
    private readonly locks: WorkLocks,
    private readonly bulkBatchSize: number,
  ) {}

  /**
   * Compares each live read model with a rebuild from the log up to its checkpoint, after a
   * catch-up: half of them on the second thread when there is one, as a rebuild does.
   */
  async verify(names: string[], onProgress?: (p: ProjectionProgress) => void): Promise<VerifyResult[]> {
    const projections = this.versions.resolve(names);
    await this.liveCatchUp.catchUp();
    if (!this.twoThreads.canSplit(projections)) return this.verifyCaughtUp(names, onProgress);
    // this thread claims both halves (their lock files, their rows) before either builds anything:
    // a verify another process has under way in any of them is refused here, not after one half
    // has built its copies; the other thread builds its half under this thread's claim
    const halves = await this.whileVerifying(projections, () =>
      this.twoThreads.runHalves(
        projections,
        (here, progress) => this.verifyEach(here, progress, this.twoThreads.halfBulkBatch()),
        (there, progress) => this.twoThreads.second!.verify(there, { bulkBatchSize: this.twoThreads.halfBulkBatch(), onProgress: progress }),
        onProgress,
      ),
    );
    const results = new Map(halves.flat().map((r) => [r.projection, r]));
    return projections.map((p) => results.get(p.name)!);
  }

  /**
   * `verify` without the catch-up: each read model at its live checkpoint as it is, on this
   * thread. `claimed`: the second thread's half of a verify, whose asking thread caught up and
   * claimed both halves (see `verify`).
   */
  async verifyCaughtUp(
    names: string[],
    onProgress?: (p: ProjectionProgress) => void,
    options: { bulkBatchSize?: number; claimed?: boolean } = {},
  ): Promise<VerifyResult[]> {
    const projections = this.versions.resolve(names);
    const build = () => this.verifyEach(projections, onProgress, options.bulkBatchSize ?? this.bulkBatchSize);
    return options.claimed ? build() : this.whileVerifying(projections, build);
  }

  /** Runs `work` with this process noted as the verifier of each projection, holding their verify lock files. */
  private async whileVerifying<T>(projections: readonly SqliteProjection[], work: () => Promise<T>): Promise<T> {
    const me = thisProcess();
    const taken: SqliteProjection[] = [];
    try {
      await this.startVerifying(projections, me, taken);
      try {
        return await work();
      } finally {
        this.versions.inTransactions(projections, (p) => this.versions.registryOf(p).endVerifying(p.name, me));
      }
    } finally {
      for (const p of taken) this.locks.release(verifyLock(p));
    }
  }

  /**
   * Notes this process as the verifier of each projection, or of none: another live process
   * verifying one of them builds into the same scratch version, and each would drop the other's.
   */
  private async startVerifying(projections: readonly SqliteProjection[], me: { pid: number; host: string }, taken: SqliteProjection[]): Promise<void> {
    const claimed: SqliteProjection[] = [];
    try {
      for (const p of projections) {
        // a verify file another live process holds: that process verifies it (its row may lag its file)
        const free = await this.locks.take(verifyLock(p));
        if (free) taken.push(p);
        this.versions.inTransactions([p], () => {
          this.refuseVerifyUnderWay(p, free);
          this.versions.registryOf(p).startVerifying(p.name, me);
        });
        claimed.push(p);
      }
    } catch (error) {
      this.versions.inTransactions(claimed, (p) => this.versions.registryOf(p).endVerifying(p.name, me));
      throw error;
    }
  }

  /**
   * Throws VerifyUnderWay when another live process verifies the projection: its verify lock file
   * is not `free`, or the verifier noted is at work (see WorkLocks.atWorkElsewhere).
   */
  private refuseVerifyUnderWay(p: SqliteProjection, free: boolean): void {
    const other = this.versions.registryOf(p).verifier(p.name);
    const noted = liveElsewhere(other) ? other : null;
    if (!free || (noted !== null && this.locks.atWorkElsewhere(noted, free))) throw new VerifyUnderWay(p.name, noted);
  }

  /**
   * Builds each projection again in its scratch version up to its live checkpoint, and compares
   * the two. The projections at one checkpoint (after the catch-up, all of them) are built in one
   * pass over the log, as a rebuild builds them: reading the log is a good part of the work.
   */
  private async verifyEach(projections: readonly SqliteProjection[], onProgress: ((p: ProjectionProgress) => void) | undefined, bulkBatchSize: number): Promise<VerifyResult[]> {
    const built = new Map(projections.map((p) => [p.name, 0]));
    const scratch = (p: SqliteProjection) => this.versions.target(p, VERIFY_VERSION, built.get(p.name)!, (at) => built.set(p.name, at), () => built.get(p.name)!);
    for (const p of projections) {
      this.versions.dropVersion(p, VERIFY_VERSION);
      p.create(this.versions.tablesDb(p, VERIFY_VERSION), tableNamer(p.name, VERIFY_VERSION));
      dropSecondaryIndexes(this.versions.tablesDb(p, VERIFY_VERSION), p, VERIFY_VERSION);
    }
    const liveAt = (p: SqliteProjection) => this.versions.stateOf(p).position;
    for (const [position, group] of groupBy(projections, liveAt)) {
      await this.feeder.feed(() => group.map(scratch), position, onProgress, true, bulkBatchSize);
    }
    const results: VerifyResult[] = [];
    for (const p of projections) {
      // the live read model may have folded on while the copies were built (a sync another
      // process folds): the copy follows it there, and the two are compared at one moment
      for (;;) {
        const live = this.versions.registryOf(p).get(p.name);
        const compared = this.versions.files.withBoth(p.name, live.live_version, VERIFY_VERSION, (db) =>
          withSortsOnDisk(db, () =>
            db.transaction(() => {
              const position = this.versions.checkpointOf(p, live.live_version);
              if (position > built.get(p.name)!) return { position, differences: null };
              const differences: Record<string, number> = {};
              for (const table of p.tables) differences[table] = compareTable(db, p, table, live.live_version, VERIFY_VERSION);
              return { position, differences };
            })(),
          ),
        );
        if (compared.differences === null) {
          await this.feeder.feed(() => [scratch(p)], compared.position, onProgress, true, bulkBatchSize);
          continue;
        }
        results.push({ projection: p.name, position: compared.position, differences: compared.differences, equal: Object.values(compared.differences).every((d) => d === 0) });
        break;
      }
    }
    // (a verify that failed leaves its scratch versions to the next one, which drops them first)
    for (const p of projections) this.versions.dropVersion(p, VERIFY_VERSION);
    return results;
  }
}
