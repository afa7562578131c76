/**
 * Ends the record of a sync or an approval whose thread in this process stopped without ending it
 * (a crash: out of memory, say). A sync still running is recorded as interrupted; the district's
 * lock the sync holds is released. The thread's process is this one, alive, so no later sync would
 * take the lock over, and the district would stay locked until the process exits. Answers the
 * sync's record as it ends: an approval whose thread stopped after its append committed is completed.
 */
export class EndStoppedSyncCommand {
  constructor(
    readonly syncId: string,
    /** The district, when the sync may have stopped before it recorded its start. */
    readonly districtId: string | null,
  ) {}
}
