import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { startSourceWorker, type ProjectionFailure, type ProjectionProgress, type RebuildResult } from '@roster-ledger/ledger';
import { ProjectionFailed, type SecondThread } from '@roster-ledger/read-models';

export type ProjectionBuildRequest =
  | { kind: 'rebuild'; dbPath: string; names: string[]; dryRun: boolean; bulkBatchSize: number }
  | { kind: 'catchUp'; dbPath: string; names: string[] };

export type ProjectionBuildMessage =
  | { type: 'progress'; progress: ProjectionProgress }
  | { type: 'done'; result: RebuildResult | number }
  | { type: 'stopped'; projection: string; failure: ProjectionFailure }
  | { type: 'failed'; message: string };

/** The process's ReadModelsSecondThread, for a command that knows a large catch-up is coming. */
export const READ_MODELS_SECOND_THREAD = Symbol('READ_MODELS_SECOND_THREAD');

/** A SecondThread that can be started ahead of its first job, and must then be closed. */
export interface ReadModelsSecondThread extends SecondThread {
  /**
   * Starts the thread now, to wait for its job: loading its code takes about a second, which a
   * sync about to append a large change (and then catch its read models up) hides behind its
   * append. Nothing when it is started already.
   */
  warm(): void;
  /** Ends a thread started ahead that no job took. */
  close(): Promise<void>;
}

/**
 * Folds read models of a ledger file in a worker thread of this process, on connections of its
 * own: the second core's half of a rebuild or of a large catch-up. A projection that stops at an
 * event comes back as the ProjectionFailed it was in the thread, so the caller handles it as its own.
 */
export function workerThreadFor(dbPath: string): ReadModelsSecondThread {
  let waiting: Worker | null = null;
  const take = (): Worker | null => {
    const worker = waiting;
    waiting = null;
    return worker;
  };
  return {
    rebuild: (names, options) =>
      inWorker<RebuildResult>({ kind: 'rebuild', dbPath, names, dryRun: options.dryRun, bulkBatchSize: options.bulkBatchSize }, options.onProgress, take()),
    catchUp: (names, onProgress) => inWorker<number>({ kind: 'catchUp', dbPath, names }, onProgress, take()),
    warm: () => {
      if (waiting !== null) return;
      waiting = startSourceWorker(join(__dirname, 'projection-build.worker'), __filename, null);
      // waiting, it keeps nothing alive: a command that ends without a job for it ends as before
      waiting.unref();
    },
    close: async () => {
      await take()?.terminate();
    },
  };
}

/** Runs a job in `started` (a thread started ahead, waiting for it), else in a new thread. */
function inWorker<T extends RebuildResult | number>(request: ProjectionBuildRequest, onProgress: (p: ProjectionProgress) => void, started: Worker | null): Promise<T> {
  const what = `${request.kind === 'rebuild' ? 'rebuilding' : 'catching up'} ${request.names.join(', ')}`;
  return new Promise<T>((resolve, reject) => {
    const worker = started ?? startSourceWorker(join(__dirname, 'projection-build.worker'), __filename, request);
    if (started !== null) {
      started.ref();
      started.postMessage(request);
    }
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      fn();
    };
    worker.on('message', (message: ProjectionBuildMessage) => {
      if (message.type === 'progress') onProgress(message.progress);
      else if (message.type === 'done') settle(() => resolve(message.result as T));
      else if (message.type === 'stopped') settle(() => reject(new ProjectionFailed(message.projection, message.failure)));
      else settle(() => reject(new Error(`${what} in a worker thread: ${message.message}`)));
    });
    worker.once('error', (error) => settle(() => reject(error)));
    worker.once('exit', (code) => settle(() => reject(new Error(`the thread ${what} stopped (exit code ${code}) before it finished`))));
  });
}
