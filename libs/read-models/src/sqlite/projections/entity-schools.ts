import type { RecordedEvent } from '@roster-ledger/ledger';
import { canMoveSchools, evolveRecordSchools, facetOf, schoolsOfEvent, type RecordSchools } from '../../model/timeline-subjects';
import { BufferedInsert } from '../buffered-insert';
import type { Db } from '../read-model-database';

interface Entry {
  streamId: string;
  schools: RecordSchools;
  /** The position of the last event that could move the record's schools (a share, an update, a removal). */
  position: number;
  /**
   * What an event that cannot move them is filed under, by facet, as worked out once: a
   * section's enrollments (most of the log) are each filed under the same schools.
   */
  filed?: Map<string | null, readonly string[]>;
  /** Changed since the last flush (and listed in `dirty`). */
  dirty: boolean;
}

/** What an event of a record without schools (a school, a term, a district) is filed under. */
const NO_SCHOOLS: readonly string[] = Object.freeze([]);

/**
 * The schools of each user (per role) and section, as a projection's own small table: the
 * timelines and the audit feed file an event under the schools its record had, which a removal
 * does not repeat. Each entry remembers the position of the last event that could move them, so
 * such an event replayed is known as one (and skipped by the caller). Other events leave the
 * entry alone: a section's enrollments used to rewrite its entry batch after batch. A replayed
 * enrollment after the last move is filed under the same schools as the first time (the callers
 * insert rows keyed by position, so it adds nothing); one before it is known as a replay.
 *
 * A record's events come together in the log (a section's share, then its enrollments): the last
 * entry is kept at hand, and entries are changed in place and listed when they first change, so
 * that most events cost no look-up of their stream's id in a map (at a million students, the
 * maps' look-ups were most of the 12 s this class took in a rebuild).
 */
export class EntitySchools {
  private readonly select;
  private readonly upsert;
  private readonly cache = new Map<string, Entry>();
  private dirty: Entry[] = [];
  private last: Entry | null = null;

  static create(db: Db, table: string): void {
    // the column's name is this meaning's: entries that moved with every event are not read as these
    db.exec(`CREATE TABLE IF NOT EXISTS ${table} (stream_id TEXT PRIMARY KEY, schools TEXT NOT NULL, moved_at INTEGER NOT NULL) WITHOUT ROWID`);
  }

  constructor(db: Db, table: string) {
    this.select = db.prepare(`SELECT schools, moved_at FROM ${table} WHERE stream_id = ?`);
    // a bulk load writes an entry for every user and section: many to a statement
    this.upsert = new BufferedInsert(
      db,
      `INSERT INTO ${table} (stream_id, schools, moved_at)`,
      3,
      'ON CONFLICT (stream_id) DO UPDATE SET schools = excluded.schools, moved_at = excluded.moved_at',
    );
  }

  /**
   * The schools to file an event under, updating the record's schools. Null when the event is at
   * or before the position of the last event that moved them: a replay, to be ignored.
   */
  follow(event: RecordedEvent): readonly string[] | null {
    let entry = this.last;
    if (entry === null || entry.streamId !== event.streamId) {
      entry = this.entryOf(event.streamId);
      if (entry === null) return NO_SCHOOLS;
      this.last = entry;
    }
    if (event.position <= entry.position) return null;
    if (!canMoveSchools(event)) return this.filedUnmoved(entry, event);
    const before = entry.schools;
    entry.schools = evolveRecordSchools(before, event);
    entry.position = event.position;
    entry.filed = undefined;
    if (!entry.dirty) {
      entry.dirty = true;
      this.dirty.push(entry);
    }
    return schoolsOfEvent(before, entry.schools, event);
  }

  /** The entry of a user or section stream (read from the table, or new); null for other records. */
  private entryOf(streamId: string): Entry | null {
    if (!streamId.startsWith('user-') && !streamId.startsWith('section-')) return null;
    let entry = this.cache.get(streamId);
    if (entry === undefined) {
      const row = this.select.get(streamId) as { schools: string; moved_at: number } | undefined;
      entry = row
        ? { streamId, schools: JSON.parse(row.schools) as RecordSchools, position: row.moved_at, dirty: false }
        : { streamId, schools: {}, position: 0, dirty: false };
      this.cache.set(streamId, entry);
    }
    return entry;
  }

  /** The schools of an event that leaves its record's where they are: the same for each of its facet's events. */
  private filedUnmoved(entry: Entry, event: RecordedEvent): readonly string[] {
    const facet = facetOf(event);
    entry.filed ??= new Map();
    let filed = entry.filed.get(facet);
    if (filed === undefined) {
      filed = schoolsOfEvent(entry.schools, entry.schools, event);
      entry.filed.set(facet, filed);
    }
    return filed;
  }

  /** Writes the entries this batch changed (once each, however many events touched them). */
  flush(): void {
    for (const entry of this.dirty) {
      this.upsert.add(entry.streamId, JSON.stringify(entry.schools), entry.position);
      entry.dirty = false;
    }
    this.upsert.flush();
    this.dirty = [];
    // bounded memory: the next batch reads what it needs back from the table
    if (this.cache.size > 200_000) this.forget();
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
