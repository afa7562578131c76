import { parentPort, workerData } from 'node:worker_threads';
import { SqliteEventStore, SqliteLedgerDatabase } from '@roster-ledger/event-store';
import { ProjectionFailed, ReadModelFiles, SqliteProjectionControl, SQLITE_PROJECTIONS } from '@roster-ledger/read-models';
import type { ProjectionBuildMessage, ProjectionBuildRequest } from './projection-build';

/** Rebuilds the projections asked for, reading the log and writing their files on connections of its own. */
async function run({ dbPath, names, dryRun }: ProjectionBuildRequest, post: (message: ProjectionBuildMessage) => void): Promise<void> {
  const ledger = new SqliteLedgerDatabase(dbPath);
  const files = ReadModelFiles.beside(dbPath, names);
  try {
    const control = new SqliteProjectionControl(files, new SqliteEventStore(ledger), SQLITE_PROJECTIONS.filter((p) => names.includes(p.name)));
    const result = await control.rebuild(names, { dryRun, onProgress: (progress) => post({ type: 'progress', progress }) });
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
