import type { Statement } from 'better-sqlite3';
import { SerializedEvent, dataJsonOf, type ExpectedRevision, type JsonObject, type NewEvent, type PendingChangeStore, type StreamAppend } from '@roster-ledger/ledger';
import { toEventStoreError, type SqliteLedgerDatabase } from './sqlite-database';
import { StagedSetFiles, type StagedSet } from './staged-set-files';

interface PendingChangeRow {
  seq: number;
  stream_id: string;
  expected_revision: string;
  events: string;
  metadata: string | null;
}

interface WriteStatements {
  lastSeq: Statement<[], number>;
  insert: Statement<[number, string, string, string, string | null]>;
}

/** Rows read per page by `read`: a page of stream appends in memory at a time. */
const READ_PAGE_ROWS = 500;

/**
 * The pending change store port on SQLite: one row per stream append of a sync's change set,
 * numbered in order, so that appending or approving it replays exactly the appends that were
 * staged or previewed. Each sync's set is a database of its own beside the ledger (see
 * StagedSetFiles: why, and how durable). Sets staged inside the ledger by an earlier release
 * (its `pending_changes` table) are still read, approved and dropped.
 *
 * Guarantees: `add` appends after the last row in one transaction; `read` yields the appends in
 * the order stored, with their expected revisions, one page of rows at a time; `seal` makes a set
 * durable before its sync is held. A change set with no appends has no rows.
 *
 * Errors: SQLite and file system failures throw EventStoreUnavailable, naming the staged set's
 * file (or the ledger, for a set staged in it).
 */
export class SqlitePendingChangeStore implements PendingChangeStore {
  private readonly files: StagedSetFiles;
  private readonly prepared = new WeakMap<StagedSet, WriteStatements>();
  private readonly hasLegacy: Statement<[string], number>;
  private readonly hasLegacyOfDistrict: Statement<[string], number>;
  private readonly deleteLegacy: Statement<[string]>;
  private readonly deleteLegacyOfDistrict: Statement<[string]>;
  private readonly selectLegacyPage: Statement<[string, number, number], PendingChangeRow>;
  private readonly countLegacy: Statement<[string], number>;
  private readonly legacySeqAt: Statement<[string, number], number>;

  constructor(private readonly database: SqliteLedgerDatabase) {
    this.files = StagedSetFiles.beside(database.path);
    try {
      const db = database.db;
      this.hasLegacy = db.prepare<[string], number>('SELECT 1 FROM pending_changes WHERE sync_id = ? LIMIT 1').pluck();
      this.hasLegacyOfDistrict = db.prepare<[string], number>('SELECT 1 FROM pending_changes WHERE district_id = ? LIMIT 1').pluck();
      this.deleteLegacy = db.prepare('DELETE FROM pending_changes WHERE sync_id = ?');
      this.deleteLegacyOfDistrict = db.prepare('DELETE FROM pending_changes WHERE district_id = ?');
      this.selectLegacyPage = db.prepare(
        'SELECT seq, stream_id, expected_revision, events, metadata FROM pending_changes WHERE sync_id = ? AND seq > ? ORDER BY seq LIMIT ?',
      );
      this.countLegacy = db.prepare<[string], number>('SELECT COUNT(*) FROM pending_changes WHERE sync_id = ?').pluck();
      this.legacySeqAt = db.prepare<[string, number], number>('SELECT seq FROM pending_changes WHERE sync_id = ? ORDER BY seq LIMIT 1 OFFSET ?').pluck();
    } catch (error) {
      throw toEventStoreError(error, database.path);
    }
  }

  async add(syncId: string, districtId: string, appends: StreamAppend[]): Promise<void> {
    if (appends.length === 0) return;
    this.files.writing(syncId, districtId, (db) => {
      const { lastSeq, insert } = this.writeStatements(db);
      const next = lastSeq.get()! + 1;
      db.transaction(() => {
        appends.forEach((append, i) => {
          const shared = sharedMetadataOf(append.events);
          insert.run(
            next + i,
            append.streamId,
            encodeExpectedRevision(append.expectedRevision),
            shared === null ? JSON.stringify(append.events) : asLines(append.events),
            shared === null ? null : JSON.stringify(shared),
          );
        });
      })();
    });
  }

  async seal(syncId: string): Promise<void> {
    this.files.seal(syncId);
  }

  async has(syncId: string): Promise<boolean> {
    const reader = this.files.reader(syncId);
    if (reader === null) return this.guarded(() => this.hasLegacy.get(syncId) !== undefined);
    reader.close();
    return true;
  }

  async size(syncId: string): Promise<number> {
    const reader = this.files.reader(syncId);
    if (reader === null) return this.guarded(() => this.countLegacy.get(syncId) ?? 0);
    try {
      return reader.read((db) => db.prepare('SELECT COUNT(*) FROM staged').pluck().get() as number);
    } finally {
      reader.close();
    }
  }

  *read(syncId: string, fromAppend = 0): Iterable<StreamAppend> {
    const reader = this.files.reader(syncId);
    try {
      // each page one complete query: the event store's inserts run between pages, inside its transaction
      const select = reader?.read((db) =>
        db.prepare<[number, number], PendingChangeRow>('SELECT seq, stream_id, expected_revision, events, metadata FROM staged WHERE seq > ? ORDER BY seq LIMIT ?'),
      );
      // the seq before the first append read: stepped over by SQLite, the appends before it not decoded
      const skipTo = reader?.read((db) => db.prepare<[number], number>('SELECT seq FROM staged ORDER BY seq LIMIT 1 OFFSET ?').pluck());
      const seqBefore = (): number | undefined => {
        if (fromAppend <= 0) return -1;
        return reader === null || skipTo === undefined ? this.guarded(() => this.legacySeqAt.get(syncId, fromAppend - 1)) : reader.read(() => skipTo.get(fromAppend - 1));
      };
      const page: (after: number) => PendingChangeRow[] =
        reader === null || select === undefined
          ? (after) => this.guarded(() => this.selectLegacyPage.all(syncId, after, READ_PAGE_ROWS))
          : (after) => reader.read(() => select.all(after, READ_PAGE_ROWS));
      const start = seqBefore();
      if (start === undefined) return;
      for (let after = start; ; ) {
        const rows = page(after);
        for (const row of rows) {
          yield {
            streamId: row.stream_id,
            expectedRevision: decodeExpectedRevision(row.expected_revision),
            events: eventsOf(row),
          };
        }
        if (rows.length < READ_PAGE_ROWS) return;
        after = rows[rows.length - 1]!.seq;
      }
    } finally {
      reader?.close();
    }
  }

  async delete(syncId: string): Promise<void> {
    this.files.drop(syncId);
    // the ledger's write lock only when it holds such a set
    this.guarded(() => {
      if (this.hasLegacy.get(syncId) !== undefined) this.database.transaction(() => this.deleteLegacy.run(syncId));
    });
  }

  async deleteDistrict(districtId: string): Promise<void> {
    this.files.dropDistrict(districtId);
    this.guarded(() => {
      if (this.hasLegacyOfDistrict.get(districtId) !== undefined) this.database.transaction(() => this.deleteLegacyOfDistrict.run(districtId));
    });
  }

  /** A set's statements for `add`, prepared once per open set (a first import adds hundreds of times). */
  private writeStatements(db: StagedSet): WriteStatements {
    let statements = this.prepared.get(db);
    if (statements === undefined) {
      statements = {
        lastSeq: db.prepare<[], number>('SELECT COALESCE(MAX(seq), -1) FROM staged').pluck(),
        insert: db.prepare('INSERT INTO staged (seq, stream_id, expected_revision, events, metadata) VALUES (?, ?, ?, ?, ?)'),
      };
      this.prepared.set(db, statements);
    }
    return statements;
  }

  private guarded<T>(action: () => T): T {
    try {
      return action();
    } catch (error) {
      throw toEventStoreError(error, this.database.path);
    }
  }
}

/**
 * The metadata every event of an append has, when they all have the same (a sync's events of one
 * record: nearly always); null when they differ or hold anything but plain values. Stored once in
 * the row's `metadata`, not in each event: it was most of a staged change set's bytes (written,
 * read back and parsed once each, all of a first import's events).
 */
function sharedMetadataOf(events: readonly NewEvent[]): JsonObject | null {
  const first = events[0]?.metadata;
  if (first === undefined) return null;
  const keys = Object.keys(first);
  if (keys.some((key) => typeof first[key] === 'object' && first[key] !== null)) return null;
  for (let i = 1; i < events.length; i++) {
    const other = events[i]!.metadata;
    if (other === first) continue;
    if (Object.keys(other).length !== keys.length || keys.some((key) => !Object.hasOwn(other, key) || other[key] !== first[key])) return null;
  }
  return first;
}

/**
 * The events of an append that have the same metadata, without it (see sharedMetadataOf): one
 * line per event, its id and type as JSON strings and its data as JSON text, apart by tabs. Read
 * back, each event keeps its data as that text (SerializedEvent), which the append stores as it
 * is: no staged event's data is parsed and serialized again. JSON text holds no raw tab or line
 * break (JSON.stringify escapes them in strings), so neither can be part of a field.
 */
function asLines(events: readonly NewEvent[]): string {
  return events.map((e) => `${JSON.stringify(e.id)}\t${JSON.stringify(e.type)}\t${dataJsonOf(e)}`).join('\n');
}

/**
 * A row's events, in any form it was staged in: each event's metadata in it (`metadata` NULL);
 * one metadata for all, as a JSON array of the events without it (staged before the lines), or
 * as lines (see asLines), told apart by the array's opening bracket (a line opens with an id's quote).
 */
function eventsOf(row: PendingChangeRow): NewEvent[] {
  if (row.metadata === null) return JSON.parse(row.events) as NewEvent[];
  const shared = Object.freeze(JSON.parse(row.metadata) as JsonObject);
  if (row.events.startsWith('[')) {
    return (JSON.parse(row.events) as Omit<NewEvent, 'metadata'>[]).map((e) => ({ id: e.id, type: e.type, data: e.data, metadata: shared }));
  }
  return row.events.split('\n').map((line) => {
    const afterId = line.indexOf('\t');
    const afterType = line.indexOf('\t', afterId + 1);
    if (afterId < 0 || afterType < 0) throw new TypeError(`pending change ${row.seq} has an unreadable event: ${JSON.stringify(line.slice(0, 80))}`);
    return new SerializedEvent(JSON.parse(line.slice(0, afterId)) as string, JSON.parse(line.slice(afterId + 1, afterType)) as string, line.slice(afterType + 1), shared);
  });
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
