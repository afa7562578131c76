import { parentPort, workerData } from 'node:worker_threads';
import { isBusy } from '@roster-ledger/ledger';
import { openReadModelDatabase, type Db } from './read-model-database';
import type { HousekeepingMessage, HousekeepingOptions } from './read-model-housekeeper';
import { SqliteAccessLog } from './readers/sqlite-access-log';

/** Pause between two chunks of indexing, or after finding the lock taken: the server's requests get their turn. */
const BETWEEN_CHUNKS_MS = 5;

const post = (message: HousekeepingMessage) => parentPort?.postMessage(message);

const { path, everyMs, readModelFiles } = (workerData as { data: HousekeepingOptions }).data;
let ledger: Db | null = null;
let readModels: Db[] | null = null;
let accessLog: SqliteAccessLog | null = null;
let checkpointedAt = 0;

/**
 * One round: index a chunk of the access log, and checkpoint the WALs of the ledger, of the read
 * models and of the access log once per `everyMs`. Opening
 * is part of a round too: serve may start while an import holds the write lock for minutes, and
 * the thread must then begin once the lock is free instead of giving up.
 */
function round(): void {
  let next = everyMs;
  try {
    ledger ??= openReadModelDatabase(path);
    readModels ??= readModelFiles.map((file) => openReadModelDatabase(file));
    if (accessLog === null) {
      accessLog = SqliteAccessLog.open(path);
      post({ type: 'started' });
    }
    if (accessLog.indexPending() > 0) next = BETWEEN_CHUNKS_MS;
    if (Date.now() - checkpointedAt >= everyMs) {
      for (const db of [ledger, ...readModels]) db.pragma('wal_checkpoint(PASSIVE)');
      accessLog.checkpoint();
      checkpointedAt = Date.now();
    }
  } catch (error) {
    if (isBusy(error)) next = BETWEEN_CHUNKS_MS;
    else post({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  }
  setTimeout(round, next);
}

round();
