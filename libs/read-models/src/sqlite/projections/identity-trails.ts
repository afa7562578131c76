import { roleOfUserEvent, USER_ROLES } from '@roster-ledger/domain';
import type { RecordedEvent } from '@roster-ledger/ledger';
import { followTrail, type IdentityTrail } from '../../model/last-known';
import type { Db } from '../read-model-database';
import { StreamEntries, type StreamEntry } from './stream-entries';

interface Entry extends StreamEntry {
  trail: IdentityTrail;
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
 * objects made its file 15% larger, these 6%.
 */
export class IdentityTrails extends StreamEntries<Entry> {
  static create(db: Db, table: string): void {
    StreamEntries.createTable(db, table, ['positions TEXT NOT NULL', 'roles INTEGER NOT NULL']);
  }

  constructor(db: Db, table: string) {
    super(db, table, ['positions', 'roles']);
  }

  /**
   * Follows an event that changes its record's identity. Returns, for a removal, the positions of
   * the trail the record had just before it; for a share of a record (or of a user's role) the
   * trail knew and that is not shared now (shared again, or a user's new role), the trail it had,
   * ending with its removal; for anything else, none. Null when the event is at or before the
   * last one followed: a replay, to be ignored.
   */
  follow(event: RecordedEvent): readonly number[] | null {
    const entry = this.entryOf(event.streamId);
    const positions = entry.trail.positions;
    if (positions.length > 0 && event.position <= positions[positions.length - 1]!) return null;
    // a copy only when returned: the trail changes in place
    const before = event.type.endsWith('Removed') || this.sharesAgain(entry.trail, event) ? positions.slice() : NONE;
    entry.trail = followTrail(entry.trail, event);
    this.changed(entry);
    return before;
  }

  /**
   * Whether a share is of a record the trail knew: any share of a plain record or a section with a
   * trail (the ledger shares one again only after its removal), or of a user's role the user does
   * not hold now. A user's first share of a second role passes too: its trail holds no version of
   * that role, and the query finds none (see lastKnownOf).
   */
  private sharesAgain(trail: IdentityTrail, event: RecordedEvent): boolean {
    if (!event.type.endsWith('Shared') || trail.positions.length === 0) return false;
    const role = event.streamId.startsWith('user-') ? roleOfUserEvent(event.type) : undefined;
    return role === undefined || !trail.roles.includes(role);
  }

  protected fromRow(streamId: string, row: { positions: string; roles: number } | undefined): Entry {
    const trail = row ? { positions: positionsOf(row.positions), roles: rolesOf(row.roles) } : { positions: [], roles: [] };
    return { streamId, trail, dirty: false };
  }

  protected rowOf(entry: Entry): unknown[] {
    return [positionsText(entry.trail.positions), rolesBits(entry.trail.roles)];
  }
}
