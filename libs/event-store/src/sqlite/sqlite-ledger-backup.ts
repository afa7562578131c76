import { existsSync, mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import Database from 'better-sqlite3';
import { DomainError } from '@roster-ledger/domain';
import { EventStoreUnavailable } from '@roster-ledger/ledger';
import { backupNotWritten } from './backup-not-written';
import { stagedSetsBeside } from './staged-set-files';

/** Pages copied per step: 100 MiB of 4 KiB pages between two progress reports. */
const PAGES_PER_STEP = 25_600;

type OnCopyProgress = (copiedPages: number, totalPages: number) => void;

/** What a backup of a ledger holds: the copy of the ledger, and of the change set of each sync held in it. */
export interface LedgerBackup {
  ledger: string;
  heldChangeSets: { syncId: string; path: string }[];
  /**
   * Syncs held in the ledger whose change set is nowhere (its file deleted from outside): copied
   * as they are, they cannot be approved in the copy, nor in the ledger.
   */
  heldWithoutChangeSet: string[];
}

/** The syncs whose last event is SyncHeld: decided by neither an approval nor a discard yet. */
const HELD_SYNCS = `
  SELECT substr(s.stream_id, 6) FROM streams s JOIN events e ON e.stream_id = s.stream_id AND e.revision = s.revision
  WHERE s.stream_id >= 'sync-' AND s.stream_id < 'sync.' AND e.type = 'SyncHeld'`;

/**
 * Copies a ledger file, and the change sets of the syncs held in it (what their approval
 * applies, in files beside it), into `into`, laid out as beside the ledger: the copy of the
 * ledger is a working ledger as it is. The copy is of the ledger as one moment left it (a read
 * transaction held throughout), taken through SQLite's online backup while other processes read
 * and append; a copy of the file's bytes taken meanwhile would be damaged. The sets of syncs
 * under way are not copied: their syncs are not ended in the copy, whose next sync of their
 * district records them as interrupted. A held sync's set staged inside the ledger by an older
 * release (`pending_changes`) is in the copy of the ledger.
 *
 * @throws BackupNotWritten when the disk of `into` is full; EventStoreUnavailable when a file
 *   cannot be read or written otherwise, or a held sync was
 *   decided (approved, discarded) while it was copied: its set is gone, the backup is to be taken again
 */
export async function backupSqliteLedger(ledgerPath: string, into: string, onProgress?: OnCopyProgress): Promise<LedgerBackup> {
  const ledger = join(into, basename(ledgerPath));
  const held = await inSnapshot(ledgerPath, async (source) => {
    // a read transaction held on a ledger in rollback-journal mode (a sync appending in bulk,
    // alone on the file: see SqliteLedgerDatabase.inBulk) would make that sync's commit wait,
    // and fail; in WAL mode writers go on beside it
    const mode = source.pragma('journal_mode', { simple: true });
    if (mode !== 'wal') {
      throw new EventStoreUnavailable(`the ledger at ${ledgerPath} is in ${String(mode)} mode, not WAL: a sync appending alone holds it; take the backup when the sync has ended`);
    }
    await copy(source, ledgerPath, ledger, onProgress);
    const legacy = source.prepare('SELECT 1 FROM pending_changes WHERE sync_id = ? LIMIT 1').pluck();
    const syncs = source.prepare(HELD_SYNCS).pluck().all() as string[];
    return syncs.filter((id) => legacy.get(id) === undefined);
  });
  const files = new Map(stagedSetsBeside(ledgerPath).map((set) => [set.syncId, set.path]));
  const backup: LedgerBackup = { ledger, heldChangeSets: [], heldWithoutChangeSet: [] };
  for (const syncId of held) {
    const from = files.get(syncId);
    if (from !== undefined) {
      const path = join(`${ledger}.staged`, basename(from));
      mkdirSync(`${ledger}.staged`, { recursive: true });
      try {
        await copySqliteFile(from, path);
        backup.heldChangeSets.push({ syncId, path });
        continue;
      } catch (error) {
        // (deleted as it was copied: decided meanwhile, as below)
        if (existsSync(from)) throw error;
      }
    }
    // approved or discarded since the moment copied: its set is deleted
    if (!(await stillHeld(ledgerPath, syncId))) throw new EventStoreUnavailable(`sync ${syncId} was approved or discarded while the ledger was copied, and its change set is gone: take the backup again`);
    backup.heldWithoutChangeSet.push(syncId);
  }
  return backup;
}

/** Whether the sync is held in the ledger as it is now (by the same rule as HELD_SYNCS). */
function stillHeld(ledgerPath: string, syncId: string): Promise<boolean> {
  return inSnapshot(ledgerPath, async (db) => (db.prepare(HELD_SYNCS).pluck().all() as string[]).includes(syncId));
}

/**
 * Copies a SQLite database file as one moment left it, through SQLite's online backup, also
 * while other connections write it (the access log under a server). `to` must not exist yet.
 *
 * @throws BackupNotWritten naming `to` when the disk there is full; EventStoreUnavailable naming
 *   the file when it cannot be read or the copy written otherwise
 */
export function copySqliteFile(from: string, to: string, onProgress?: OnCopyProgress): Promise<void> {
  return inSnapshot(from, (source) => copy(source, from, to, onProgress));
}

/**
 * Runs `work` on a read-only connection to the file inside a read transaction: the backup's steps
 * read that one snapshot, so a write by another connection meanwhile neither starts the copy over
 * nor gets into it. In WAL mode (the ledger's, the access log's), writers are not held up by it.
 */
async function inSnapshot<T>(path: string, work: (source: Database.Database) => Promise<T>): Promise<T> {
  let source: Database.Database | undefined;
  try {
    source = new Database(path, { readonly: true, fileMustExist: true });
    source.exec('BEGIN');
    // a read transaction takes its snapshot at its first read, waiting out a writer's lock (busy timeout)
    source.prepare('SELECT COUNT(*) FROM sqlite_master').get();
    return await work(source);
  } catch (error) {
    if (error instanceof DomainError) throw error;
    const code = (error as { code?: unknown }).code;
    const failure = new EventStoreUnavailable(`could not back up ${path}${typeof code === 'string' ? ` (${code})` : ''}: ${(error as Error).message}`, path);
    failure.cause = error;
    throw failure;
  } finally {
    if (source?.inTransaction) source.exec('ROLLBACK');
    source?.close();
  }
}

async function copy(source: Database.Database, from: string, to: string, onProgress?: OnCopyProgress): Promise<void> {
  let total = 0;
  try {
    await source.backup(to, {
      progress: ({ totalPages, remainingPages }) => {
        total = totalPages;
        onProgress?.(totalPages - remainingPages, totalPages);
        return PAGES_PER_STEP;
      },
    });
  } catch (error) {
    throw backupNotWritten(error, to) ?? error;
  }
  // SQLite says nothing is left to copy also when its first step could not read (better-sqlite3
  // then deletes the new file): the copy is checked whole
  if (!existsSync(to)) throw new EventStoreUnavailable(`${from} could not be read to copy it (another connection held it): take the backup again`);
  // (not read-only: the last connection to close a WAL file's copy removes its -wal and -shm files)
  const copied = new Database(to, { fileMustExist: true });
  try {
    const pages = copied.pragma('page_count', { simple: true }) as number;
    const expected = source.pragma('page_count', { simple: true }) as number;
    if (pages !== expected || (total !== 0 && total !== expected)) {
      throw new EventStoreUnavailable(`the copy of ${from} at ${to} has ${pages} pages where ${expected} were to be copied: take the backup again`);
    }
  } finally {
    copied.close();
  }
}
