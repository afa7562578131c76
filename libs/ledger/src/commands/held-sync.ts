import type { SyncSummary } from '@roster-ledger/domain';
import type { EventStore } from '../ports/event-store.port';
import type { Clock } from '../ports/clock.port';
import { SyncNotHeld } from '../errors/ledger-errors';
import { SyncHistory, syncStreamId } from '../services/sync-history';
import { SyncRecorder } from '../services/sync-recorder';

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
