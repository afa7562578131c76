import type { QueryBus } from '@nestjs/cqrs';
import type { SyncSummary } from '@roster-ledger/domain';
import { GetSyncQuery, ListSyncsQuery, type Page } from '@roster-ledger/ledger';

/** A sync, and the latest syncs of its district (itself among them), newest first. */
export interface SyncAndItsDistrict {
  mine: SyncSummary;
  recent: SyncSummary[];
}

/**
 * What a sync's report reads about the district besides the sync (see interruptedSyncsFound,
 * idSourceChange): read once for both. Null when the ledger cannot say (a sync that never named
 * its district, a failing query). Never throws: it only adds to a report.
 */
export async function recentDistrictSyncs(queries: QueryBus, syncId: string): Promise<SyncAndItsDistrict | null> {
  try {
    const mine = await queries.execute<GetSyncQuery, SyncSummary>(new GetSyncQuery(syncId));
    if (!mine.districtId) return null;
    const recent = await queries.execute<ListSyncsQuery, Page<SyncSummary>>(new ListSyncsQuery(mine.districtId, 50));
    return { mine, recent: recent.items };
  } catch {
    return null;
  }
}
