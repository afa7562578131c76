import type { Database, Statement } from 'better-sqlite3';
import type { JsonObject, RecordedEvent } from '@roster-ledger/ledger';

/**
 * An event as its row's columns, in EVENT_COLUMNS' order: read as arrays, not objects, which
 * took about a quarter off reading the log (a rebuild reads all of it, once per thread).
 * `metadata` is the text of a row written before shared metadata, and '' since; `metadataId`
 * the row of `event_metadata` since, and null before.
 */
export type EventRow = [
  position: number,
  eventId: string,
  streamId: string,
  revision: number,
  type: string,
  data: string,
  metadata: string,
  recordedAt: string,
  metadataId: number | null,
];

export const EVENT_COLUMNS = 'position, event_id, stream_id, revision, type, data, metadata, recorded_at, metadata_id';

/** Metadata kept parsed, by id, by default: a reader of the log in order meets each id in one run of rows. */
const PARSED_KEPT = 10_000;

/**
 * The `event_metadata` table (see the schema in SqliteLedgerDatabase): the metadata of a run of
 * events appended together with the same metadata, stored once and pointed at by each event's
 * `metadata_id`.
 *
 * Writing: `idFor` inside an append's transaction; `forgetWritten` when that transaction ends
 * (committed or rolled back: an id noted in a transaction rolled back names no row).
 * Reading: `toRecordedEvents` turns rows into events, each run of equal metadata one frozen object
 * (RecordedEvent.metadata is read-only for that reason).
 */
export class EventMetadataTable {
  private readonly insert: Statement<[string]>;
  private readonly selectSome: Statement<[string], [number, string]>;
  private readonly selectRange: Statement<[number, number], [number, string]>;
  private lastWritten: { text: string; id: number } | null = null;
  private readonly parsed = new Map<number, JsonObject>();

  /** @param kept how many parsed metadata to keep before starting over */
  constructor(
    db: Database,
    private readonly kept = PARSED_KEPT,
  ) {
    this.insert = db.prepare('INSERT INTO event_metadata (metadata) VALUES (?)');
    this.selectSome = db.prepare<[string], [number, string]>('SELECT id, metadata FROM event_metadata WHERE id IN (SELECT value FROM json_each(?))').raw();
    this.selectRange = db.prepare<[number, number], [number, string]>('SELECT id, metadata FROM event_metadata WHERE id BETWEEN ? AND ?').raw();
  }

  /** The id of `text`'s row: the previous event's when it had the same metadata, else a new row. */
  idFor(text: string): number {
    if (this.lastWritten?.text === text) return this.lastWritten.id;
    const id = Number(this.insert.run(text).lastInsertRowid);
    this.lastWritten = { text, id };
    return id;
  }

  forgetWritten(): void {
    this.lastWritten = null;
  }

  /** Rows in order as events: the metadata of rows written since shared metadata read by id, once per id. */
  toRecordedEvents(rows: readonly EventRow[]): RecordedEvent[] {
    this.readMissing(rows);
    // rows written before: a run of equal texts is parsed once and shared, as ids are
    let lastText: string | null = null;
    let last: JsonObject = {};
    return rows.map(([position, id, streamId, revision, type, data, metadataText, recordedAt, metadataId]) => {
      let metadata: JsonObject;
      if (metadataId !== null) {
        const shared = this.parsed.get(metadataId);
        if (shared === undefined) throw new Error(`the event at position ${position} names metadata ${metadataId}, which the ledger does not hold`);
        metadata = shared;
      } else {
        if (metadataText !== lastText) {
          last = Object.freeze(JSON.parse(metadataText) as JsonObject);
          lastText = metadataText;
        }
        metadata = last;
      }
      return { id, type, streamId, revision, position, data: JSON.parse(data) as JsonObject, metadata, recordedAt };
    });
  }

  /** Reads and parses, in one query, the metadata of `rows` not kept yet. */
  private readMissing(rows: readonly EventRow[]): void {
    const missing = new Set<number>();
    for (const row of rows) {
      const id = row[8];
      if (id !== null && !this.parsed.has(id)) missing.add(id);
    }
    if (missing.size === 0) return;
    if (this.parsed.size + missing.size > this.kept) {
      // starting over: the rows' ids kept until now are needed as much as the missing ones
      this.parsed.clear();
      for (const row of rows) if (row[8] !== null) missing.add(row[8]);
    }
    for (const [id, metadata] of this.rowsOf(missing)) {
      if (missing.has(id)) this.parsed.set(id, Object.freeze(JSON.parse(metadata) as JsonObject));
    }
  }

  /**
   * The rows of these ids (and perhaps a few more). Rows of the log in order name ids in order,
   * with none skipped (ids are given in the order events are appended): a range of the table's
   * B-tree reads them at a fraction of the cost of a look-up each. Scattered ids (events read by
   * position, for a timeline) are looked up one by one.
   */
  private rowsOf(ids: ReadonlySet<number>): [number, string][] {
    let low = Infinity;
    let high = -Infinity;
    for (const id of ids) {
      if (id < low) low = id;
      if (id > high) high = id;
    }
    if (high - low < 2 * ids.size) return this.selectRange.all(low, high);
    return this.selectSome.all(JSON.stringify([...ids]));
  }
}
