import type { SyncSummary } from '@roster-ledger/domain';
import type { SyncAndItsDistrict } from './recent-district-syncs';

/**
 * The syncs of a sync's district that it recorded as interrupted: a sync takes over the district
 * from one whose process died (killed, a crash) and records it as failed first (INTERRUPTED,
 * `foundBy` this sync). The command says so, rather than leaving a user who re-ran a killed import
 * to find it in `syncs list`. The one it took over is the district's last before it, so among its
 * recent syncs.
 */
export function interruptedSyncsFound(around: SyncAndItsDistrict | null): SyncSummary[] {
  if (around === null) return [];
  return around.recent.filter((s) => s.status === 'failed' && s.failure?.code === 'INTERRUPTED' && s.failure.foundBy === around.mine.syncId);
}

/** The report's line for each. */
export function interruptedSyncLines(found: readonly SyncSummary[]): string[] {
  return found.map(
    (s) => `  Sync ${s.syncId} (started ${s.startedAt} by ${s.requestedBy}) had stopped unfinished, its process gone: recorded as failed (INTERRUPTED); nothing of it was applied.`,
  );
}
