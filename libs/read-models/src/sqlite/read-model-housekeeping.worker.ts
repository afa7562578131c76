import { parentPort, workerData } from 'node:worker_threads';
import { openReadModelDatabase } from './read-model-database';
import type { HousekeepingOptions } from './read-model-housekeeper';
import { SqliteAccessLog } from './readers/sqlite-access-log';

/** Pause between two chunks of indexing, or after finding the lock taken: the server's requests get their turn. */
const BETWEEN_CHUNKS_MS = 5;

const isBusy = (error: unknown) => String((error as { code?: unknown } | null)?.code).startsWith('SQLITE_BUSY');

const { path, everyMs } = (workerData as { data: HousekeepingOptions }).data;
const db = openReadModelDatabase(path);
const accessLog = new SqliteAccessLog(db);

function round(): void {
  let more = false;
  try {
    more = accessLog.indexPending() > 0;
    if (!more) db.pragma('wal_checkpoint(PASSIVE)');
  } catch (error) {
    // busy (the access log's connection does not wait for locks): soon; anything else: the next round tries again
    more = isBusy(error);
  }
  setTimeout(round, more ? BETWEEN_CHUNKS_MS : everyMs);
}

parentPort?.postMessage('started');
setTimeout(round, everyMs);
