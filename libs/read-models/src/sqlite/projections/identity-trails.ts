import type { RecordedEvent } from '@roster-ledger/ledger';
import { followTrail, isSharedAgain, type IdentityTrail } from '../../model/last-known';
import type { Db } from '../read-model-database';
import { StreamEntries, type StreamEntry } from './stream-entries';

interface Entry extends StreamEntry {
  trail: IdentityTrail;
}

const NONE: readonly number[] = Object.freeze([]);

/** Log positions as the audit's tables keep them: decimal, comma-separated ('' for none). */
export const positionsText = (positions: readonly number[]): string => positions.join(',');
export const positionsOf = (text: string): number[] => (text === '' ? [] : text.split(',').map(Number));

/**
 * The identity trail (see IdentityTrail) of each record, as a projection's own small table: the
 * audit feed keeps, with each removal and each share again, the trail the record had, so that it
 * can say who or what was removed. Only the events that change a record's identity are followed
 * (a share, an update, a removal: not a section's memberships, most of the log). A trail ends
 * with the last event followed, so an event at or before its end is a replay.
 *
 * An entry for every user and section of a district, so a row is kept small: positions as text,
 * no column for the last position (the trail ends with it).
 */
export class IdentityTrails extends StreamEntries<Entry> {
  static create(db: Db, table: string): void {
    StreamEntries.createTable(db, table, ['positions TEXT NOT NULL']);
  }

  constructor(db: Db, table: string) {
    super(db, table, ['positions']);
  }

  /**
   * Follows an event that changes its record's identity. Returns, for a removal, the positions of
   * the trail the record had just before it; for a share again (a record, or a user's role, that
   * was removed: `sharedAgain` in its data, as the sync judged it), the trail it had, ending with
   * that removal; for anything else, none. Null when the event is at or before the last one
   * followed: a replay, to be ignored.
   */
  follow(event: RecordedEvent): readonly number[] | null {
    const entry = this.entryOf(event.streamId);
    const positions = entry.trail.positions;
    if (positions.length > 0 && event.position <= positions[positions.length - 1]!) return null;
    // a copy only when returned: the trail changes in place
    const before = event.type.endsWith('Removed') || isSharedAgain(event) ? positions.slice() : NONE;
    entry.trail = followTrail(entry.trail, event);
    this.changed(entry);
    return before;
  }

  protected fromRow(streamId: string, row: { positions: string } | undefined): Entry {
    return { streamId, trail: { positions: row ? positionsOf(row.positions) : [] }, dirty: false };
  }

  protected rowOf(entry: Entry): unknown[] {
    return [positionsText(entry.trail.positions)];
  }
}
