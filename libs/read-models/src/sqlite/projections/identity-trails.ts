import { USER_ROLES } from '@roster-ledger/domain';
import type { RecordedEvent } from '@roster-ledger/ledger';
import { followTrail, type IdentityTrail } from '../../model/last-known';
import { BufferedInsert } from '../buffered-insert';
import type { Db } from '../read-model-database';

interface Entry {
  streamId: string;
  trail: IdentityTrail;
  /** Changed since the last flush (and listed in `dirty`). */
  dirty: boolean;
}

const NONE: readonly number[] = Object.freeze([]);

/** Log positions as the audit's tables keep them: decimal, comma-separated ('' for none). */
export const positionsText = (positions: readonly number[]): string => positions.join(',');
export const positionsOf = (text: string): number[] => (text === '' ? [] : text.split(',').map(Number));

/** A user's roles as one integer, a bit per role of USER_ROLES. */
const rolesBits = (roles: readonly string[]): number => roles.reduce((bits, role) => bits | (1 << USER_ROLES.indexOf(role as never)), 0);
const rolesOf = (bits: number): string[] => USER_ROLES.filter((_, i) => (bits & (1 << i)) !== 0);

/**
 * The identity trail (see IdentityTrail) of each record, as a projection's own small table: the
 * audit feed keeps, with each removal, the trail the record had, so that the removal can say who
 * or what was removed. Only the events that change a record's identity are followed (a share, an
 * update, a removal: not a section's memberships, most of the log). A trail ends with the last
 * event followed, so an event at or before its end is a replay.
 *
 * An entry for every user and section of a district, so a row is kept small: positions as text,
 * a user's roles as bits, no column for the last position (the trail ends with it). Folding a
 * generated 100k-student import and churn (764k events) through the audit alone, entries as JSON
 * objects made its file 15% larger, these 6%. As in EntitySchools, a record's events come
 * together in the log: the last entry is kept at hand, and entries are changed in place and
 * written once a batch.
 */
export class IdentityTrails {
  private readonly select;
  private readonly upsert;
  private readonly cache = new Map<string, Entry>();
  private dirty: Entry[] = [];
  private last: Entry | null = null;

  static create(db: Db, table: string): void {
    db.exec(`CREATE TABLE IF NOT EXISTS ${table} (stream_id TEXT PRIMARY KEY, positions TEXT NOT NULL, roles INTEGER NOT NULL) WITHOUT ROWID`);
  }

  constructor(db: Db, table: string) {
    this.select = db.prepare(`SELECT positions, roles FROM ${table} WHERE stream_id = ?`);
    this.upsert = new BufferedInsert(
      db,
      `INSERT INTO ${table} (stream_id, positions, roles)`,
      3,
      'ON CONFLICT (stream_id) DO UPDATE SET positions = excluded.positions, roles = excluded.roles',
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
    const positions = entry.trail.positions;
    if (positions.length > 0 && event.position <= positions[positions.length - 1]!) return null;
    // a copy for a removal only: the trail changes in place
    const before = event.type.endsWith('Removed') ? positions.slice() : NONE;
    entry.trail = followTrail(entry.trail, event);
    if (!entry.dirty) {
      entry.dirty = true;
      this.dirty.push(entry);
    }
    return before;
  }

  private entryOf(streamId: string): Entry {
    let entry = this.cache.get(streamId);
    if (entry === undefined) {
      const row = this.select.get(streamId) as { positions: string; roles: number } | undefined;
      const trail = row ? { positions: positionsOf(row.positions), roles: rolesOf(row.roles) } : { positions: [], roles: [] };
      entry = { streamId, trail, dirty: false };
      this.cache.set(streamId, entry);
    }
    return entry;
  }

  /** Writes the entries this batch changed (once each, however many events touched them). */
  flush(): void {
    for (const entry of this.dirty) {
      this.upsert.add(entry.streamId, positionsText(entry.trail.positions), rolesBits(entry.trail.roles));
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
