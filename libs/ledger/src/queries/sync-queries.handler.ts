import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { SyncSummary } from '@roster-ledger/domain';
import { NotFound } from '../errors/ledger-errors';
import { SyncHistory } from '../services/sync-history';
import { ListSyncsQuery } from './list-syncs.query';
import { GetSyncQuery } from './get-sync.query';

@QueryHandler(ListSyncsQuery)
export class ListSyncsHandler implements IQueryHandler<ListSyncsQuery, SyncSummary[]> {
  constructor(private readonly history: SyncHistory) {}
  /** @throws NotFound for a district no sync was ever of: "no syncs" would read as a district that was never synced */
  async execute({ districtId, limit }: ListSyncsQuery): Promise<SyncSummary[]> {
    const syncs = await this.history.list(districtId);
    // every record comes through a sync: a district with none is one the ledger has never recorded
    if (syncs.length === 0 && districtId !== undefined) throw new NotFound(`district ${districtId}`);
    return syncs.slice(0, limit);
  }
}

@QueryHandler(GetSyncQuery)
export class GetSyncHandler implements IQueryHandler<GetSyncQuery, SyncSummary> {
  constructor(private readonly history: SyncHistory) {}
  /** @throws SyncNotFound */
  execute({ syncId }: GetSyncQuery): Promise<SyncSummary> {
    return this.history.get(syncId);
  }
}
