import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { EventStore } from '../ports/event-store.port';
import type { PendingChangeStore } from '../ports/pending-change-store.port';
import type { Clock } from '../ports/clock.port';
import type { SyncLock } from '../ports/sync-lock.port';
import { CLOCK, EVENT_STORE, PENDING_CHANGE_STORE, SYNC_LOCK } from '../ports/tokens';
import { SyncAlreadyRunning } from '../errors/ledger-errors';
import { ownerAlive, ownerCheckable } from '../services/process-owner';
import { recordInterrupted } from '../services/sync-failures';
import { SyncHistory } from '../services/sync-history';
import { UnlockDistrictCommand, type UnlockResult } from './unlock-district.command';

/**
 * Releases a district's lock on a person's word that its holder is gone, and records the sync it
 * held as interrupted if it is still recorded as running (nothing of it was applied: its roster
 * events are written by one final append). A held sync whose approval held the lock stays held.
 */
@CommandHandler(UnlockDistrictCommand)
export class UnlockDistrictHandler implements ICommandHandler<UnlockDistrictCommand, UnlockResult> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PENDING_CHANGE_STORE) private readonly pending: PendingChangeStore,
    @Inject(SYNC_LOCK) private readonly lock: SyncLock,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly history: SyncHistory,
  ) {}

  /** @throws SyncAlreadyRunning when the holder is a process this one can see alive */
  async execute({ districtId, by }: UnlockDistrictCommand): Promise<UnlockResult> {
    const held = await this.lock.holder(districtId);
    if (held === null) return { districtId, released: null, interrupted: false };
    const checked = ownerCheckable(held.owner);
    if (checked && ownerAlive(held.owner)) throw new SyncAlreadyRunning(districtId, held.syncId);
    // (another process may have taken the lock over since: only this holder's is released)
    if (!(await this.lock.breakLock(districtId, held.syncId))) return { districtId, released: null, interrupted: false };
    const sync = await this.history.get(held.syncId).catch(() => null);
    const running = sync !== null && sync.status === 'running';
    if (running) {
      const { pid, host } = held.owner;
      const why = checked ? 'which was found gone' : 'which could not be checked from the process that released it';
      await recordInterrupted({ store: this.store, clock: this.clock, pending: this.pending }, sync, `its district's lock was released by ${by} (syncs unlock): its process ${pid} on ${host}, ${why}, had stopped`);
    }
    return { districtId, released: { ...held, checked }, interrupted: running };
  }
}
