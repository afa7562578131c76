import { join } from 'node:path';
import {
  RebuildUnderWay,
  startSourceWorker,
  type ProjectionFailure,
  type ProjectionProgress,
  type RebuildResult,
  type VerifyResult,
} from '@roster-ledger/ledger';
import { ProjectionFailed, type SecondThread } from '@roster-ledger/read-models';

export type ProjectionBuildRequest =
  | { kind: 'rebuild'; dbPath: string; names: string[]; dryRun: boolean; bulkBatchSize: number }
  | { kind: 'catchUp'; dbPath: string; names: string[]; until: number; bulkCatchUpFrom: number }
  | { kind: 'verify'; dbPath: string; names: string[]; bulkBatchSize: number };

/** What a worker's request resolves with: a rebuild's result, how many events a catch-up folded, a verify's results. */
type BuildResult = RebuildResult | number | VerifyResult[];

export type ProjectionBuildMessage =
  | { type: 'progress'; progress: ProjectionProgress }
  /** A catch-up folded its half and holds it, or a rebuild built its half: it waits for a CommitDecision. */
  | { type: 'ready' }
  | { type: 'done'; result: BuildResult }
  | { type: 'stopped'; projection: string; failure: ProjectionFailure }
  /** Refused: another process rebuilds one of its projections (RebuildUnderWay; a verify's half is claimed by the thread that asked). */
  | { type: 'underWay'; projection: string; owner: { pid: number; host: string } | null; why?: string }
  | { type: 'failed'; message: string };

/** What the thread that started a worker tells it. */
export type ProjectionBuildOrder =
  /** The answer to `ready`: a catch-up commits what it holds (or rolls it back); a rebuild swaps (or leaves its half built). */
  | { type: 'commit'; commit: boolean }
  /** A catch-up stops between its batches (its starter's half was stopped). */
  | { type: 'stop' };

/**
 * Folds read models of a ledger file in a worker thread of this process, on connections of its
 * own: the second core's half of a rebuild, a verify or a large catch-up. A projection that stops
 * at an event comes back as the ProjectionFailed it was in the thread, and a refusal because
 * another process rebuilds one as its RebuildUnderWay, so the caller
 * handles them as its own (a command exits 2 for a refusal, as on one thread).
 */
export function workerThreadFor(dbPath: string): SecondThread {
  return {
    rebuild: (names, options) =>
      inWorker<RebuildResult>({ kind: 'rebuild', dbPath, names, dryRun: options.dryRun, bulkBatchSize: options.bulkBatchSize }, options.onProgress, options.beforeSwap),
    catchUp: (names, options) =>
      inWorker<number>({ kind: 'catchUp', dbPath, names, until: options.until, bulkCatchUpFrom: options.bulkCatchUpFrom }, options.onProgress, options.beforeCommit, options.stop),
    verify: (names, options) => inWorker<VerifyResult[]>({ kind: 'verify', dbPath, names, bulkBatchSize: options.bulkBatchSize }, options.onProgress),
  };
}

function inWorker<T extends BuildResult>(
  request: ProjectionBuildRequest,
  onProgress: (p: ProjectionProgress) => void,
  beforeCommit?: () => Promise<boolean>,
  stop?: AbortSignal,
): Promise<T> {
  const what = `${{ rebuild: 'rebuilding', catchUp: 'catching up', verify: 'verifying' }[request.kind]} ${request.names.join(', ')}`;
  return new Promise<T>((resolve, reject) => {
    const worker = startSourceWorker(join(__dirname, 'projection-build.worker'), __filename, request);
    const order = (message: ProjectionBuildOrder) => worker.postMessage(message);
    stop?.addEventListener('abort', () => order({ type: 'stop' }), { once: true });
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      fn();
    };
    worker.on('message', (message: ProjectionBuildMessage) => {
      if (message.type === 'progress') onProgress(message.progress);
      else if (message.type === 'ready') {
        const decide = beforeCommit ?? (() => Promise.resolve(true));
        void decide().then((commit) => order({ type: 'commit', commit }));
      }
      else if (message.type === 'done') settle(() => resolve(message.result as T));
      else if (message.type === 'stopped') settle(() => reject(new ProjectionFailed(message.projection, message.failure)));
      else if (message.type === 'underWay') settle(() => reject(new RebuildUnderWay(message.projection, message.owner, message.why)));
      else settle(() => reject(new Error(`${what} in a worker thread: ${message.message}`)));
    });
    worker.once('error', (error) => settle(() => reject(error)));
    worker.once('exit', (code) => settle(() => reject(new Error(`the thread ${what} stopped (exit code ${code}) before it finished`))));
  });
}
