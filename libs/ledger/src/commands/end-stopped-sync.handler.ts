import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { SyncSummary } from '@roster-ledger/domain';
import type { EventStore } from '../ports/event-store.port';
import type { PendingChangeStore } from '../ports/pending-change-store.port';
import type { SyncLock } from '../ports/sync-lock.port';
import type { Clock } from '../ports/clock.port';
import { CLOCK, EVENT_STORE, PENDING_CHANGE_STORE, SYNC_LOCK } from '../ports/tokens';
import { SyncNotFound } from '../errors/ledger-errors';
import { SyncHistory } from '../services/sync-history';
import { recordInterrupted } from '../services/sync-failures';
import { EndStoppedSyncCommand } from './end-stopped-sync.command';

const THREAD_STOPPED = 'the thread running this sync stopped before it finished (see the server log); nothing of it was applied';

@CommandHandler(EndStoppedSyncCommand)
export class EndStoppedSyncHandler implements ICommandHandler<EndStoppedSyncCommand, SyncSummary | null> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PENDING_CHANGE_STORE) private readonly pending: PendingChangeStore,
    @Inject(SYNC_LOCK) private readonly lock: SyncLock,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly history: SyncHistory,
  ) {}

  /** @returns the sync's record as it ends (null: it never recorded its start) */
  async execute({ syncId, districtId }: EndStoppedSyncCommand): Promise<SyncSummary | null> {
    const sync = await this.history.get(syncId).catch((error: unknown) => {
      if (error instanceof SyncNotFound) return null;
      throw error;
    });
    // a held sync whose approval stopped stays held, to be approved again
    if (sync?.status === 'running') await recordInterrupted({ store: this.store, clock: this.clock, pending: this.pending }, sync, THREAD_STOPPED);
    const district = sync?.districtId ?? districtId;
    if (district !== null) await this.lock.release(district, syncId);
    return sync === null ? null : this.history.get(syncId);
  }
}
