import type { ClassName } from '../ports/read-models.port';

/**
 * A member since the sync that shared the class, first or again after a removal: the ledger knows
 * nothing of the class before its first share, nor of it while it was not shared, so the member
 * joined at that sync or before.
 */
export function sinceTheClassWasShared(sinceSync: string | null, shared: Pick<ClassName, 'firstSharedSync' | 'sharedAgainSyncs'>): boolean {
  // a class folded before the syncs that shared it again were kept has none
  return sinceSync !== null && (sinceSync === shared.firstSharedSync || (shared.sharedAgainSyncs ?? []).includes(sinceSync));
}
