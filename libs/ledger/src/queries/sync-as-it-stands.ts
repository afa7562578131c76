import type { SyncSummary } from '@roster-ledger/domain';
import type { PendingChangeStore } from '../ports/pending-change-store.port';
import type { SyncLock } from '../ports/sync-lock.port';

/**
 * A sync as the log has it, marked when it is recorded as running but its process is known to be
 * gone, and when it is held but its change set is not beside the ledger (it cannot be approved).
 */
export async function asItStands(summary: SyncSummary, lock: SyncLock, pending: PendingChangeStore): Promise<SyncSummary> {
  if (summary.status === 'running' && summary.owner !== null && !lock.mayBeRunning({ ...summary, owner: summary.owner })) return { ...summary, processGone: true };
  if (summary.status === 'held' && !(await pending.has(summary.syncId))) return { ...summary, changeSetMissing: true };
  return summary;
}
