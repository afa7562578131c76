import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { SyncSummary } from '@roster-ledger/domain';
import { SyncRecordPorts } from '../services/sync-record-ports';
import { DiscardSyncCommand } from './discard-sync.command';
import { decideHeldSync } from './held-sync';

/** Records SyncDiscarded (who, when) and drops the pending change set, holding the district's lock; no roster event is written. */
@CommandHandler(DiscardSyncCommand)
export class DiscardSyncHandler implements ICommandHandler<DiscardSyncCommand, SyncSummary> {
  constructor(
    private readonly ports: SyncRecordPorts,
  ) {}

  /** @throws SyncNotFound, SyncNotHeld, HeldSyncDecisionUnderWay (an approval of it under way), SyncAlreadyRunning */
  async execute({ syncId, by, via }: DiscardSyncCommand): Promise<SyncSummary> {
    // under the lock an approval of it holds: a discard never drops a change set being applied
    return decideHeldSync(syncId, this.ports, async ({ recorder }) => {
      const discardedAt = this.ports.clock.now().toISOString();
      await recorder.recordDecision(discardedAt, { type: 'SyncDiscarded', data: { syncId, by, via, discardedAt } });
      await this.ports.pending.delete(syncId);
      return this.ports.history.get(syncId);
    });
  }
}
