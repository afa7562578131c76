import type { Statement } from 'better-sqlite3';
import { LEDGER_STATE_FORMAT, LedgerState, RECORD_KINDS, summariseUser, type RecordKind, type StateEntry, type UserState } from '@roster-ledger/domain';
import type { DistrictStateChange, DistrictStateSnapshot, DistrictStateStore } from '@roster-ledger/ledger';
import { userSummaryJson, userSummaryOf } from './saved-user-summary';
import { toEventStoreError, type SqliteLedgerDatabase } from './sqlite-database';

/** One chunk of a district's users' summaries (see SqliteDistrictStateStore.load); `summaries` and `last` are null when `count` is 0. */
interface SummaryChunk {
  summaries: string | null;
  last: string | null;
  count: number;
}

interface StateRow {
  category: string;
  id: string;
  state: string;
}

/**
 * The format in the head row of a snapshot this store saves: the state's (LEDGER_STATE_FORMAT)
 * and how this store writes it, ten times the one plus the other: 1 since users' summaries are
 * saved as arrays (see userSummaryJson). An earlier release expects the state's format alone, so
 * it ignores such a snapshot (it would misread the summaries) and folds the log instead.
 */
const SAVED_FORMAT = LEDGER_STATE_FORMAT * 10 + 1;

/**
 * Whether a snapshot with this format in its head row is one a load can take: this store's, or
 * one saved before users' summaries were arrays, whose summaries are read as they were saved (a
 * save then moves it to SAVED_FORMAT with both kinds of rows; a load takes each as it is).
 */
function loadable(format: number): boolean {
  return format === SAVED_FORMAT || format === LEDGER_STATE_FORMAT;
}

/**
 * The format a snapshot's head row has while a sync writes states ahead of its append (see
 * DistrictStateStore.writeAhead): not a loadable one, so a load ignores it.
 */
const WRITTEN_AHEAD = 0;

/** Users' summaries per chunk a load reads (see SqliteDistrictStateStore.load): a few thousand were fastest, 50,000 slower. */
const SUMMARIES_PER_CHUNK = 5_000;

/**
 * The district state snapshots on the ledger's SQLite file: one row per district (its position and
 * the state format), one row per record with its state as JSON, and for each user a small summary
 * in a table of its own (see UserSummary). A load reads the users' summaries only: a user's state
 * is read and parsed when a sync touches the user (most of a large district's load otherwise). A
 * save writes only the records that changed, in one transaction with the new position.
 *
 * Errors: SQLite failures throw EventStoreUnavailable.
 */
export class SqliteDistrictStateStore implements DistrictStateStore {
  private readonly selectHead: Statement<[string], { position: number; format: number }>;
  private readonly selectRecords: Statement<[string], StateRow>;
  private readonly firstUserSummaries: Statement<[string], SummaryChunk>;
  private readonly nextUserSummaries: Statement<[string, string], SummaryChunk>;
  private readonly selectState: Statement<[string, string, string], string>;
  private readonly upsertHead: Statement<[string, number, number]>;
  private readonly upsertRecord: Statement<[string, string, string, string]>;
  private readonly upsertUserSummary: Statement<[string, string, string]>;
  private readonly deleteRecords: Statement<[string]>;
  private readonly deleteUserSummaries: Statement<[string]>;
  private readonly districtEventBetween: Statement<[number, number, string], number>;

  constructor(private readonly database: SqliteLedgerDatabase) {
    try {
      const db = database.db;
      this.selectHead = db.prepare('SELECT position, format FROM district_states WHERE district_id = ?');
      this.selectRecords = db.prepare(
        `SELECT category, id, state FROM district_state_records WHERE district_id = ? AND category IN (${RECORD_KINDS.filter((k) => k !== 'user').map((k) => `'${k}'`).join(', ')})`,
      );
      // the summaries a chunk at a time, each chunk one JSON array `[id, summary, id, summary, ...]`
      // built by SQLite: a row handed to JavaScript costs more than its summary's bytes (at a
      // million users, 1.8-2.0 s against 3.2-5.0 s to read and parse them row by row). The next
      // chunk starts after the chunk's largest id (the order within a chunk is group_concat's:
      // asking for it cost another 0.5-1 s)
      const chunk = (after: string) =>
        `SELECT '[' || group_concat(json_quote(id) || ',' || summary, ',') || ']' AS summaries, max(id) AS last, count(*) AS count FROM (
           SELECT id, summary FROM district_state_user_summaries WHERE district_id = ?${after} ORDER BY id LIMIT ${SUMMARIES_PER_CHUNK})`;
      this.firstUserSummaries = db.prepare<[string], SummaryChunk>(chunk(''));
      this.nextUserSummaries = db.prepare<[string, string], SummaryChunk>(chunk(' AND id > ?'));
      this.selectState = db.prepare<[string, string, string], string>('SELECT state FROM district_state_records WHERE district_id = ? AND category = ? AND id = ?').pluck();
      this.upsertHead = db.prepare(
        `INSERT INTO district_states (district_id, position, format) VALUES (?, ?, ?)
         ON CONFLICT (district_id) DO UPDATE SET position = excluded.position, format = excluded.format`,
      );
      this.upsertRecord = db.prepare('INSERT OR REPLACE INTO district_state_records (district_id, category, id, state) VALUES (?, ?, ?, ?)');
      this.upsertUserSummary = db.prepare('INSERT OR REPLACE INTO district_state_user_summaries (district_id, id, summary) VALUES (?, ?, ?)');
      this.deleteRecords = db.prepare('DELETE FROM district_state_records WHERE district_id = ?');
      this.deleteUserSummaries = db.prepare('DELETE FROM district_state_user_summaries WHERE district_id = ?');
      // a range of the primary key, filtered in SQLite: no event is parsed in JavaScript
      this.districtEventBetween = db
        .prepare<[number, number, string], number>(
          `SELECT 1 FROM events WHERE position > ? AND position <= ? AND category IN (${RECORD_KINDS.map((k) => `'${k}'`).join(', ')})
           AND json_extract(CASE WHEN metadata_id IS NULL THEN metadata ELSE (SELECT m.metadata FROM event_metadata m WHERE m.id = metadata_id) END, '$.districtId') = ?
           LIMIT 1`,
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
        if (head === undefined || !loadable(head.format)) return null;
        const state = new LedgerState();
        for (const row of this.selectRecords.iterate(districtId)) {
          state.restore({ category: row.category as RecordKind, id: row.id, state: JSON.parse(row.state) as StateEntry['state'] });
        }
        // users are read one by one when a sync touches them (the rows do not change meanwhile
        // unless another process saves the district, which the read state's revision tells)
        state.users.readWith(this.stateReader(districtId, 'user'));
        this.restoreUserSummaries(districtId, state);
        return { position: head.position, state };
      }).deferred();
    } catch (error) {
      throw toEventStoreError(error, this.database.path);
    }
  }

  /** Puts back every user of the district's snapshot by its summary, a chunk of summaries at a time (the chunks in the order of their ids). */
  private restoreUserSummaries(districtId: string, state: LedgerState): void {
    let chunk = this.firstUserSummaries.get(districtId)!;
    while (chunk.count > 0) {
      const pairs = JSON.parse(chunk.summaries!) as unknown[];
      for (let at = 0; at < pairs.length; at += 2) state.restoreUnreadUser(pairs[at] as string, userSummaryOf(pairs[at + 1] as Parameters<typeof userSummaryOf>[0]));
      if (chunk.count < SUMMARIES_PER_CHUNK) return;
      chunk = this.nextUserSummaries.get(districtId, chunk.last!)!;
    }
  }

  stateReader(districtId: string, category: 'user' | 'section'): (id: string) => string | undefined {
    return (id) => {
      try {
        return this.selectState.get(districtId, category, id);
      } catch (error) {
        throw toEventStoreError(error, this.database.path);
      }
    };
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
        if (change.basePosition !== null && change.basePosition !== this.basePosition(districtId)) return false;
        if (change.basePosition === null) {
          this.deleteRecords.run(districtId);
          this.deleteUserSummaries.run(districtId);
        }
        this.write(districtId, change.entries);
        this.upsertHead.run(districtId, change.position, SAVED_FORMAT);
        return true;
      });
    } catch (error) {
      throw toEventStoreError(error, this.database.path);
    }
  }

  async writeAhead(districtId: string, basePosition: number, entries: Iterable<StateEntry>): Promise<boolean> {
    try {
      return this.database.transaction(() => {
        if (this.basePosition(districtId) !== basePosition) return false;
        // marked first: from now on a load ignores the snapshot until a save moves it on
        this.upsertHead.run(districtId, basePosition, WRITTEN_AHEAD);
        this.write(districtId, entries);
        return true;
      });
    } catch (error) {
      throw toEventStoreError(error, this.database.path);
    }
  }

  /** The position a save or a write ahead may build on: the snapshot's, if a load can take it or it is written ahead from one. */
  private basePosition(districtId: string): number | null {
    const head = this.selectHead.get(districtId);
    return head === undefined || (!loadable(head.format) && head.format !== WRITTEN_AHEAD) ? null : head.position;
  }

  private write(districtId: string, entries: Iterable<StateEntry>): void {
    for (const { category, id, state } of entries) {
      this.upsertRecord.run(districtId, category, id, JSON.stringify(state));
      if (category === 'user') this.upsertUserSummary.run(districtId, id, userSummaryJson(summariseUser(state as UserState)));
    }
  }
}
