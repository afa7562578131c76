import type { Statement } from 'better-sqlite3';
import {
  LEDGER_STATE_FORMAT,
  LedgerState,
  RECORD_KINDS,
  summariseSection,
  summariseUser,
  type ListedUsersFinder,
  type RecordKind,
  type SectionState,
  type StateEntry,
  type UserState,
} from '@roster-ledger/domain';
import type { DistrictStateChange, DistrictStateSnapshot, DistrictStateStore } from '@roster-ledger/ledger';
import { sectionSummaryJson, sectionSummaryOf } from './saved-section-summary';
import { userSummaryJson, userSummaryOf } from './saved-user-summary';
import { toEventStoreError, type SqliteLedgerDatabase } from './sqlite-database';
import { SummaryChunks } from './summary-chunks';

interface StateRow {
  category: string;
  id: string;
  state: string;
}

/**
 * The format in the head row of a snapshot this store saves: the state's (LEDGER_STATE_FORMAT)
 * and how this store writes it (its layout), ten times the one plus the other. Layouts: none (the
 * state's format alone: users' summaries saved as objects), 1 (users' summaries saved as arrays,
 * see userSummaryJson), 2 (sections' summaries saved too, see sectionSummaryJson). An earlier
 * release takes only the layouts it knows, so it ignores a later one's snapshot (it would miss
 * or misread summaries) and folds the log instead.
 */
const SAVED_FORMAT = LEDGER_STATE_FORMAT * 10 + 2;

/**
 * The formats of snapshots saved before sections had summaries, which a load still takes: their
 * sections are read whole, and their users' summaries as they were saved (objects or arrays). The
 * first save or write ahead on one gives every section its summary (see moveToSavedFormat).
 */
const FORMATS_WITHOUT_SECTION_SUMMARIES: readonly number[] = [LEDGER_STATE_FORMAT, LEDGER_STATE_FORMAT * 10 + 1];

/** Whether a snapshot with this format in its head row is one a load can take. */
function loadable(format: number): boolean {
  return format === SAVED_FORMAT || FORMATS_WITHOUT_SECTION_SUMMARIES.includes(format);
}

/**
 * The format a snapshot's head row has while a sync writes states ahead of its append (see
 * DistrictStateStore.writeAhead): not a loadable one, so a load ignores it.
 */
const WRITTEN_AHEAD = 0;

/**
 * The district state snapshots on the ledger's SQLite file: one row per district (its position and
 * the state format), one row per record with its state as JSON, and for each user and each
 * section a small summary in a table of its own (see UserSummary, SectionSummary). A load reads
 * the summaries only: a user's or section's state is read and parsed when a sync touches it (most
 * of a large district's load otherwise: at a million students, 215 MB of sections' states and
 * 900 MB of users'). A save writes only the records that changed, in one transaction with the new position.
 *
 * Errors: SQLite failures throw EventStoreUnavailable.
 */
export class SqliteDistrictStateStore implements DistrictStateStore {
  private readonly selectHead: Statement<[string], { position: number; format: number }>;
  private readonly selectPlainRecords: Statement<[string], StateRow>;
  private readonly sectionPage: Statement<[string, string], StateRow>;
  private readonly userSummaries: SummaryChunks;
  private readonly sectionSummaries: SummaryChunks;
  private readonly selectSectionStates: Statement<[string], [string, string]>;
  private readonly selectState: Statement<[string, string, string], string>;
  private readonly upsertHead: Statement<[string, number, number]>;
  private readonly upsertRecord: Statement<[string, string, string, string]>;
  private readonly upsertUserSummary: Statement<[string, string, string]>;
  private readonly upsertSectionSummary: Statement<[string, string, string]>;
  private readonly deleteRecords: Statement<[string]>;
  private readonly deleteUserSummaries: Statement<[string]>;
  private readonly deleteSectionSummaries: Statement<[string]>;
  private readonly districtEventBetween: Statement<[number, number, string], number>;

  constructor(private readonly database: SqliteLedgerDatabase) {
    try {
      const db = database.db;
      this.selectHead = db.prepare('SELECT position, format FROM district_states WHERE district_id = ?');
      this.selectPlainRecords = db.prepare(
        `SELECT category, id, state FROM district_state_records WHERE district_id = ? AND category IN (${RECORD_KINDS.filter((k) => k !== 'user' && k !== 'section').map((k) => `'${k}'`).join(', ')})`,
      );
      this.sectionPage = db.prepare("SELECT category, id, state FROM district_state_records WHERE district_id = ? AND category = 'section' AND id > ? ORDER BY id LIMIT 1000");
      this.userSummaries = new SummaryChunks(db, 'district_state_user_summaries');
      this.sectionSummaries = new SummaryChunks(db, 'district_state_section_summaries');
      this.selectSectionStates = db.prepare<[string], [string, string]>("SELECT id, state FROM district_state_records WHERE district_id = ? AND category = 'section'").raw();
      this.selectState = db.prepare<[string, string, string], string>('SELECT state FROM district_state_records WHERE district_id = ? AND category = ? AND id = ?').pluck();
      this.upsertHead = db.prepare(
        `INSERT INTO district_states (district_id, position, format) VALUES (?, ?, ?)
         ON CONFLICT (district_id) DO UPDATE SET position = excluded.position, format = excluded.format`,
      );
      this.upsertRecord = db.prepare('INSERT OR REPLACE INTO district_state_records (district_id, category, id, state) VALUES (?, ?, ?, ?)');
      this.upsertUserSummary = db.prepare('INSERT OR REPLACE INTO district_state_user_summaries (district_id, id, summary) VALUES (?, ?, ?)');
      this.upsertSectionSummary = db.prepare('INSERT OR REPLACE INTO district_state_section_summaries (district_id, id, summary) VALUES (?, ?, ?)');
      this.deleteRecords = db.prepare('DELETE FROM district_state_records WHERE district_id = ?');
      this.deleteUserSummaries = db.prepare('DELETE FROM district_state_user_summaries WHERE district_id = ?');
      this.deleteSectionSummaries = db.prepare('DELETE FROM district_state_section_summaries WHERE district_id = ?');
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
        for (const row of this.selectPlainRecords.iterate(districtId)) {
          state.restore({ category: row.category as RecordKind, id: row.id, state: JSON.parse(row.state) as StateEntry['state'] });
        }
        // users and sections are read one by one when a sync touches them (the rows do not change
        // meanwhile unless another process saves the district, which the read state's revision tells)
        state.users.readWith(this.stateReader(districtId, 'user'));
        state.sections.readWith(this.stateReader(districtId, 'section'));
        state.sections.findListedWith(this.listedUsersFinder(districtId));
        this.userSummaries.forEach(districtId, (id, saved: Parameters<typeof userSummaryOf>[0]) => state.restoreUnreadUser(id, userSummaryOf(saved)));
        if (head.format === SAVED_FORMAT) {
          this.sectionSummaries.forEach(districtId, (id, saved: Parameters<typeof sectionSummaryOf>[0]) => state.restoreUnreadSection(id, sectionSummaryOf(saved)));
        } else {
          for (const [id, text] of this.selectSectionStates.iterate(districtId)) state.restore({ category: 'section', id, state: JSON.parse(text) as SectionState });
        }
        return { position: head.position, state };
      }).deferred();
    } catch (error) {
      throw toEventStoreError(error, this.database.path);
    }
  }

  listedUsersFinder(districtId: string): ListedUsersFinder {
    // one pass over the district's sections, parsing only those asked about: at a million
    // students as fast as parsing them all at the load (1.8-2.0 s), where SQLite's own JSON
    // (json_each, and an IN over the users) took 3-4 s
    return (sections, users) => {
      try {
        const pairs: [string, string][] = [];
        for (const [id, text] of this.selectSectionStates.iterate(districtId)) {
          if (!sections.has(id)) continue;
          const { teachers, students } = JSON.parse(text) as SectionState;
          for (const user of teachers) if (users.has(user)) pairs.push([id, user]);
          for (const user of students) if (users.has(user)) pairs.push([id, user]);
        }
        return pairs;
      } catch (error) {
        throw toEventStoreError(error, this.database.path);
      }
    };
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
          this.deleteSectionSummaries.run(districtId);
        } else {
          this.moveToSavedFormat(districtId);
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
        this.moveToSavedFormat(districtId);
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

  /**
   * Gives every section of a snapshot saved before sections had summaries its summary, from its
   * saved state (once, on the first save or write ahead after an upgrade, in its transaction):
   * the save then moves the head to SAVED_FORMAT, whose loads read sections by their summaries.
   */
  private moveToSavedFormat(districtId: string): void {
    const head = this.selectHead.get(districtId);
    if (head === undefined || !FORMATS_WITHOUT_SECTION_SUMMARIES.includes(head.format)) return;
    // a page at a time: a statement being iterated keeps the connection from writing
    for (let page = this.sectionPage.all(districtId, ''); page.length > 0; page = this.sectionPage.all(districtId, page[page.length - 1]!.id)) {
      for (const row of page) this.upsertSectionSummary.run(districtId, row.id, sectionSummaryJson(summariseSection(JSON.parse(row.state) as SectionState)));
    }
  }

  private write(districtId: string, entries: Iterable<StateEntry>): void {
    for (const { category, id, state } of entries) {
      this.upsertRecord.run(districtId, category, id, JSON.stringify(state));
      if (category === 'user') this.upsertUserSummary.run(districtId, id, userSummaryJson(summariseUser(state as UserState)));
      else if (category === 'section') this.upsertSectionSummary.run(districtId, id, sectionSummaryJson(summariseSection(state as SectionState)));
    }
  }
}
