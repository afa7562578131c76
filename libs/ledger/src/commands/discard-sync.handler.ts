import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { SyncSummary } from '@roster-ledger/domain';
import type { EventStore } from '../ports/event-store.port';
import type { PendingChangeStore } from '../ports/pending-change-store.port';
import type { Clock } from '../ports/clock.port';
import type { SyncLock } from '../ports/sync-lock.port';
import { CLOCK, EVENT_STORE, PENDING_CHANGE_STORE, SYNC_LOCK } from '../ports/tokens';
import { SyncHistory } from '../services/sync-history';
import { DiscardSyncCommand } from './discard-sync.command';
import { decideHeldSync } from './held-sync';

/** Records SyncDiscarded (who, when) and drops the pending change set, holding the district's lock; no roster event is written. */
@CommandHandler(DiscardSyncCommand)
export class DiscardSyncHandler implements ICommandHandler<DiscardSyncCommand, SyncSummary> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PENDING_CHANGE_STORE) private readonly pending: PendingChangeStore,
    @Inject(SYNC_LOCK) private readonly lock: SyncLock,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly history: SyncHistory,
  ) {}

  /** @throws SyncNotFound, SyncNotHeld, SyncAlreadyRunning (an approval of it under way) */
  async execute({ syncId, by }: DiscardSyncCommand): Promise<SyncSummary> {
    const ports = { store: this.store, clock: this.clock, history: this.history, lock: this.lock, pending: this.pending };
    // under the lock an approval of it holds: a discard never drops a change set being applied
    return decideHeldSync(syncId, ports, async ({ recorder }) => {
      await recorder.record({ type: 'SyncDiscarded', data: { syncId, by, discardedAt: this.clock.now().toISOString() } });
      await this.pending.delete(syncId);
      return this.history.get(syncId);
    });
  }
}
