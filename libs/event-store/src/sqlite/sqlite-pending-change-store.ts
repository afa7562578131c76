import type { Statement } from 'better-sqlite3';
import type { ExpectedRevision, NewEvent, PendingChangeStore, StreamAppend } from '@roster-ledger/ledger';
import { toEventStoreError, type SqliteLedgerDatabase } from './sqlite-database';

interface PendingChangeRow {
  stream_id: string;
  expected_revision: string;
  events: string;
}

/**
 * The pending change store port on the ledger's SQLite file: one row per stream append of a held
 * sync, in order, so that approval replays exactly the appends that were previewed.
 *
 * Guarantees: `save` replaces the whole change set atomically (one transaction); `load` returns
 * the appends in the order saved, with their expected revisions, or null. A change set saved with
 * no appends has no rows, so `load` gives null for it: there is nothing to approve.
 *
 * Errors: SQLite failures throw EventStoreUnavailable.
 */
export class SqlitePendingChangeStore implements PendingChangeStore {
  private readonly deleteSync: Statement<[string]>;
  private readonly insertAppend: Statement<[string, number, string, string, string, string]>;
  private readonly selectAppends: Statement<[string], PendingChangeRow>;

  constructor(private readonly database: SqliteLedgerDatabase) {
    try {
      const db = database.db;
      this.deleteSync = db.prepare('DELETE FROM pending_changes WHERE sync_id = ?');
      this.insertAppend = db.prepare(
        `INSERT INTO pending_changes (sync_id, seq, district_id, stream_id, expected_revision, events)
         VALUES (?, ?, ?, ?, ?, ?)`,
      );
      this.selectAppends = db.prepare(
        'SELECT stream_id, expected_revision, events FROM pending_changes WHERE sync_id = ? ORDER BY seq',
      );
    } catch (error) {
      throw toEventStoreError(error, database.path);
    }
  }

  async save(syncId: string, districtId: string, appends: StreamAppend[]): Promise<void> {
    try {
      this.database.transaction(() => {
        this.deleteSync.run(syncId);
        appends.forEach((append, seq) => {
          this.insertAppend.run(
            syncId,
            seq,
            districtId,
            append.streamId,
            encodeExpectedRevision(append.expectedRevision),
            JSON.stringify(append.events),
          );
        });
      });
    } catch (error) {
      throw toEventStoreError(error, this.database.path);
    }
  }

  async load(syncId: string): Promise<StreamAppend[] | null> {
    let rows: PendingChangeRow[];
    try {
      rows = this.selectAppends.all(syncId);
    } catch (error) {
      throw toEventStoreError(error, this.database.path);
    }
    if (rows.length === 0) return null;
    return rows.map((row) => ({
      streamId: row.stream_id,
      expectedRevision: decodeExpectedRevision(row.expected_revision),
      events: JSON.parse(row.events) as NewEvent[],
    }));
  }

  async delete(syncId: string): Promise<void> {
    try {
      this.deleteSync.run(syncId);
    } catch (error) {
      throw toEventStoreError(error, this.database.path);
    }
  }
}

/** Stored as readable text: `any`, `no_stream`, `stream_exists` or the revision in decimal. */
function encodeExpectedRevision(expected: ExpectedRevision): string {
  return typeof expected === 'number' ? String(expected) : expected;
}

function decodeExpectedRevision(stored: string): ExpectedRevision {
  if (stored === 'any' || stored === 'no_stream' || stored === 'stream_exists') return stored;
  const revision = Number(stored);
  if (!Number.isSafeInteger(revision)) {
    throw new TypeError(`pending change has an unreadable expected revision: ${JSON.stringify(stored)}`);
  }
  return revision;
}
