import type { SyncSource } from './sync-events';

/** Current shape version of every event written today. Bump it with an upcaster for the old shape. */
export const SCHEMA_VERSION = 1;

/**
 * Metadata on every event. Two clocks, never confused: `cleverLastModified` / the record's own
 * `created` are Clever's word; `observedAt` (the sync's view time; for a decision on a held sync or a sync found interrupted, when it
 * was decided) and `recordedAt` are the ledger's.
 */
export interface EventMetadata {
  syncId: string;
  districtId: string | null;
  source: SyncSource;
  observedAt: string;
  recordedAt: string;
  schemaVersion: number;
  correlationId: string;
  causationId: string;
  cleverEventId?: string;
  cleverLastModified?: string;
  /**
   * On a removal a Clever full sync recorded because the record was absent from its complete view:
   * when that view was complete (the ledger's clock, taken after the sync's last read). The
   * record's clock from then on: an events sync records nothing from an older version of it.
   */
  removedAsOf?: string;
}
