import { HeldSyncPending } from '../errors/ledger-errors';
import { recordInterruptedSyncs } from './sync-failures';

/** What a sync's start needs: the ports recordInterruptedSyncs takes. */
type SyncStartPorts = Parameters<typeof recordInterruptedSyncs>[0];

/**
 * What a sync does once it holds its district and is recorded as running, before it reads
 * anything: records the district's syncs it found dead (`interrupted`, a lock it took over, and
 * any whose process is gone) as found by it, stops while a held sync waits for its decision, and
 * deletes the change sets that syncs which died left staged (no held sync waits: they are garbage).
 * @throws HeldSyncPending
 */
export async function clearDistrictForSync(ports: SyncStartPorts, districtId: string, syncId: string, interrupted: string | null): Promise<void> {
  await recordInterruptedSyncs(ports, interrupted, syncId, syncId);
  const held = await ports.history.heldOf(districtId);
  if (held) throw new HeldSyncPending(districtId, held.syncId);
  await ports.pending.deleteDistrict(districtId);
}
