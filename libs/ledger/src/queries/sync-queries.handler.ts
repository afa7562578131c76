import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { SyncSummary } from '@roster-ledger/domain';
import { SyncHistory } from '../services/sync-history';
import { ListSyncsQuery } from './list-syncs.query';
import { GetSyncQuery } from './get-sync.query';

@QueryHandler(ListSyncsQuery)
export class ListSyncsHandler implements IQueryHandler<ListSyncsQuery, SyncSummary[]> {
  constructor(private readonly history: SyncHistory) {}
  async execute({ districtId, limit }: ListSyncsQuery): Promise<SyncSummary[]> {
    return (await this.history.list(districtId)).slice(0, limit);
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
