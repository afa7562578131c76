import { parentPort, workerData } from 'node:worker_threads';
import { RebuildUnderWay, type ProjectionProgress } from '@roster-ledger/ledger';
import { SqliteEventStore, SqliteLedgerDatabase } from '@roster-ledger/event-store';
import { ProjectionFailed, ReadModelFiles, SqliteProjectionControl, SQLITE_PROJECTIONS, type CommitBarrier } from '@roster-ledger/read-models';
import type { ProjectionBuildMessage, ProjectionBuildOrder, ProjectionBuildRequest } from './projection-build';

/**
 * What the thread that started this one orders: this half of a catch-up commits, or of a rebuild
 * swaps, when it says so (its half is done too); a catch-up stops between batches when told to.
 */
class Orders {
  stopped = false;
  private decide: ((commit: boolean) => void) | null = null;

  private readonly listener = (order: ProjectionBuildOrder) => {
    if (order.type === 'stop') this.stopped = true;
    else this.decide?.(order.commit);
  };

  constructor(private readonly post: (message: ProjectionBuildMessage) => void) {
    parentPort!.on('message', this.listener);
  }

  /** Stops listening: a port with a listener keeps the thread from ending. */
  close(): void {
    parentPort!.off('message', this.listener);
  }

  readonly barrier: CommitBarrier = {
    ready: () =>
      new Promise<boolean>((resolve) => {
        this.decide = resolve;
        this.post({ type: 'ready' });
      }),
    decided: () => undefined,
  };
}

/** Rebuilds, catches up or verifies the projections asked for, reading the log and writing their files on connections of its own. */
async function run(request: ProjectionBuildRequest, post: (message: ProjectionBuildMessage) => void): Promise<void> {
  // it reads the log in order, no page twice: the page cache the ledger's writers need is memory for nothing here
  const ledger = new SqliteLedgerDatabase(request.dbPath, { pageCacheMiB: 8 });
  const files = ReadModelFiles.beside(request.dbPath, request.names);
  try {
    const projections = SQLITE_PROJECTIONS.filter((p) => request.names.includes(p.name));
    const control = new SqliteProjectionControl(files, new SqliteEventStore(ledger), projections, undefined, {
      // a catch-up's half rebuilds in bulk only when the thread that asked would (a server's does not)
      ...(request.kind === 'catchUp' ? { bulkCatchUpFrom: request.bulkCatchUpFrom } : { bulkBatchSize: request.bulkBatchSize }),
    });
    const onProgress = (progress: ProjectionProgress) => post({ type: 'progress', progress });
    const orders = new Orders(post);
    try {
      const result =
        request.kind === 'rebuild'
          ? await control.rebuild(request.names, { dryRun: request.dryRun, onProgress, beforeSwap: orders.barrier.ready })
          : request.kind === 'verify'
            ? await control.verifyCaughtUp(request.names, onProgress, { claimed: true })
            : await control.catchUp(onProgress, () => orders.stopped, { until: request.until, barrier: orders.barrier });
      post({ type: 'done', result });
    } finally {
      orders.close();
    }
  } finally {
    files.close();
    ledger.close();
  }
}

/** What an error this thread ended with is told as: those its starter handles by their kind keep it. */
function messageOf(error: unknown): ProjectionBuildMessage {
  if (error instanceof ProjectionFailed) return { type: 'stopped', projection: error.projection, failure: error.failure };
  if (error instanceof RebuildUnderWay) return { type: 'underWay', projection: error.projection, owner: error.owner, why: error.why };
  return { type: 'failed', message: error instanceof Error ? error.message : String(error) };
}

if (parentPort) {
  const port = parentPort;
  const post = (message: ProjectionBuildMessage) => port.postMessage(message);
  run((workerData as { data: ProjectionBuildRequest }).data, post).catch((error: unknown) => post(messageOf(error)));
}
