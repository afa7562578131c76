import type { SyncStatus } from '@roster-ledger/domain';

/**
 * Syncs, newest first, optionally of one district and of one status (`held`: the decisions
 * pending), a page at a time (`after`: the id of the last sync of the page before).
 */
export class ListSyncsQuery {
  constructor(
    readonly districtId?: string,
    readonly limit = 50,
    readonly after?: string,
    readonly status?: SyncStatus,
  ) {}
}
