import { evolveUser, USER_ROLES, type RecordParts, type UserEvent, type UserRole } from '@roster-ledger/domain';
import type { AccountView, RecordedEvent } from '@roster-ledger/ledger';
import { factsOf } from './event-facts';

/** One account per Clever user, as the read model keeps it: what readers see, plus its last sync. */
export interface Account extends AccountView {
  lastSyncId: string | null;
}

/** Folds one event of a `user-` stream into its account. Mutates and returns it. */
export function evolveAccount(account: Account | undefined, event: RecordedEvent): Account | undefined {
  if (account && event.position <= account.position) return account;
  // the roles before a removal, which may change the person in place (only then: a rebuild folds millions of events)
  const rolesBefore = account && event.type.endsWith('Removed') ? { ...account.person.roles } : undefined;
  const person = evolveUser(account?.person, event.revision, { type: event.type, data: event.data } as unknown as UserEvent);
  if (!person) return account;
  const facts = factsOf(event);
  const roles = USER_ROLES.filter((r) => person.roles[r] !== undefined);
  const next: Account = account ?? {
    id: person.id,
    districtId: facts.districtId,
    status: 'active',
    roles,
    person,
    firstSharedAt: facts.observedAt,
    firstSharedSync: facts.syncId,
    lastChangedAt: facts.observedAt,
    lastSyncId: facts.syncId,
    removedAt: null,
    removedSync: null,
    position: event.position,
  };
  next.person = person;
  // a role removed is kept as it stood, until it is shared again
  for (const [role, facet] of Object.entries(rolesBefore ?? {}) as [UserRole, RecordParts][]) {
    if (person.roles[role] === undefined) next.formerFacets = { ...next.formerFacets, [role]: facet };
  }
  if (next.formerFacets !== undefined && roles.some((role) => next.formerFacets![role] !== undefined)) {
    next.formerFacets = Object.fromEntries(Object.entries(next.formerFacets).filter(([role]) => !roles.includes(role as UserRole)));
  }
  next.roles = roles;
  next.lastChangedAt = facts.observedAt;
  next.lastSyncId = facts.syncId;
  next.position = event.position;
  if (roles.length === 0 && next.status === 'active') {
    Object.assign(next, { status: 'removed', removedAt: facts.observedAt, removedSync: facts.syncId });
  } else if (roles.length > 0 && next.status === 'removed') {
    Object.assign(next, { status: 'active', removedAt: null, removedSync: null });
  }
  return next;
}
