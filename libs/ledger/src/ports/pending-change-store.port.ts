import type { StreamAppend } from './event-store.port';

/**
 * Durable keeping of a sync's change set: the exact appends the sync makes, with the expected
 * revision of each stream. A sync stages its change set here as its diff goes (so a district of
 * any size never sits in memory whole); the event store then appends it in one transaction, or
 * the sync is held and approval later applies precisely what was previewed (failing with a
 * conflict if the ledger moved on meanwhile).
 */
export interface PendingChangeStore {
  /**
   * Adds appends after those already stored for the sync (the first call starts its change set).
   * A set being staged need not survive a crash (its sync then never ends, and the set is garbage).
   */
  add(syncId: string, districtId: string, appends: StreamAppend[]): Promise<void>;
  /** Makes the sync's change set durable: called before the sync is recorded as held on it. */
  seal(syncId: string): Promise<void>;
  /** Whether the sync's change set is there (a held sync's is kept until it is approved or discarded). */
  has(syncId: string): Promise<boolean>;
  /** How many stream appends the sync's change set holds (0 when there is none). */
  size(syncId: string): Promise<number>;
  /**
   * The sync's change set in the order stored (empty when there is none), read lazily a page at a
   * time as it is iterated. The embedded backend's event store can consume it inside its own
   * append transaction (one connection holds both), so the set is never in memory whole.
   * `fromAppend` starts it at that append of the order (0, the first, by default; past the last:
   * empty), without reading the appends before it.
   */
  read(syncId: string, fromAppend?: number): Iterable<StreamAppend>;
  /** Drops a change set; dropping one that does not exist is a no-op. */
  delete(syncId: string): Promise<void>;
  /** Drops every change set of a district (those left by syncs that died before they ended). */
  deleteDistrict(districtId: string): Promise<void>;
}
