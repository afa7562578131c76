import type { SyncSummary } from '@roster-ledger/domain';
import type { EventStore } from '../ports/event-store.port';
import type { Clock } from '../ports/clock.port';
import type { PendingChangeStore } from '../ports/pending-change-store.port';
import type { SyncLock } from '../ports/sync-lock.port';
import { HeldSyncDecisionUnderWay, SyncAlreadyRunning, SyncNotHeld } from '../errors/ledger-errors';
import { SyncHistory, syncStreamId } from '../services/sync-history';
import { SyncRecorder } from '../services/sync-recorder';
import { recordInterruptedSyncs } from '../services/sync-failures';
import { acquireDistrict } from '../services/district-lock';

/** Loads a sync that must be held, with a recorder positioned at the end of its stream. */
export async function openHeldSync(
  syncId: string,
  history: SyncHistory,
  store: EventStore,
  clock: Clock,
): Promise<{ summary: SyncSummary & { districtId: string }; recorder: SyncRecorder }> {
  const summary = await history.get(syncId);
  if (summary.status !== 'held' || summary.districtId === null) throw new SyncNotHeld(syncId, summary.status);
  const recorder = new SyncRecorder(store, clock, syncId, summary.source, summary.startedAt, {
    revision: await store.streamRevision(syncStreamId(syncId)),
    districtId: summary.districtId,
  });
  return { summary: { ...summary, districtId: summary.districtId }, recorder };
}

/**
 * Runs `decide` (an approval, a discard) on a held sync while holding its district's lock: one
 * decision at a time, each given the sync as it is once the lock is taken (another decision may
 * have ended it meanwhile: SyncNotHeld). A sync whose process died holding the lock is recorded
 * as interrupted first.
 * @throws SyncNotFound, SyncNotHeld, SyncAlreadyRunning (a sync of the district runs),
 *   HeldSyncDecisionUnderWay (another decision on this sync holds the district)
 */
export async function decideHeldSync<T>(
  syncId: string,
  ports: { store: EventStore; clock: Clock; history: SyncHistory; lock: SyncLock; pending: PendingChangeStore },
  decide: (held: Awaited<ReturnType<typeof openHeldSync>>) => Promise<T>,
): Promise<T> {
  const { store, clock, history, lock } = ports;
  const { districtId } = (await openHeldSync(syncId, history, store, clock)).summary;
  const interrupted = await acquireDistrict(lock, history, districtId, syncId).catch((error: unknown) => {
    // the lock held for this very sync: an approval or a discard of it under way elsewhere
    if (error instanceof SyncAlreadyRunning && error.runningSyncId === syncId) throw new HeldSyncDecisionUnderWay(syncId);
    throw error;
  });
  try {
    await recordInterruptedSyncs(ports, interrupted, syncId, syncId);
    return await decide(await openHeldSync(syncId, history, store, clock));
  } finally {
    await lock.release(districtId, syncId);
  }
}
