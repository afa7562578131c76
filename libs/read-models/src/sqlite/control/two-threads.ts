import type { ProjectionProgress, RebuildResult, VerifyResult } from '@roster-ledger/ledger';
import type { SqliteProjection } from '../sqlite-projection';
import type { ProjectionVersions } from './projection-versions';

/**
 * Another thread that folds projections on connections of its own to the same files: a rebuild
 * or a large catch-up here gives it half of the projections. Each call resolves with its result
 * and rejects with its error, a projection that stopped at an event as a ProjectionFailed.
 */
export interface SecondThread {
  /** Rebuilds, and awaits `beforeSwap` before it swaps its half in (or, when it says false, leaves it built). */
  rebuild(
    names: string[],
    options: { dryRun: boolean; bulkBatchSize: number; onProgress: (p: ProjectionProgress) => void; beforeSwap: () => Promise<boolean> },
  ): Promise<RebuildResult>;
  /**
   * Folds up to `until`, then holds its transactions until `beforeCommit` says whether to commit
   * them (true) or roll them back (false): the two halves of a catch-up become visible together.
   * `stop` ends it between batches, rolled back (this thread's half was stopped). `bulkCatchUpFrom`
   * is the asking thread's own (see BulkOptions): a half that rebuilt in bulk while the other
   * folded live would swap in outside the commit round of the two.
   */
  catchUp(
    names: string[],
    options: { until: number; bulkCatchUpFrom: number; onProgress: (p: ProjectionProgress) => void; beforeCommit: () => Promise<boolean>; stop: AbortSignal },
  ): Promise<number>;
  /**
   * Verifies its half at the live checkpoints, as they are: the asking thread caught up, and
   * claimed the half as its own (see ProjectionVerify.verify).
   */
  verify(names: string[], options: { bulkBatchSize: number; onProgress: (p: ProjectionProgress) => void }): Promise<VerifyResult[]>;
}

/**
 * How a live fold held open on two threads commits: `ready` resolves once the other half is
 * folded too (true) or has failed (false); `decided` tells the other half what this one did.
 */
export interface CommitBarrier {
  ready(): Promise<boolean>;
  decided(committed: boolean): void;
}

/**
 * This thread and, when there is one, a second thread folding projections beside it: a rebuild,
 * a verify or a large catch-up of several projections, each in a file of its own, gives the
 * second thread half of them.
 */
export class TwoThreads {
  /**
   * @param second the second thread, or null for this thread alone
   * @param batchSize events per live batch (see BatchFeeder.feed)
   * @param bulkBatchSize events per bulk batch on one thread (see BulkOptions)
   */
  constructor(
    readonly second: SecondThread | null,
    private readonly versions: ProjectionVersions,
    private readonly batchSize: number,
    private readonly bulkBatchSize: number,
  ) {}

  /** Whether these projections may be split between this thread and a second one: several, each in a file of its own. */
  canSplit(projections: readonly SqliteProjection[]): boolean {
    return this.second !== null && this.versions.files.separate && projections.length > 1;
  }

  /**
   * The bulk batch of each of two threads building at once: each thread's writers hold what a
   * batch changed until its commit, and half the batch each keeps the two within one's memory.
   */
  halfBulkBatch(): number {
    return Math.max(this.batchSize, Math.ceil(this.bulkBatchSize / 2));
  }

  /**
   * Splits the projections in two halves of about the same work (`rebuildWeight`): this thread
   * folds one while the second thread folds the other, each reading the log itself and writing
   * its own files. Progress is the slower half's. Both results, this thread's first.
   */
  async runHalves<T>(
    projections: readonly SqliteProjection[],
    here: (projections: SqliteProjection[], onProgress: (p: ProjectionProgress) => void) => Promise<T>,
    there: (names: string[], onProgress: (p: ProjectionProgress) => void) => Promise<T>,
    onProgress: ((p: ProjectionProgress) => void) | undefined,
  ): Promise<[T, T]> {
    const [mine, theirs] = splitByWeight(projections);
    const latest = new Map<string, ProjectionProgress>();
    const report = (half: string) => (progress: ProjectionProgress) => {
      latest.set(half, progress);
      // until both have reported, one half done would show the whole as done
      if (onProgress && latest.size === 2) onProgress(slowest([...latest.values()]));
    };
    const elsewhere = there(
      theirs.map((p) => p.name),
      report('there'),
    ).then(
      (result) => ({ result }),
      (error: unknown) => ({ error }),
    );
    let local: T;
    try {
      local = await here(mine, report('here'));
    } finally {
      // never leave the other thread writing unobserved, whatever happened here
      await elsewhere;
    }
    const remote = await elsewhere;
    if ('error' in remote) throw remote.error;
    // the other thread's swaps were made on other connections: look the live versions up again
    for (const p of theirs) this.versions.forgetLive(p.name);
    return [local, remote.result];
  }
}

/**
 * Two halves of about the same rebuild work: the heaviest first, each to the lighter half. The
 * first half is never empty.
 */
function splitByWeight(projections: readonly SqliteProjection[]): [SqliteProjection[], SqliteProjection[]] {
  const halves: [SqliteProjection[], SqliteProjection[]] = [[], []];
  const weights = [0, 0];
  const weightOf = (p: SqliteProjection) => p.rebuildWeight ?? 1;
  for (const p of [...projections].sort((a, b) => weightOf(b) - weightOf(a))) {
    const lighter = weights[0]! <= weights[1]! ? 0 : 1;
    halves[lighter].push(p);
    weights[lighter]! += weightOf(p);
  }
  return halves;
}

/** The progress of two builds as one: where the one further behind is. */
function slowest(parts: ProjectionProgress[]): ProjectionProgress {
  const behind = parts.reduce((a, b) => (b.position < a.position ? b : a));
  return {
    ...behind,
    projections: parts.flatMap((p) => p.projections),
    eventsPerSecond: Math.min(...parts.map((p) => p.eventsPerSecond)),
    etaSeconds: parts.some((p) => p.etaSeconds === null) ? null : Math.max(...parts.map((p) => p.etaSeconds!)),
  };
}

/** A promise with its resolve at hand; resolving it again does nothing. */
export function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
