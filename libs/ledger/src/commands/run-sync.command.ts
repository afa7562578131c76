import type { EventsCursorSetReason, RequestChannel } from '@roster-ledger/domain';

/** Progress of a running sync, for progress bars. */
export interface SyncProgress {
  phase: 'reading' | 'writing';
  records: number;
  bytesDone: number;
  bytesTotal: number;
}

export interface RunSyncOptions {
  /** The district the snapshot is for; by default the district its records name. */
  districtId?: string;
  /** Who asked for the sync (a user, a key name, `schedule`). */
  requestedBy: string;
  /** Through what it was asked for: recorded on its SyncStarted. */
  requestedVia?: RequestChannel;
  /** Reuse a sync id (a retry of the same sync); a new one by default. */
  syncId?: string;
  /** When the sync started, as recorded (see SyncDistrictOptions.startedAt); now by default. */
  startedAt?: string;
  onProgress?: (progress: SyncProgress) => void;
  /**
   * Read and compare every record even when the files are byte for byte those of the district's
   * last sync (see SameFiles): to check the ledger's state against a snapshot the hard way.
   */
  readAll?: boolean;
  /**
   * Set the district's Clever events cursor with the sync's result (the newest event id read
   * before the snapshot; null for an empty feed). Written only if the sync completes (or, held,
   * when it is approved).
   */
  eventsCursor?: { cursor: string | null; reason: EventsCursorSetReason; detail?: string };
  /** Why this full sync runs in place of an events sync, when it does: recorded on its SyncStarted. */
  fallback?: string;
  /** Why this full sync sets no events cursor, when Clever's newest event could not be read: recorded on its SyncStarted. */
  cursorNotSet?: string;
}

/** Take a complete view of a district, diff it against the ledger, and record the difference. */
export class RunSyncCommand {
  constructor(
    /** Where the snapshot is (a folder). */
    readonly location: string,
    readonly options: RunSyncOptions,
  ) {}
}
