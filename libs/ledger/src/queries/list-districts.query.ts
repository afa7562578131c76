import type { SyncSummary } from '@roster-ledger/domain';

/**
 * The districts the ledger holds, by id: each that a sync recorded (completed) or holds a change
 * set for. A district whose every sync failed or was discarded holds nothing, so is not one.
 */
export class ListDistrictsQuery {}

export interface RecordedDistrict {
  districtId: string;
  /** Its newest sync that completed or is held. */
  lastSync: SyncSummary;
}
