/**
 * A person releases a district's sync lock whose holder they know to be gone, but which this
 * process cannot check: a process of another container (a server restarted in its container
 * after a crash gets a new process-id namespace), of another host, or noted before processes'
 * starts were. A holder this process can see alive is never released so.
 */
export class UnlockDistrictCommand {
  constructor(
    readonly districtId: string,
    readonly by: string,
  ) {}
}

/** What an unlock found and did. */
export interface UnlockResult {
  districtId: string;
  /** The sync whose lock was released, its process, and whether that process could be checked (and was found gone); null when the district was not locked. */
  released: { syncId: string; owner: { pid: number; host: string; started?: string }; checked: boolean } | null;
  /** Whether the sync was still recorded as running, and is now recorded as interrupted. */
  interrupted: boolean;
}
