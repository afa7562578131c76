import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { InvalidInput, type SyncSummary } from '@roster-ledger/domain';
import type { Page } from '../ports/read-models.port';
import { NotFound } from '../errors/ledger-errors';
import { SyncHistory } from '../services/sync-history';
import { ListSyncsQuery } from './list-syncs.query';
import { PENDING_CHANGE_STORE, SYNC_LOCK } from '../ports/tokens';
import type { PendingChangeStore } from '../ports/pending-change-store.port';
import type { SyncLock } from '../ports/sync-lock.port';
import { asItStands } from './sync-as-it-stands';

@QueryHandler(ListSyncsQuery)
export class ListSyncsHandler implements IQueryHandler<ListSyncsQuery, Page<SyncSummary>> {
  constructor(
    private readonly history: SyncHistory,
    @Inject(SYNC_LOCK) private readonly lock: SyncLock,
    @Inject(PENDING_CHANGE_STORE) private readonly pending: PendingChangeStore,
  ) {}
  /**
   * `next` is the id of the page's last sync when older ones follow, else null. Syncs only ever
   * join the list at its new end, so a page's last sync marks where the next page starts.
   * @throws NotFound for a district no sync was ever of: "no syncs" would read as a district that was never synced
   * @throws InvalidInput (field `after`) for an `after` that is no sync of the list
   */
  async execute({ districtId, limit, after, status }: ListSyncsQuery): Promise<Page<SyncSummary>> {
    const query = { ...(districtId === undefined ? {} : { districtId }), ...(status === undefined ? {} : { statuses: [status] }), limit: limit + 1 };
    const syncs = await this.history.listAfter(query, after);
    if (syncs === null) {
      // every record comes through a sync: a district with none is one the ledger has never recorded
      if (districtId !== undefined && (await this.history.list({ districtId, limit: 1 })).length === 0) throw new NotFound(`district ${districtId}`);
      const listed = districtId === undefined ? 'a sync of this ledger' : `a sync of district ${districtId}`;
      throw new InvalidInput(`must be the id of ${listed}, the last one of the page before, got "${after}"`, { field: 'after' });
    }
    // every record comes through a sync: a district with none is one the ledger has never recorded
    // (one with syncs, none of the status asked, has an empty page)
    if (syncs.length === 0 && districtId !== undefined && after === undefined && (status === undefined || (await this.history.list({ districtId, limit: 1 })).length === 0)) {
      throw new NotFound(`district ${districtId}`);
    }
    const items = await Promise.all(syncs.slice(0, limit).map((summary) => asItStands(summary, this.lock, this.pending)));
    return { items, next: syncs.length > limit ? items[items.length - 1]!.syncId : null };
  }
}
