import { Inject, Injectable } from '@nestjs/common';
import { LEDGER_STATE_FORMAT, type SyncSummary } from '@roster-ledger/domain';
import type { DistrictStateStore } from '../ports/district-state-store.port';
import type { EventStore } from '../ports/event-store.port';
import type { SnapshotSource } from '../ports/snapshot-source.port';
import { DISTRICT_STATE_STORE, EVENT_STORE } from '../ports/tokens';
import { SyncHistory, syncStreamId } from './sync-history';

/**
 * Recognises a folder whose files are byte for byte those the district's last completed sync
 * read. The diff is pure: the same ledger state and the same snapshot give the same events. When
 * that sync appended nothing, or checked each record it read against the state its events made
 * (see SyncHeldData.settledUnder), and nothing of the district has been recorded since, a sync of
 * the same files would append nothing, and need neither load the district's state nor parse a
 * record to know it. A sync checked under another ledger state format (other fold or diff rules)
 * does not count.
 */
@Injectable()
export class SameFiles {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(DISTRICT_STATE_STORE) private readonly snapshots: DistrictStateStore,
    private readonly history: SyncHistory,
  ) {}

  /** The sync whose files `source`'s are, if it is the district's last to change or confirm its state; else null. */
  async asLastSync(source: SnapshotSource, districtId: string): Promise<SyncSummary | null> {
    if (!source.matches) return null;
    const last = (await this.history.list({ districtId, statuses: ['completed'], limit: 1 }))[0];
    // its state known to be what its files make, as this code's diff and fold would find
    if (!last?.contents || last.settledUnder !== LEDGER_STATE_FORMAT) return null;
    const completed = await this.completionPosition(last.syncId);
    // an approval, an events sync or another process's sync recorded since: the state is not that sync's
    if (completed === null || (await this.snapshots.recordedBetween(districtId, completed, await this.store.headPosition()))) return null;
    // a check that cannot be made reads the files, as any sync of other files does
    return (await source.matches(last.contents).catch(() => false)) ? last : null;
  }

  /** Where the sync's SyncCompleted sits in the log (its roster events, if any, are before it). */
  private async completionPosition(syncId: string): Promise<number | null> {
    let position: number | null = null;
    for await (const event of this.store.readStream(syncStreamId(syncId))) if (event.type === 'SyncCompleted') position = event.position;
    return position;
  }
}
