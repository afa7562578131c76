import type { SyncOwner } from '@roster-ledger/domain';

/**
 * One sync at a time per district. A lock whose holder died (a killed process, in whichever
 * container it ran) is taken over, and the caller is told which sync it was, so that sync can be
 * recorded as interrupted.
 */
export interface SyncLock {
  /**
   * @returns the sync id of a dead holder that was taken over, or null.
   * @throws SyncAlreadyRunning when a live process holds the district.
   */
  acquire(districtId: string, syncId: string): Promise<string | null>;
  /** Releases the lock if this sync holds it in this process. */
  release(districtId: string, syncId: string): Promise<void>;
  /** This process, as recorded in the syncs it starts. */
  self(): SyncOwner;
  /**
   * Whether the process of a sync recorded as running may still be at work on it: false only when
   * that process is known to be gone (it died holding its district, or it is seen gone).
   */
  mayBeRunning(sync: { syncId: string; districtId: string | null; owner: SyncOwner }): boolean;
  /** The sync holding the district's lock and its process, or null when the district is free. */
  holder(districtId: string): Promise<{ syncId: string; owner: SyncOwner } | null>;
  /**
   * Releases the district's lock held by `syncId` in `owner` (as `holder` gave it), whichever
   * process this is (see UnlockSyncCommand), unless a live process holds the district.
   * @returns whether it was so held and released (another process may have taken it over since)
   */
  breakLock(districtId: string, syncId: string, owner: SyncOwner): Promise<boolean>;
}
