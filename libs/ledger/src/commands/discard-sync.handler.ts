import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { SyncSummary } from '@roster-ledger/domain';
import type { EventStore } from '../ports/event-store.port';
import type { PendingChangeStore } from '../ports/pending-change-store.port';
import type { Clock } from '../ports/clock.port';
import { CLOCK, EVENT_STORE, PENDING_CHANGE_STORE } from '../ports/tokens';
import { SyncHistory } from '../services/sync-history';
import { DiscardSyncCommand } from './discard-sync.command';
import { openHeldSync } from './held-sync';

/** Records SyncDiscarded (who, when) and drops the pending change set; no roster event is written. */
@CommandHandler(DiscardSyncCommand)
export class DiscardSyncHandler implements ICommandHandler<DiscardSyncCommand, SyncSummary> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PENDING_CHANGE_STORE) private readonly pending: PendingChangeStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly history: SyncHistory,
  ) {}

  async execute({ syncId, by }: DiscardSyncCommand): Promise<SyncSummary> {
    const { recorder } = await openHeldSync(syncId, this.history, this.store, this.clock);
    await recorder.record({ type: 'SyncDiscarded', data: { syncId, by, discardedAt: this.clock.now().toISOString() } });
    await this.pending.delete(syncId);
    return this.history.get(syncId);
  }
}
