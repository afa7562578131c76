import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { isBusy } from '@roster-ledger/ledger';
import { openReadModelDatabase, type Db } from './read-model-database';
import type { HousekeepingMessage, HousekeepingOptions } from './read-model-housekeeper';
import { readModelFolder } from './read-model-files';
import { SqliteAccessLog } from './readers/sqlite-access-log';

/** Pause between two chunks of indexing, or after finding the lock taken: the server's requests get their turn. */
const BETWEEN_CHUNKS_MS = 5;

const post = (message: HousekeepingMessage) => parentPort?.postMessage(message);

const { path, everyMs, readModels: withReadModels } = (workerData as { data: HousekeepingOptions }).data;
let ledger: Db | null = null;
/** Connections to the read models' files, by path: opened as files appear, closed as they go (a rebuild deletes the version it replaced). */
const readModels = new Map<string, Db>();
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
    if (accessLog === null) {
      accessLog = SqliteAccessLog.open(path);
      post({ type: 'started' });
    }
    if (accessLog.indexPending() > 0) next = BETWEEN_CHUNKS_MS;
    if (Date.now() - checkpointedAt >= everyMs) {
      followReadModelFiles();
      ledger.pragma('wal_checkpoint(PASSIVE)');
      for (const db of readModels.values()) {
        try {
          db.pragma('wal_checkpoint(PASSIVE)');
        } catch (error) {
          // a version being built (rollback journal) is locked while it writes: nothing to checkpoint there
          if (!isBusy(error)) throw error;
        }
      }
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

/** Opens the read models' files that appeared since the last round and closes those gone. */
function followReadModelFiles(): void {
  if (!withReadModels) return;
  const folder = readModelFolder(path);
  let files: string[];
  try {
    files = readdirSync(folder)
      .filter((file) => file.endsWith('.db'))
      .map((file) => join(folder, file));
  } catch {
    files = [];
  }
  for (const [file, db] of readModels) {
    if (files.includes(file)) continue;
    db.close();
    readModels.delete(file);
  }
  for (const file of files) {
    if (readModels.has(file)) continue;
    try {
      // never created here: a file listed a moment ago may have been deleted since
      readModels.set(file, new Database(file, { fileMustExist: true, timeout: 0 }));
    } catch {
      // gone already
    }
  }
}
