import type { StreamAppend } from './event-store.port';

/**
 * Durable keeping of a held sync's pending change set: the exact appends the sync would have
 * made, with the expected revision of each stream, so that approval applies precisely what was
 * previewed (and fails with a conflict if the ledger moved on meanwhile).
 */
export interface PendingChangeStore {
  /** Stores the change set of a held sync. Saving the same sync again replaces it. */
  save(syncId: string, districtId: string, appends: StreamAppend[]): Promise<void>;
  /** The change set of a held sync, or null when there is none (never held, applied or discarded). */
  load(syncId: string): Promise<StreamAppend[] | null>;
  /** Drops a change set; dropping one that does not exist is a no-op. */
  delete(syncId: string): Promise<void>;
}
