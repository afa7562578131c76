import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { SyncSummary } from '@roster-ledger/domain';
import { SyncNotFound } from '../errors/ledger-errors';
import { SyncRecordPorts } from '../services/sync-record-ports';
import { recordInterrupted } from '../services/sync-failures';
import { EndStoppedSyncCommand } from './end-stopped-sync.command';

const THREAD_STOPPED = 'the thread running this sync stopped before it finished (see the server log); nothing of it was applied';

@CommandHandler(EndStoppedSyncCommand)
export class EndStoppedSyncHandler implements ICommandHandler<EndStoppedSyncCommand, SyncSummary | null> {
  constructor(
    private readonly ports: SyncRecordPorts,
  ) {}

  /** @returns the sync's record as it ends (null: it never recorded its start) */
  async execute({ syncId, districtId }: EndStoppedSyncCommand): Promise<SyncSummary | null> {
    const sync = await this.ports.history.get(syncId).catch((error: unknown) => {
      if (error instanceof SyncNotFound) return null;
      throw error;
    });
    // a held sync whose approval stopped stays held, to be approved again
    if (sync?.status === 'running') await recordInterrupted(this.ports, sync, THREAD_STOPPED);
    const district = sync?.districtId ?? districtId;
    if (district !== null) await this.ports.lock.release(district, syncId);
    return sync === null ? null : this.ports.history.get(syncId);
  }
}
