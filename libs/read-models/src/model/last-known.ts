import { categoryOf, evolveEntity, evolveUser, roleOfUserEvent, type EntityState, type RosterEvent, type UserEvent, type UserState } from '@roster-ledger/domain';
import type { LastKnownRecord, RecordedEvent } from '@roster-ledger/ledger';

const RECORD_CATEGORIES: readonly string[] = ['district', 'school', 'term', 'course', 'user', 'section'];
const CHANGES_IDENTITY = /(Shared|Updated|Removed)$/;

/**
 * Whether an event can change what its record is: a share, an update (a student's demographics
 * too) or a removal of a district, school, term, course, user or section. A section's memberships
 * (most of the log) cannot: its name and fields come only with SectionShared and SectionUpdated.
 */
export function changesIdentity(event: Pick<RecordedEvent, 'streamId' | 'type'>): boolean {
  return CHANGES_IDENTITY.test(event.type) && RECORD_CATEGORIES.includes(categoryOf(event.streamId));
}

/** A removal of a record (StudentRemoved, SectionRemoved, SchoolRemoved, ...). */
export function isRemoval(event: Pick<RecordedEvent, 'streamId' | 'type'>): boolean {
  return event.type.endsWith('Removed') && changesIdentity(event);
}

/**
 * Where to find what a record is in the log: the positions of the events its state folds from,
 * oldest first. A plain record or a section is set whole by each share, so its trail starts again
 * there. A user's goes on from their first share: a role removed and shared again later (after
 * the person's other roles came and went) is known only from the events of that role's earlier
 * life. A trail points into the log, as the audit feed's rows do: it copies no personal data.
 */
export interface IdentityTrail {
  positions: number[];
}

/**
 * Follows one event that changes its record's identity (see changesIdentity) into the record's
 * trail. Mutates and returns `trail` (or a new one).
 */
export function followTrail(trail: IdentityTrail | undefined, event: Pick<RecordedEvent, 'streamId' | 'type' | 'position'>): IdentityTrail {
  if (event.type.endsWith('Shared') && (trail === undefined || !event.streamId.startsWith('user-'))) return { positions: [event.position] };
  const next = trail ?? { positions: [] };
  next.positions.push(event.position);
  return next;
}

/**
 * A record as it stood when it was last shared, folded from the events of its trail (oldest
 * first) the way the ledger folds them: for a removal, just before it (the trail ends before the
 * removal); for a share again, when it was removed (the trail ends with that removal). For a
 * user, the role's fields (the removed role's, or the role shared again) with the person's own
 * personal fields (name, email) and the role's (SIS id, numbers, demographics), as they stood
 * then; for any other record, its fields and personal fields. Null when the trail holds no
 * version of it (or of that role: a user's first share of a second role).
 */
export function lastKnownOf(event: Pick<RecordedEvent, 'streamId' | 'type'>, trail: readonly RecordedEvent[]): LastKnownRecord | null {
  if (event.streamId.startsWith('user-')) {
    const role = roleOfUserEvent(event.type);
    let user: UserState | undefined;
    let known: LastKnownRecord | null = null;
    for (const e of trail) {
      user = evolveUser(user, e.revision, { type: e.type, data: e.data } as unknown as UserEvent);
      // taken after each event, as a removal takes the role's facet away (a fold makes new field objects)
      const facet = role === undefined ? undefined : user?.roles[role];
      if (user !== undefined && facet !== undefined) known = { record: facet.fields, personal: { ...user.personal, ...facet.personal } };
    }
    return known;
  }
  let state: EntityState | undefined;
  for (const e of trail) state = evolveEntity(state, e.revision, { type: e.type, data: e.data } as unknown as RosterEvent);
  return state === undefined ? null : { record: state.fields, personal: state.personal };
}

/** A share of a record (or of a user's role) that was removed before: `sharedAgain` in its data, as the sync judged it. */
export function isSharedAgain(event: Pick<RecordedEvent, 'type' | 'data'>): boolean {
  return event.type.endsWith('Shared') && (event.data as { sharedAgain?: unknown }).sharedAgain === true;
}

/**
 * What each removal and each share again of one record's stream (its events oldest first) among
 * `wanted` removed or had been (see lastKnownOf): what the audit feed keeps trails for, worked
 * out from the stream itself for the few a timeline page shows.
 */
export function lastKnownAlong(stream: Iterable<RecordedEvent>, wanted: ReadonlySet<number>): Map<number, LastKnownRecord | null> {
  const found = new Map<number, LastKnownRecord | null>();
  const followed = new Map<number, RecordedEvent>();
  let trail: IdentityTrail | undefined;
  for (const event of stream) {
    if (!changesIdentity(event)) continue;
    if (wanted.has(event.position)) found.set(event.position, lastKnownOf(event, (trail?.positions ?? []).map((p) => followed.get(p)!)));
    followed.set(event.position, event);
    trail = followTrail(trail, event);
  }
  return found;
}
