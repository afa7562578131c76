import type { Statement } from 'better-sqlite3';
import { BufferedInsert } from '../buffered-insert';
import type { Db } from '../read-model-database';

/** What every entry holds: its record's stream, and whether it changed since the last flush. */
export interface StreamEntry {
  streamId: string;
  /** Changed since the last flush (and listed to be written). */
  dirty: boolean;
}

/** Entries kept in memory at most, between two flushes: the next batch reads what it needs back. */
const CACHED_AT_MOST = 200_000;

/**
 * A projection's own small table of one entry per record stream (`stream_id` and the entry's
 * columns), followed as the log is folded: what EntitySchools and IdentityTrails keep. A record's
 * events come together in the log (a section's share, then its enrollments), so the last entry
 * is kept at hand and most events cost no look-up of their stream's id in a map (at a million
 * students, the maps' look-ups were most of the 12 s the schools took in a rebuild); entries are
 * changed in place, listed when they first change, and written once a batch, however many events
 * touched them.
 */
export abstract class StreamEntries<E extends StreamEntry> {
  private readonly select: Statement<[string]>;
  private readonly upsert: BufferedInsert;
  private readonly cache = new Map<string, E>();
  private dirty: E[] = [];
  private last: E | null = null;

  /** Creates the table: `stream_id` and the columns given (`name TYPE NOT NULL`, ...). */
  protected static createTable(db: Db, table: string, columns: readonly string[]): void {
    db.exec(`CREATE TABLE IF NOT EXISTS ${table} (stream_id TEXT PRIMARY KEY, ${columns.join(', ')}) WITHOUT ROWID`);
  }

  /**
   * @param columns the entry's columns besides `stream_id`, in the order rowOf gives their values.
   * @param cachedAtMost entries kept in memory between two flushes at most
   */
  constructor(
    db: Db,
    table: string,
    columns: readonly string[],
    private readonly cachedAtMost = CACHED_AT_MOST,
  ) {
    this.select = db.prepare(`SELECT ${columns.join(', ')} FROM ${table} WHERE stream_id = ?`);
    // a bulk load writes an entry for every user and section: many to a statement
    this.upsert = new BufferedInsert(
      db,
      `INSERT INTO ${table} (stream_id, ${columns.join(', ')})`,
      columns.length + 1,
      `ON CONFLICT (stream_id) DO UPDATE SET ${columns.map((c) => `${c} = excluded.${c}`).join(', ')}`,
    );
  }

  /** The entry as its row holds it, or a new one when the table has none. */
  protected abstract fromRow(streamId: string, row: Record<string, unknown> | undefined): E;

  /** The values of the entry's columns besides `stream_id`, in the order given to the constructor. */
  protected abstract rowOf(entry: E): unknown[];

  /** The entry of a stream: the last one at hand, one cached, or one read from the table (or new). */
  protected entryOf(streamId: string): E {
    const last = this.last;
    if (last !== null && last.streamId === streamId) return last;
    let entry = this.cache.get(streamId);
    if (entry === undefined) {
      entry = this.fromRow(streamId, this.select.get(streamId) as Record<string, unknown> | undefined);
      this.cache.set(streamId, entry);
    }
    this.last = entry;
    return entry;
  }

  /** Lists an entry changed in place, to be written at the next flush. */
  protected changed(entry: E): void {
    if (entry.dirty) return;
    entry.dirty = true;
    this.dirty.push(entry);
  }

  /** Writes the entries this batch changed. */
  flush(): void {
    for (const entry of this.dirty) {
      this.upsert.add(entry.streamId, ...this.rowOf(entry));
      entry.dirty = false;
    }
    this.upsert.flush();
    this.dirty = [];
    if (this.cache.size > this.cachedAtMost) this.forget();
  }

  /** Forgets the cache: the transaction it mirrored was rolled back. */
  reset(): void {
    this.forget();
    this.dirty = [];
    this.upsert.discard();
  }

  private forget(): void {
    this.cache.clear();
    this.last = null;
  }
}
