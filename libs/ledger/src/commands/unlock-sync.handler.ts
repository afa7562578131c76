import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ConcurrencyConflict } from '../ports/event-store.errors';
import { SyncAlreadyRunning } from '../errors/ledger-errors';
import { recordInterrupted } from '../services/sync-failures';
import { SyncRecordPorts } from '../services/sync-record-ports';
import { syncStreamId } from '../services/sync-history';
import { UnlockSyncCommand, type UnlockResult } from './unlock-sync.command';

/**
 * Releases the district lock of a sync whose process is gone (see UnlockSyncCommand). A sync still recorded as running is first recorded as interrupted,
 * expecting its record as read: a sync that recorded anything since is alive, and keeps its lock.
 * A held sync (whose approval held the lock) stays held; an ended one stays as it ended, and its
 * change set, if one was left beside the ledger, is deleted.
 */
@CommandHandler(UnlockSyncCommand)
export class UnlockSyncHandler implements ICommandHandler<UnlockSyncCommand, UnlockResult> {
  constructor(
    private readonly ports: SyncRecordPorts,
  ) {}

  /**
   * @throws SyncNotFound; SyncAlreadyRunning when the lock's holder still runs, when another sync
   *   holds the district, or when the sync recorded something meanwhile
   */
  async execute({ syncId, by }: UnlockSyncCommand): Promise<UnlockResult> {
    // the revision first: a record read after it and still running was running then
    const readAt = await this.ports.store.streamRevision(syncStreamId(syncId));
    const sync = await this.ports.history.get(syncId);
    // an ended sync's change set is garbage, left by a process killed between its approval's
    // commit and the set's deletion: it holds students' data, so it goes now, not at the
    // district's next sync (which may never come)
    if (sync.status !== 'held' && sync.status !== 'running') await this.ports.pending.delete(syncId);
    const districtId = sync.districtId;
    const held = districtId === null ? null : await this.ports.lock.holder(districtId);
    if (districtId === null || held === null) return { syncId, districtId, released: null, interrupted: false };
    if (held.syncId !== syncId) throw new SyncAlreadyRunning(districtId, held.syncId);
    if (this.ports.lock.mayBeRunning({ syncId, districtId, owner: held.owner })) throw new SyncAlreadyRunning(districtId, syncId);

    const running = sync.status === 'running' && readAt !== null;
    if (running) {
      const { pid, host } = held.owner;
      const reason = `its district's lock was released by ${by} (syncs unlock): its process ${pid} on ${host} had stopped`;
      try {
        await recordInterrupted(this.ports, sync, reason, readAt);
      } catch (error) {
        if (error instanceof ConcurrencyConflict) throw new SyncAlreadyRunning(districtId, syncId);
        throw error;
      }
    }
    // only the hold as checked: a process that took the lock over since keeps it
    if (!(await this.ports.lock.breakLock(districtId, syncId, held.owner))) throw new SyncAlreadyRunning(districtId, syncId);
    return { syncId, districtId, released: { owner: held.owner }, interrupted: running };
  }
}
