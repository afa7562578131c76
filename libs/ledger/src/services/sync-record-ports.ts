import { Inject, Injectable } from '@nestjs/common';
import type { EventStore } from '../ports/event-store.port';
import type { PendingChangeStore } from '../ports/pending-change-store.port';
import type { Clock } from '../ports/clock.port';
import type { SyncLock } from '../ports/sync-lock.port';
import { CLOCK, EVENT_STORE, PENDING_CHANGE_STORE, SYNC_LOCK } from '../ports/tokens';
import { SyncHistory } from './sync-history';

/**
 * What ends or decides a sync already recorded needs: its stream, its lock, its staged change
 * set, the clock and the syncs' history. One injection for the commands on held and stranded
 * syncs, and the `ports` that decideHeldSync, recordInterruptedSyncs and recordInterrupted take.
 */
@Injectable()
export class SyncRecordPorts {
  constructor(
    @Inject(EVENT_STORE) readonly store: EventStore,
    @Inject(PENDING_CHANGE_STORE) readonly pending: PendingChangeStore,
    @Inject(SYNC_LOCK) readonly lock: SyncLock,
    @Inject(CLOCK) readonly clock: Clock,
    readonly history: SyncHistory,
  ) {}
}
