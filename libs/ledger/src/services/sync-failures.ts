import type { Logger } from '@nestjs/common';
import { DomainError, InvalidInput } from '@roster-ledger/domain';
import type { EventStore } from '../ports/event-store.port';
import type { Clock } from '../ports/clock.port';
import { SyncHistory, syncStreamId } from './sync-history';
import { SyncRecorder } from './sync-recorder';

/** Records why a sync failed (SyncFailed, with the input location for bad input). Never throws: the caller rethrows the failure itself. */
export async function recordSyncFailure(recorder: SyncRecorder, clock: Clock, error: unknown, logger: Logger): Promise<void> {
  const code = error instanceof DomainError ? error.code : 'UNEXPECTED_ERROR';
  const reason = error instanceof Error ? error.message : String(error);
  try {
    await recorder.record({
      type: 'SyncFailed',
      data: {
        syncId: recorder.syncId,
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

/** A sync whose process died holding the district's lock: nothing of it was applied; say so in its stream. */
export async function recordInterruptedSync(store: EventStore, clock: Clock, history: SyncHistory, syncId: string): Promise<void> {
  const summary = await history.get(syncId).catch(() => null);
  if (summary?.status !== 'running') return;
  const revision = await store.streamRevision(syncStreamId(syncId));
  const recorder = new SyncRecorder(store, clock, syncId, summary.source, summary.startedAt, {
    revision,
    districtId: summary.districtId,
  });
  await recorder.record({
    type: 'SyncFailed',
    data: {
      syncId,
      code: 'INTERRUPTED',
      reason: 'the process running this sync stopped before it finished; nothing of it was applied',
      failedAt: clock.now().toISOString(),
    },
  });
}
