/**
 * A person releases the district lock of a sync whose process is gone, and has it recorded as
 * interrupted, without running the district's next sync (which would do both itself). A holder
 * that still runs, in whichever container, is never released so.
 */
export class UnlockSyncCommand {
  constructor(
    readonly syncId: string,
    readonly by: string,
  ) {}
}

/** What an unlock found and did. */
export interface UnlockResult {
  syncId: string;
  districtId: string | null;
  /** The process that held the lock; null when the sync held no lock. */
  released: { owner: { pid: number; host: string; started?: string } } | null;
  /** Whether the sync was still recorded as running, and is now recorded as interrupted. */
  interrupted: boolean;
}
