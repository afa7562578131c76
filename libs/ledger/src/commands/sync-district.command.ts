import type { SyncSummary, RequestChannel } from '@roster-ledger/domain';
import type { SyncProgress } from './run-sync.command';

export type SyncMode = 'full' | 'events';
export const SYNC_MODES: readonly SyncMode[] = ['full', 'events'];

/**
 * The location at which the SnapshotReader reads a district from the Clever Data API (the
 * Clever adapter's `CLEVER_API_SCHEME`, `clever-api:`, followed by the district id).
 */
export const cleverApiLocation = (districtId: string): string => `clever-api:${districtId}`;

export interface SyncDistrictOptions {
  mode: SyncMode;
  /** Who asked for the sync (a user, a key name, `schedule`). */
  requestedBy: string;
  /** Through what it was asked for: recorded on its SyncStarted. */
  requestedVia?: RequestChannel;
  /** The id of the sync that will run (a fallback full sync keeps it); a new one by default. */
  syncId?: string;
  /**
   * When the sync was asked for and accepted, as its record will say: the server answers a
   * request at once (HTTP 202) and shows the sync from then on, before its thread records it.
   * Now by default.
   */
  startedAt?: string;
  onProgress?: (progress: SyncProgress) => void;
  /**
   * Called once the district's lock is taken and no held sync waits: from then on the sync runs
   * and is recorded. Refusals come before it, as the command's rejection (SyncAlreadyRunning,
   * HeldSyncPending), so a caller answering at once (HTTP 202) can wait for this first.
   */
  onAccepted?: (syncId: string) => void;
}

export interface SyncDistrictResult {
  syncId: string;
  districtId: string;
  /** What was asked for. */
  mode: SyncMode;
  /** What ran: an events sync that could not read on from its cursor ran as a full sync. */
  ran: SyncMode;
  /** Why an events sync fell back to a full sync; null when it did not. */
  fallback: string | null;
  summary: SyncSummary;
  /** The district's events cursor after the sync (null: none yet). */
  cursor: { value: string | null; at: string } | null;
  /** Why a full sync set no events cursor (the Events API could not be read); null otherwise. */
  cursorProblem: string | null;
}

/**
 * Sync a district connected to Clever: `full` reads the newest Clever event id (the cursor),
 * then the whole district from the Data API, and sets the cursor with the sync's result; `events`
 * reads the Events API after the cursor, and falls back to a full sync (saying why) when there is
 * no cursor or events may have been lost since it.
 */
export class SyncDistrictCommand {
  constructor(
    readonly districtId: string,
    readonly options: SyncDistrictOptions,
  ) {}
}
