import type { RecordedEvent } from '@roster-ledger/ledger';
import { followTrail, type IdentityTrail } from '../../model/last-known';
import { BufferedInsert } from '../buffered-insert';
import type { Db } from '../read-model-database';

interface Entry {
  streamId: string;
  trail: IdentityTrail;
  /** The position of the last event followed into the trail. */
  position: number;
  /** Changed since the last flush (and listed in `dirty`). */
  dirty: boolean;
}

const NONE: readonly number[] = Object.freeze([]);

/**
 * The identity trail (see IdentityTrail) of each record, as a projection's own small table: the
 * audit feed keeps, with each removal, the trail the record had, so that the removal can say who
 * or what was removed. Only the events that change a record's identity are followed (a share, an
 * update, a removal: not a section's memberships, most of the log); each entry remembers the
 * position of the last one, so such an event replayed is known as one.
 *
 * As in EntitySchools, a record's events come together in the log: the last entry is kept at
 * hand, and entries are changed in place and written once a batch.
 */
export class IdentityTrails {
  private readonly select;
  private readonly upsert;
  private readonly cache = new Map<string, Entry>();
  private dirty: Entry[] = [];
  private last: Entry | null = null;

  static create(db: Db, table: string): void {
    db.exec(`CREATE TABLE IF NOT EXISTS ${table} (stream_id TEXT PRIMARY KEY, trail TEXT NOT NULL, followed_at INTEGER NOT NULL) WITHOUT ROWID`);
  }

  constructor(db: Db, table: string) {
    this.select = db.prepare(`SELECT trail, followed_at FROM ${table} WHERE stream_id = ?`);
    this.upsert = new BufferedInsert(
      db,
      `INSERT INTO ${table} (stream_id, trail, followed_at)`,
      3,
      'ON CONFLICT (stream_id) DO UPDATE SET trail = excluded.trail, followed_at = excluded.followed_at',
    );
  }

  /**
   * Follows an event that changes its record's identity. Returns, for a removal, the positions of
   * the trail the record had just before it; for a share or an update, none. Null when the event
   * is at or before the last one followed: a replay, to be ignored.
   */
  follow(event: RecordedEvent): readonly number[] | null {
    let entry = this.last;
    if (entry === null || entry.streamId !== event.streamId) {
      entry = this.entryOf(event.streamId);
      this.last = entry;
    }
    if (event.position <= entry.position) return null;
    // a copy for a removal only: the trail changes in place
    const before = event.type.endsWith('Removed') ? entry.trail.positions.slice() : NONE;
    entry.trail = followTrail(entry.trail, event);
    entry.position = event.position;
    if (!entry.dirty) {
      entry.dirty = true;
      this.dirty.push(entry);
    }
    return before;
  }

  private entryOf(streamId: string): Entry {
    let entry = this.cache.get(streamId);
    if (entry === undefined) {
      const row = this.select.get(streamId) as { trail: string; followed_at: number } | undefined;
      entry = row
        ? { streamId, trail: JSON.parse(row.trail) as IdentityTrail, position: row.followed_at, dirty: false }
        : { streamId, trail: { positions: [], roles: [] }, position: 0, dirty: false };
      this.cache.set(streamId, entry);
    }
    return entry;
  }

  /** Writes the entries this batch changed (once each, however many events touched them). */
  flush(): void {
    for (const entry of this.dirty) {
      this.upsert.add(entry.streamId, JSON.stringify(entry.trail), entry.position);
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
