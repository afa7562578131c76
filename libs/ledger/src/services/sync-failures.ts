import type { Logger } from '@nestjs/common';
import { DomainError, InvalidInput, type SyncEvent, type SyncSummary } from '@roster-ledger/domain';
import type { EventStore } from '../ports/event-store.port';
import { ConcurrencyConflict } from '../ports/event-store.errors';
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
  try {
    await recorder.record(syncFailed(recorder, clock, error));
  } catch (recordError) {
    logger.error(`could not record the failure of sync ${recorder.syncId}: ${String(recordError)}`);
  }
}

/** The SyncFailed event that records why a sync failed (the input location for bad input). */
export function syncFailed(recorder: SyncRecorder, clock: Clock, error: unknown): SyncEvent {
  return {
    type: 'SyncFailed',
    data: {
      syncId: recorder.syncId,
      districtId: recorder.districtId,
      code: error instanceof DomainError ? error.code : 'UNEXPECTED_ERROR',
      reason: error instanceof Error ? error.message : String(error),
      ...(error instanceof InvalidInput ? { at: error.at } : {}),
      failedAt: clock.now().toISOString(),
    },
  };
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
  /** The sync named as their finder (`foundBy`), null for none: a sync that is never recorded. */
  foundBy: string | null,
): Promise<void> {
  const { history, lock, store } = ports;
  for (const listed of await history.list({ statuses: ['running'] })) {
    if (listed.syncId === except) continue;
    // judged as of a revision of its record: a sync that records its outcome meanwhile (and then
    // lets go of its district, as a gone one's) was alive, and its record is left as it ends
    const readAt = await store.streamRevision(syncStreamId(listed.syncId));
    const sync = await history.get(listed.syncId);
    if (sync.status !== 'running' || readAt === null) continue;
    const dead = sync.syncId === takenOver || (sync.owner !== null && !lock.mayBeRunning({ ...sync, owner: sync.owner }));
    if (!dead) continue;
    try {
      await recordInterrupted(ports, sync, PROCESS_STOPPED, readAt, foundBy ?? undefined);
    } catch (error) {
      if (!(error instanceof ConcurrencyConflict)) throw error;
    }
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
  /** The sync that found it dead, when one did. */
  foundBy?: string,
): Promise<void> {
  const { store, clock, pending } = ports;
  const recorder = new SyncRecorder(store, clock, sync.syncId, sync.source, sync.startedAt, {
    revision: readAt ?? (await store.streamRevision(syncStreamId(sync.syncId))),
    districtId: sync.districtId,
  });
  // observed when it was found (by a sync, an unlock), as a decision on a held sync is: an audit of
  // that day finds it, not one of the day the dead sync started
  const failedAt = clock.now().toISOString();
  await recorder.recordDecision(failedAt, {
    type: 'SyncFailed',
    data: { syncId: sync.syncId, code: 'INTERRUPTED', reason, failedAt, ...(foundBy === undefined ? {} : { foundBy }) },
  });
  // what it had staged will never be applied (a killed first import can leave gigabytes)
  await pending.delete(sync.syncId);
}
