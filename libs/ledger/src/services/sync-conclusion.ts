import { checkMassChange, recordedFindings, type DiffResult, type SyncCompletedData } from '@roster-ledger/domain';
import type { AppendResult, EventStore, StreamAppend } from '../ports/event-store.port';
import type { PendingChangeStore } from '../ports/pending-change-store.port';
import type { GuardPolicies } from '../ports/guard-policies.port';
import type { Clock } from '../ports/clock.port';
import type { SyncRecorder } from './sync-recorder';
import { concat } from './iterables';
import { inBulk } from './in-bulk';

export interface ConclusionPorts {
  store: EventStore;
  pending: PendingChangeStore;
  policies: GuardPolicies;
  clock: Clock;
}

export type SyncConclusion =
  | { outcome: 'held' }
  /** The store's results of the one append, and how many events it wrote (roster and lifecycle). */
  | { outcome: 'completed'; results: AppendResult[]; written: number };

/**
 * The end of every sync, whose roster appends are staged in the pending change store under its
 * id: the mass-change guard on the diff's tally, then either ONE atomic append of the staged
 * appends, `tail` (whatever must move with them, such as the events cursor) and SyncCompleted,
 * read from the pending store as the append goes; or `tail` staged too, the whole set kept as the
 * held change set, and SyncHeld. Either records `read`: the files the sync read, if any, and
 * whether the state is known to be what they make; and where `tail` moves the events cursor.
 */
export async function concludeSync(
  ports: ConclusionPorts,
  recorder: SyncRecorder,
  districtId: string,
  result: DiffResult,
  tail: StreamAppend[],
  read: Pick<SyncCompletedData, 'contents' | 'settledUnder' | 'eventsCursor'> = {},
): Promise<SyncConclusion> {
  const findings = recordedFindings(result.findings);
  const counts = result.counts as Record<string, number>;
  const breaches = checkMassChange(result.tally, ports.policies.policyFor(districtId));
  const now = () => ports.clock.now().toISOString();
  if (breaches.length > 0) {
    await ports.pending.add(recorder.syncId, districtId, tail);
    // durable before the hold is: approval applies exactly this set, maybe days later
    await ports.pending.seal(recorder.syncId);
    await recorder.record({
      type: 'SyncHeld',
      data: { syncId: recorder.syncId, districtId, breaches, counts, pending: result.eventCount, heldAt: now(), ...findings, ...read },
    });
    return { outcome: 'held' };
  }
  const lifecycle = recorder.plan({
    type: 'SyncCompleted',
    data: { syncId: recorder.syncId, districtId, counts, appended: result.eventCount, completedAt: now(), ...findings, ...read },
  });
  let written = 0;
  const counted = function* (appends: Iterable<StreamAppend>): Iterable<StreamAppend> {
    for (const append of appends) {
      written += append.events.length;
      yield append;
    }
  };
  // the one transaction of the whole change set: a large district's is larger than any cache
  const results = await inBulk(ports.store, () => ports.store.appendToStreams(counted(concat(ports.pending.read(recorder.syncId), tail, [lifecycle]))));
  recorder.committed(lifecycle);
  // best effort: the sync is complete; rows left here are dropped by the district's next sync
  await ports.pending.delete(recorder.syncId).catch(() => undefined);
  return { outcome: 'completed', results, written };
}
