import { checkMassChange, type DiffResult } from '@roster-ledger/domain';
import type { AppendResult, EventStore, StreamAppend } from '../ports/event-store.port';
import type { PendingChangeStore } from '../ports/pending-change-store.port';
import type { GuardPolicies } from '../ports/guard-policies.port';
import type { Clock } from '../ports/clock.port';
import type { SyncRecorder } from './sync-recorder';

export interface ConclusionPorts {
  store: EventStore;
  pending: PendingChangeStore;
  policies: GuardPolicies;
  clock: Clock;
}

export type SyncConclusion =
  | { outcome: 'held' }
  /** `committed`: the one append as made, with the store's results, in the same order. */
  | { outcome: 'completed'; committed: StreamAppend[]; results: AppendResult[] };

/**
 * The end of every sync: the mass-change guard on the diff's tally, then either ONE atomic append
 * of `appends` (the roster events, and whatever must move with them, such as the events cursor)
 * with SyncCompleted, or the appends kept as the held change set with SyncHeld.
 */
export async function concludeSync(
  ports: ConclusionPorts,
  recorder: SyncRecorder,
  districtId: string,
  result: DiffResult,
  appends: StreamAppend[],
): Promise<SyncConclusion> {
  const { skipped, unresolved, unknownValues } = result.findings;
  const counts = result.counts as Record<string, number>;
  const breaches = checkMassChange(result.tally, ports.policies.policyFor(districtId));
  const now = () => ports.clock.now().toISOString();
  if (breaches.length > 0) {
    await ports.pending.save(recorder.syncId, districtId, appends);
    await recorder.record({
      type: 'SyncHeld',
      data: { syncId: recorder.syncId, districtId, breaches, counts, pending: result.eventCount, heldAt: now(), skipped, unresolved, unknownValues },
    });
    return { outcome: 'held' };
  }
  const lifecycle = recorder.plan({
    type: 'SyncCompleted',
    data: { syncId: recorder.syncId, districtId, counts, appended: result.eventCount, completedAt: now(), skipped, unresolved, unknownValues },
  });
  const committed = [...appends, lifecycle];
  const results = await ports.store.appendToStreams(committed);
  recorder.committed(lifecycle);
  return { outcome: 'completed', committed, results };
}
