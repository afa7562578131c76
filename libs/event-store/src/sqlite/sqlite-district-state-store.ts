import type { Statement } from 'better-sqlite3';
import { LEDGER_STATE_FORMAT, LedgerState, RECORD_KINDS, summariseUser, type RecordKind, type StateEntry, type UserState, type UserSummary } from '@roster-ledger/domain';
import type { DistrictStateChange, DistrictStateSnapshot, DistrictStateStore } from '@roster-ledger/ledger';
import { toEventStoreError, type SqliteLedgerDatabase } from './sqlite-database';

interface StateRow {
  category: string;
  id: string;
  state: string;
  /** A user's {@link UserSummary}, as JSON; null for other records (and users saved before summaries). */
  summary: string | null;
}

/**
 * The district state snapshots on the ledger's SQLite file: one row per district (its position and
 * the state format) and one row per record with its state as JSON, and for a user a summary
 * beside it (see UserSummary): a load leaves users' states unparsed until a sync touches them,
 * which is most of a large district's load. A save writes only the records that changed, in one
 * transaction with the new position.
 *
 * Errors: SQLite failures throw EventStoreUnavailable.
 */
export class SqliteDistrictStateStore implements DistrictStateStore {
  private readonly selectHead: Statement<[string], { position: number; format: number }>;
  private readonly selectRecords: Statement<[string], StateRow>;
  private readonly upsertHead: Statement<[string, number, number]>;
  private readonly upsertRecord: Statement<[string, string, string, string, string | null]>;
  private readonly deleteRecords: Statement<[string]>;
  private readonly districtEventBetween: Statement<[number, number, string], number>;

  constructor(private readonly database: SqliteLedgerDatabase) {
    try {
      const db = database.db;
      this.selectHead = db.prepare('SELECT position, format FROM district_states WHERE district_id = ?');
      this.selectRecords = db.prepare('SELECT category, id, state, summary FROM district_state_records WHERE district_id = ?');
      this.upsertHead = db.prepare(
        `INSERT INTO district_states (district_id, position, format) VALUES (?, ?, ?)
         ON CONFLICT (district_id) DO UPDATE SET position = excluded.position, format = excluded.format`,
      );
      this.upsertRecord = db.prepare('INSERT OR REPLACE INTO district_state_records (district_id, category, id, state, summary) VALUES (?, ?, ?, ?, ?)');
      this.deleteRecords = db.prepare('DELETE FROM district_state_records WHERE district_id = ?');
      // a range of the primary key, filtered in SQLite: no event is parsed in JavaScript
      this.districtEventBetween = db
        .prepare<[number, number, string], number>(
          `SELECT 1 FROM events WHERE position > ? AND position <= ? AND category IN (${RECORD_KINDS.map((k) => `'${k}'`).join(', ')})
           AND json_extract(metadata, '$.districtId') = ? LIMIT 1`,
        )
        .pluck();
    } catch (error) {
      throw toEventStoreError(error, database.path);
    }
  }

  async load(districtId: string): Promise<DistrictStateSnapshot | null> {
    try {
      // one read transaction: the position and the records belong together
      return this.database.db.transaction(() => {
        const head = this.selectHead.get(districtId);
        if (head === undefined || head.format !== LEDGER_STATE_FORMAT) return null;
        const state = new LedgerState();
        for (const row of this.selectRecords.iterate(districtId)) {
          if (row.summary !== null) state.restoreUnparsedUser(row.id, row.state, JSON.parse(row.summary) as UserSummary);
          else state.restore({ category: row.category as RecordKind, id: row.id, state: JSON.parse(row.state) as StateEntry['state'] });
        }
        return { position: head.position, state };
      }).deferred();
    } catch (error) {
      throw toEventStoreError(error, this.database.path);
    }
  }

  async recordedBetween(districtId: string, after: number, upTo: number): Promise<boolean> {
    if (after >= upTo) return false;
    try {
      return this.districtEventBetween.get(after, upTo, districtId) !== undefined;
    } catch (error) {
      throw toEventStoreError(error, this.database.path);
    }
  }

  async save(districtId: string, change: DistrictStateChange): Promise<boolean> {
    try {
      return this.database.transaction(() => {
        const head = this.selectHead.get(districtId);
        const current = head === undefined || head.format !== LEDGER_STATE_FORMAT ? null : head.position;
        if (change.basePosition !== null && change.basePosition !== current) return false;
        if (change.basePosition === null) this.deleteRecords.run(districtId);
        for (const { category, id, state } of change.entries) {
          const summary = category === 'user' ? JSON.stringify(summariseUser(state as UserState)) : null;
          this.upsertRecord.run(districtId, category, id, JSON.stringify(state), summary);
        }
        this.upsertHead.run(districtId, change.position, LEDGER_STATE_FORMAT);
        return true;
      });
    } catch (error) {
      throw toEventStoreError(error, this.database.path);
    }
  }
}
