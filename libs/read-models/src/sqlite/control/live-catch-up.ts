import { isBusy, liveElsewhere, type EventStore, type ProjectionProgress, type RebuildResult, type RecordedEvent } from '@roster-ledger/ledger';
import type { Db } from '../read-model-database';
import type { SqliteProjection } from '../sqlite-projection';
import type { BatchFeeder } from './batch-feeder';
import type { Target } from './fold-target';
import { ProjectionFailed } from './projection-failed';
import type { ProjectionVersions } from './projection-versions';
import { deferred, type CommitBarrier, type TwoThreads } from './two-threads';
import { buildLock, type WorkLocks } from './work-locks';

/** How far behind a live read model is caught up by a rebuild beside it, by default (see BulkOptions.bulkCatchUpFrom). */
export const BULK_CATCH_UP_FROM = 100_000;

/**
 * How long a live fold waits for read-model files another connection is writing before it leaves
 * them to it: the other is folding the same log (`serve`'s runner folding a large sync, say), and
 * a command should not wait minutes for it.
 */
const HOLD_WAIT_MS = 1_000;

/** Whether a read model at `position` has at least `from` events to fold up to `head`, and more than it has folded. */
function farBehind(position: number, head: number, from: number): boolean {
  return head - position >= from && head - position > position;
}

/**
 * Brings the live read models up to the head of the log: folded live, in batches held open to the
 * end of a sync when each has a file of its own, on two threads when far enough behind, or
 * rebuilt beside them in bulk when very far behind (see BulkOptions).
 */
export class LiveCatchUp {
  /**
   * Whether the last catch-up found a read model's file written by another connection and left
   * the read models to it (see holdAll): a runner waits before it tries again.
   */
  private heldElsewhere = false;
  /** The read models the last catch-up rebuilt in bulk beside their live versions and swapped in (see catchUpInBulk). */
  private rebuiltByCatchUp: string[] = [];

  /**
   * @param rebuild rebuilds projections and swaps them in (see SqliteProjectionControl.rebuild)
   * @param bulkCatchUpFrom see BulkOptions.bulkCatchUpFrom
   * @param twoThreadCatchUpFrom see BulkOptions.twoThreadCatchUpFrom
   */
  constructor(
    private readonly store: EventStore,
    private readonly versions: ProjectionVersions,
    private readonly feeder: BatchFeeder,
    private readonly twoThreads: TwoThreads,
    private readonly locks: WorkLocks,
    private readonly rebuild: (names: string[], options: { onProgress?: (p: ProjectionProgress) => void }) => Promise<RebuildResult>,
    private readonly bulkCatchUpFrom: number,
    private readonly twoThreadCatchUpFrom: number,
  ) {}

  /** Whether the last catch-up left the read models to another connection writing them (see holdAll). */
  foldedElsewhere(): boolean {
    return this.heldElsewhere;
  }

  /** The read models the last catch-up rebuilt in bulk and swapped in. */
  rebuiltInBulk(): string[] {
    return [...this.rebuiltByCatchUp];
  }

  /** Whether a live read model at `position` is so far behind `head` that a catch-up rebuilds it in bulk (see catchUpInBulk). */
  farBehind(position: number, head: number): boolean {
    return farBehind(position, head, this.bulkCatchUpFrom);
  }

  /**
   * Brings every live read model up to the head of the log as it is now (see foldLive), or to
   * `until` with the `barrier` of the thread that split a catch-up with this one. `interrupted` is
   * asked between the batches this thread folds: when it says so, the catch-up ends there and
   * what it folded is rolled back (both halves), as a runner being stopped asks; a bulk rebuild
   * runs to its end.
   */
  async catchUp(
    onProgress?: (p: ProjectionProgress) => void,
    interrupted?: () => boolean,
    options: { until?: number; barrier?: CommitBarrier } = {},
  ): Promise<number> {
    this.heldElsewhere = false;
    this.rebuiltByCatchUp = [];
    const rebuilt = await this.catchUpInBulk(this.versions.projections, onProgress);
    this.rebuiltByCatchUp = rebuilt.names;
    // the head as read now is the end of an append, so of a whole sync: the fold stops there
    const until = options.until ?? (await this.store.headPosition());
    if (this.bulkCatchUpFrom === Infinity) {
      // asked at the start and between batches: the process that appended a large sync starts
      // its rebuild a moment after its append, which is when this fold starts too
      const far = this.versions.liveTargets().filter((t) => farBehind(t.position, until, BULK_CATCH_UP_FROM));
      let left = this.buildingElsewhere(far);
      const asked = interrupted;
      interrupted = () => asked?.() === true || left || (left = this.buildingElsewhere(far));
      const folded = left ? 0 : await this.foldAll(onProgress, interrupted, until, options.barrier);
      // (a fold that committed folded events: a builder noted after it is too late to leave it to)
      if (!left || folded > 0) return folded;
      this.heldElsewhere = true;
      return 0;
    }
    return rebuilt.events + (await this.foldAll(onProgress, interrupted, until, options.barrier));
  }

  /**
   * Whether another live process is rebuilding every one of these read models to swap it in (a
   * command's catch-up after a large sync: see catchUpInBulk). Its swaps will replace the versions
   * a live fold here would write into, so such a fold is left to it, and noted in `heldElsewhere`
   * (the runner looks again a second later; a builder that dies is no longer at work, and the fold
   * is made here). Folding meanwhile would be the same sync folded twice, on the two cores the
   * rebuild needs. A dry run swaps nothing in, and a read model nobody rebuilds is folded here,
   * so with either the fold is made here, all of it (the read models stay at one sync).
   */
  private buildingElsewhere(targets: readonly Target[]): boolean {
    return (
      targets.length > 0 &&
      targets.every(({ projection: p }) => {
        const row = this.versions.registryOf(p).get(p.name);
        if (row.building_version === null || row.build_dry === 1) return false;
        const builder = this.versions.registryOf(p).builder(p.name);
        return liveElsewhere(builder) && this.locks.workHeldAlive(builder, buildLock(p));
      })
    );
  }

  /** Folds every live read model up to `until`, on two threads when it is far enough behind (see catchUp). */
  private async foldAll(onProgress: ((p: ProjectionProgress) => void) | undefined, interrupted: (() => boolean) | undefined, until: number, barrier: CommitBarrier | undefined): Promise<number> {
    const behind = Math.max(0, ...this.versions.liveTargets().map((t) => until - t.position));
    if (!this.twoThreads.canSplit(this.versions.projections) || behind < this.twoThreadCatchUpFrom) {
      return this.foldLive(this.versions.projections, onProgress, interrupted, until, barrier);
    }
    const theirs = deferred<boolean>();
    const mine = deferred<boolean>();
    // this thread stopped (a runner being stopped): the other half stops too, between its batches
    const stop = new AbortController();
    // one commit round for both halves: from before this thread's commits to after the other's
    let round: number | null = null;
    const bothFolded = async () => {
      const folded = await theirs.promise;
      // (the other half could not hold its files: another process is folding them)
      if (!folded) this.heldElsewhere = true;
      else round = this.versions.files.rounds?.begin() ?? null;
      return folded;
    };
    const [here, there] = await this.twoThreads.runHalves(
      this.versions.projections,
      (projections, progress) =>
        this.foldLive(projections, progress, interrupted, until, { ready: bothFolded, decided: mine.resolve }).finally(() => {
          if (interrupted?.()) stop.abort();
        }),
      (names, progress) =>
        this.twoThreads.second!.catchUp(names, {
          until,
          bulkCatchUpFrom: this.bulkCatchUpFrom,
          onProgress: (p) => {
            progress(p);
            // asked after each of its batches too: this thread may be waiting for it, folded
            if (interrupted?.()) stop.abort();
          },
          stop: stop.signal,
          beforeCommit: () => {
            theirs.resolve(true);
            return mine.promise;
          },
        }).then(
          (folded) => {
            theirs.resolve(false); // ended without asking to commit: stopped, or another process holds its files
            return folded;
          },
          (error: unknown) => {
            theirs.resolve(false);
            throw error;
          },
        ),
      onProgress,
    );
    // a round whose commits failed part-way is left noted, so readers go on comparing: the next round here deletes it
    if (round !== null) this.versions.files.rounds!.end(round);
    return Math.max(here, there);
  }

  /** Catches these projections up (see catchUp); gives the ones it rebuilt in bulk. */
  async catchUpOf(projections: readonly SqliteProjection[], onProgress?: (p: ProjectionProgress) => void): Promise<string[]> {
    const rebuilt = await this.catchUpInBulk(projections, onProgress);
    await this.foldLive(projections, onProgress);
    return rebuilt.names;
  }

  /**
   * Folds what the live versions of these projections have not folded yet, in live batches, up to
   * `until` (the end of an append). With a file per projection, each file's batches go into one
   * transaction held open to the end, so readers see each read model before the fold or after
   * it, never in between (a sync of a whole district in part), while the thread is let go between
   * batches. A stop asked for (`interrupted`), a failure or the other half's failure rolls it
   * all back: the next catch-up folds it again. A read model whose file another connection is
   * writing is left to it (see HOLD_WAIT_MS).
   */
  async foldLive(
    projections: readonly SqliteProjection[],
    onProgress?: (p: ProjectionProgress) => void,
    interrupted?: () => boolean,
    until?: number,
    barrier?: CommitBarrier,
  ): Promise<number> {
    if (!this.versions.files.separate) {
      barrier?.decided(true);
      return this.feeder.feed(() => this.versions.liveTargets(projections), until, onProgress, false, null, interrupted);
    }
    const end = until ?? (await this.store.headPosition());
    let held: Db[] = [];
    let committed = false;
    try {
      held = await this.holdAll([...this.versions.byFile(this.versions.liveTargets(projections).filter((t) => t.position < end)).keys()]);
      if (held.length === 0 && this.heldElsewhere) return 0;
      // only the versions held: one another process swaps in meanwhile is folded by the next catch-up
      const holding = new Set(held);
      const targets = () => this.versions.liveTargets(projections).filter((t) => holding.has(this.versions.tablesDb(t.projection, t.version)));
      const applied = await this.feeder.feed(targets, end, onProgress, false, null, interrupted, held);
      // (not asked again once the barrier is passed: to a second thread's half, ready means the
      // first half has committed)
      if (interrupted?.() || (barrier !== undefined && !(await barrier.ready()))) return 0;
      const commit = () => {
        for (const db of held) db.exec('COMMIT');
      };
      // a barrier's owner notes the round of both halves (see foldAll); one file needs none
      if (barrier === undefined && held.length > 1) this.versions.inCommitRound(commit);
      else commit();
      committed = true;
      return applied;
    } finally {
      if (!committed) {
        for (const db of held) if (db.inTransaction) db.exec('ROLLBACK');
        // what the writers keep in memory is of the rolled-back batches
        this.versions.writers.resetAll();
      }
      barrier?.decided(committed);
    }
  }

  /**
   * Opens the write transaction a live fold holds on each of these files, or on none: when
   * another connection writes one of them (another process folding the same log: `serve`'s runner
   * folding a large sync, say), all are let go, tried again for HOLD_WAIT_MS, and then left to it,
   * noted in `heldElsewhere`. Folding the others would leave the read models at different syncs
   * outside any commit round. Waits without holding the thread up.
   */
  private async holdAll(dbs: readonly Db[]): Promise<Db[]> {
    const giveUpAt = Date.now() + HOLD_WAIT_MS;
    for (;;) {
      const held: Db[] = [];
      for (const db of dbs) {
        // a fold of this process already holds it (a catch-up started while another is under way)
        if (db.inTransaction || !this.tryBegin(db)) break;
        held.push(db);
      }
      if (held.length === dbs.length) {
        this.heldElsewhere = false;
        return held;
      }
      for (const db of held) db.exec('ROLLBACK');
      if (Date.now() >= giveUpAt) {
        this.heldElsewhere = true;
        return [];
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /** BEGIN IMMEDIATE without waiting for another connection's write lock: false when it holds one. */
  private tryBegin(db: Db): boolean {
    const timeout = db.pragma('busy_timeout', { simple: true }) as number;
    db.pragma('busy_timeout = 0');
    try {
      db.exec('BEGIN IMMEDIATE');
      return true;
    } catch (error) {
      if (isBusy(error)) return false;
      throw error;
    } finally {
      db.pragma(`busy_timeout = ${timeout}`);
    }
  }

  /**
   * Rebuilds the live read models that are far behind (see `bulkCatchUpFrom`); the live version
   * keeps answering until the swap. One that stops at an event is left to the live catch-up,
   * which stops at the same event and records why, as for any live read model.
   */
  private async catchUpInBulk(projections: readonly SqliteProjection[], onProgress?: (p: ProjectionProgress) => void): Promise<{ events: number; names: string[] }> {
    const stopped = new Set<string>();
    for (;;) {
      const head = await this.store.headPosition();
      // a rebuild left half done (a killed import's catch-up, or a rebuild) is resumed, not redone
      const far = this.versions.liveTargets(projections)
        .filter((t) => this.farBehind(t.position, head))
        .map((t) => t.projection.name)
        .filter((name) => !stopped.has(name));
      if (far.length === 0) return { events: 0, names: [] };
      try {
        const { events } = await this.rebuild(far, { onProgress });
        return { events, names: far };
      } catch (error) {
        if (!(error instanceof ProjectionFailed)) throw error;
        // that one is left to the live catch-up, which stops it at the same event and records why;
        // the others resume their bulk build from where it stopped
        stopped.add(error.projection);
        this.versions.inTransactions(this.versions.resolve([error.projection]), (p) => {
          const row = this.versions.registryOf(p).get(p.name);
          if (row.building_version === null) return;
          this.versions.registryOf(p).stopBuilding(p.name);
          this.versions.dropVersion(p, row.building_version);
        });
      }
    }
  }

  /**
   * Folds events already read (from a live subscription) into the live models. When a model's
   * checkpoint is behind the first of them (a rebuild swapped in a version meanwhile, or another
   * process wrote), it catches up from the log instead, so no event is ever skipped.
   */
  async applyLive(events: RecordedEvent[], interrupted?: () => boolean): Promise<void> {
    const first = events[0];
    if (!first) return;
    const targets = this.versions.liveTargets();
    // an append read in part (the subscription's batch ended inside it) would show a sync in part
    const partOfAppend = events[events.length - 1]!.position < (await this.store.headPosition());
    if (partOfAppend || targets.some((t) => t.position < first.position - 1)) {
      await this.catchUp(undefined, interrupted);
      return;
    }
    this.versions.inCommitRound(() => this.feeder.applyBatch(targets, events));
  }
}
