/**
 * A person releases the district lock a sync holds, on their word that its process is gone when
 * this process cannot see it: a process of another container (a server restarted in its
 * container after a crash gets a new process-id namespace, usually with the id it had) or of
 * another host. A holder this process can see alive is never released so; one it sees gone
 * would be taken over by the next sync anyway.
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
  /** The process that held the lock, and whether this one could not see it (taken as gone on the person's word); null when the sync held no lock. */
  released: { owner: { pid: number; host: string; started?: string }; elsewhere: boolean } | null;
  /** Whether the sync was still recorded as running, and is now recorded as interrupted. */
  interrupted: boolean;
}
