import type { Logger } from '@nestjs/common';
import { DomainError, InvalidInput, type SyncSummary } from '@roster-ledger/domain';
import type { EventStore } from '../ports/event-store.port';
import type { Clock } from '../ports/clock.port';
import type { SyncLock } from '../ports/sync-lock.port';
import type { PendingChangeStore } from '../ports/pending-change-store.port';
import { SyncHistory, syncStreamId } from './sync-history';
import { SyncRecorder } from './sync-recorder';

/**
 * Records why a sync failed (SyncFailed, with the input location for bad input). Never throws: the
 * caller rethrows the failure itself. A sync whose outcome is already recorded (an error after its
 * final append committed, or after it was held) is not failed after the fact: only logged.
 */
export async function recordSyncFailure(recorder: SyncRecorder, clock: Clock, error: unknown, logger: Logger): Promise<void> {
  if (recorder.concluded) {
    logger.error(`sync ${recorder.syncId}: error after its outcome was recorded (the outcome stands): ${String(error)}`);
    return;
  }
  const code = error instanceof DomainError ? error.code : 'UNEXPECTED_ERROR';
  const reason = error instanceof Error ? error.message : String(error);
  try {
    await recorder.record({
      type: 'SyncFailed',
      data: {
        syncId: recorder.syncId,
        districtId: recorder.districtId,
        code,
        reason,
        ...(error instanceof InvalidInput ? { at: error.at } : {}),
        failedAt: clock.now().toISOString(),
      },
    });
  } catch (recordError) {
    logger.error(`could not record the failure of sync ${recorder.syncId}: ${String(recordError)}`);
  }
}

/** What a sync's failure says when the process running it died. */
const PROCESS_STOPPED = 'the process running this sync stopped before it finished; nothing of it was applied';

/**
 * Finishes the record of syncs whose process died: every sync still "running" whose lock was
 * just taken over from a dead holder (`takenOver`), or whose recorded owner process no longer
 * exists, gets SyncFailed INTERRUPTED. Nothing of such a sync was applied: its roster events are
 * written by one final append, which it never reached. Call it right after taking a lock.
 */
export async function recordInterruptedSyncs(
  ports: { store: EventStore; clock: Clock; history: SyncHistory; lock: SyncLock; pending: PendingChangeStore },
  takenOver: string | null,
  except: string,
): Promise<void> {
  const { history, lock } = ports;
  for (const sync of await history.list()) {
    if (sync.status !== 'running' || sync.syncId === except) continue;
    const dead = sync.syncId === takenOver || (sync.owner !== null && !lock.mayBeRunning({ ...sync, owner: sync.owner }));
    if (dead) await recordInterrupted(ports, sync, PROCESS_STOPPED);
  }
}

/**
 * Records a running sync as interrupted (SyncFailed INTERRUPTED, with why) and drops what it
 * staged: nothing of it was applied, as its roster events are written by its final append.
 */
export async function recordInterrupted(
  ports: { store: EventStore; clock: Clock; pending: PendingChangeStore },
  sync: SyncSummary,
  reason: string,
  /** The stream's revision `sync` was read at, when nothing may have been recorded since (ConcurrencyConflict otherwise). */
  readAt?: number,
): Promise<void> {
  const { store, clock, pending } = ports;
  const recorder = new SyncRecorder(store, clock, sync.syncId, sync.source, sync.startedAt, {
    revision: readAt ?? (await store.streamRevision(syncStreamId(sync.syncId))),
    districtId: sync.districtId,
  });
  await recorder.record({
    type: 'SyncFailed',
    data: { syncId: sync.syncId, code: 'INTERRUPTED', reason, failedAt: clock.now().toISOString() },
  });
  // what it had staged will never be applied (a killed first import can leave gigabytes)
  await pending.delete(sync.syncId);
}
