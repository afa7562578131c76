import { parentPort, workerData } from 'node:worker_threads';
import type { ProjectionProgress } from '@roster-ledger/ledger';
import { SqliteEventStore, SqliteLedgerDatabase } from '@roster-ledger/event-store';
import { ProjectionFailed, ReadModelFiles, SqliteProjectionControl, SQLITE_PROJECTIONS, type CommitBarrier } from '@roster-ledger/read-models';
import type { CommitDecision, ProjectionBuildMessage, ProjectionBuildRequest } from './projection-build';

/** This half of a catch-up commits, or of a rebuild swaps, when the thread that started it says so (its half is done too). */
function parentDecides(post: (message: ProjectionBuildMessage) => void): CommitBarrier {
  return {
    ready: () =>
      new Promise<boolean>((resolve) => {
        parentPort!.once('message', (message: CommitDecision) => resolve(message.commit));
        post({ type: 'ready' });
      }),
    decided: () => undefined,
  };
}

/** Rebuilds or catches up the projections asked for, reading the log and writing their files on connections of its own. */
async function run(request: ProjectionBuildRequest, post: (message: ProjectionBuildMessage) => void): Promise<void> {
  // it reads the log in order, no page twice: the page cache the ledger's writers need is memory for nothing here
  const ledger = new SqliteLedgerDatabase(request.dbPath, { pageCacheMiB: 8 });
  const files = ReadModelFiles.beside(request.dbPath, request.names);
  try {
    const projections = SQLITE_PROJECTIONS.filter((p) => request.names.includes(p.name));
    const control = new SqliteProjectionControl(files, new SqliteEventStore(ledger), projections, undefined, {
      ...(request.kind === 'rebuild' ? { bulkBatchSize: request.bulkBatchSize } : {}),
    });
    const onProgress = (progress: ProjectionProgress) => post({ type: 'progress', progress });
    const result =
      request.kind === 'rebuild'
        ? await control.rebuild(request.names, { dryRun: request.dryRun, onProgress, beforeSwap: parentDecides(post).ready })
        : await control.catchUp(onProgress, undefined, { until: request.until, barrier: parentDecides(post) });
    post({ type: 'done', result });
  } finally {
    files.close();
    ledger.close();
  }
}

if (parentPort) {
  const port = parentPort;
  const post = (message: ProjectionBuildMessage) => port.postMessage(message);
  run((workerData as { data: ProjectionBuildRequest }).data, post).catch((error: unknown) =>
    post(
      error instanceof ProjectionFailed
        ? { type: 'stopped', projection: error.projection, failure: error.failure }
        : { type: 'failed', message: error instanceof Error ? error.message : String(error) },
    ),
  );
}
