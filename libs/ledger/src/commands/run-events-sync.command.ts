import type { RequestChannel } from '@roster-ledger/domain';
import type { SyncProgress } from './run-sync.command';

export interface RunEventsSyncOptions {
  /** Who asked for the sync (a user, a key name, `schedule`). */
  requestedBy: string;
  /** Through what it was asked for: recorded on its SyncStarted. */
  requestedVia?: RequestChannel;
  /** Reuse a sync id (the one a caller already holds the district's lock with); a new one by default. */
  syncId?: string;
  /** When the sync started, as recorded (see SyncDistrictOptions.startedAt); now by default. */
  startedAt?: string;
  /** `records` counts Clever events read. */
  onProgress?: (progress: SyncProgress) => void;
}

/**
 * Read a district's Clever events after its cursor, diff each change against the ledger, and
 * record the difference with the advanced cursor in one append.
 * @throws EventsCursorGap (before recording anything) when the cursor cannot be read on from.
 */
export class RunEventsSyncCommand {
  constructor(
    readonly districtId: string,
    readonly options: RunEventsSyncOptions,
  ) {}
}
