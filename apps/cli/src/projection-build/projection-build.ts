import { join } from 'node:path';
import { startSourceWorker, type ProjectionFailure, type ProjectionProgress, type RebuildResult } from '@roster-ledger/ledger';
import { ProjectionFailed, type BuildElsewhere } from '@roster-ledger/read-models';

export interface ProjectionBuildRequest {
  dbPath: string;
  names: string[];
  dryRun: boolean;
}

export type ProjectionBuildMessage =
  | { type: 'progress'; progress: ProjectionProgress }
  | { type: 'done'; result: RebuildResult }
  | { type: 'stopped'; projection: string; failure: ProjectionFailure }
  | { type: 'failed'; message: string };

/**
 * Builds read models of a ledger file in a worker thread of this process, on connections of its
 * own: the second core's half of a rebuild. A projection that stops at an event comes back as
 * the ProjectionFailed it was in the thread, so the caller handles it as its own.
 */
export function buildInWorkerThread(dbPath: string): BuildElsewhere {
  return (names, options) =>
    new Promise<RebuildResult>((resolve, reject) => {
      const request: ProjectionBuildRequest = { dbPath, names, dryRun: options.dryRun };
      const worker = startSourceWorker(join(__dirname, 'projection-build.worker'), __filename, request);
      let settled = false;
      const settle = (fn: () => void) => {
        if (settled) return;
        settled = true;
        fn();
      };
      worker.on('message', (message: ProjectionBuildMessage) => {
        if (message.type === 'progress') options.onProgress(message.progress);
        else if (message.type === 'done') settle(() => resolve(message.result));
        else if (message.type === 'stopped') settle(() => reject(new ProjectionFailed(message.projection, message.failure)));
        else settle(() => reject(new Error(`building ${names.join(', ')} in a worker thread: ${message.message}`)));
      });
      worker.once('error', (error) => settle(() => reject(error)));
      worker.once('exit', (code) => settle(() => reject(new Error(`the thread building ${names.join(', ')} stopped (exit code ${code}) before it finished`))));
    });
}
