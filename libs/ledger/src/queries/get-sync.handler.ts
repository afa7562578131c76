import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { SyncSummary } from '@roster-ledger/domain';
import { SyncHistory } from '../services/sync-history';
import { GetSyncQuery } from './get-sync.query';
import { PENDING_CHANGE_STORE, SYNC_LOCK } from '../ports/tokens';
import type { PendingChangeStore } from '../ports/pending-change-store.port';
import type { SyncLock } from '../ports/sync-lock.port';
import { asItStands } from './sync-as-it-stands';

@QueryHandler(GetSyncQuery)
export class GetSyncHandler implements IQueryHandler<GetSyncQuery, SyncSummary> {
  constructor(
    private readonly history: SyncHistory,
    @Inject(SYNC_LOCK) private readonly lock: SyncLock,
    @Inject(PENDING_CHANGE_STORE) private readonly pending: PendingChangeStore,
  ) {}
  /** @throws SyncNotFound */
  async execute({ syncId }: GetSyncQuery): Promise<SyncSummary> {
    return asItStands(await this.history.get(syncId), this.lock, this.pending);
  }
}
