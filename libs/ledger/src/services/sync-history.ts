import { Inject, Injectable } from '@nestjs/common';
import { summarizeSync, type RecordedSyncEvent, type SyncSummary } from '@roster-ledger/domain';
import type { EventStore, RecordedEvent } from '../ports/event-store.port';
import { EVENT_STORE } from '../ports/tokens';
import { SyncNotFound } from '../errors/ledger-errors';

export const syncStreamId = (syncId: string): string => `sync-${syncId}`;

const asSyncEvent = (e: RecordedEvent) => ({ type: e.type, data: e.data, recordedAt: e.recordedAt }) as unknown as RecordedSyncEvent;

/** Reads sync streams back as summaries. */
@Injectable()
export class SyncHistory {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  /** @throws SyncNotFound */
  async get(syncId: string): Promise<SyncSummary> {
    const events: RecordedSyncEvent[] = [];
    for await (const e of this.store.readStream(syncStreamId(syncId))) events.push(asSyncEvent(e));
    const summary = summarizeSync(events);
    if (!summary) throw new SyncNotFound(syncId);
    return summary;
  }

  /** Every sync, newest first, optionally of one district. */
  async list(districtId?: string): Promise<SyncSummary[]> {
    const byStream = new Map<string, RecordedSyncEvent[]>();
    for await (const e of this.store.readCategory('sync')) {
      const list = byStream.get(e.streamId) ?? [];
      list.push(asSyncEvent(e));
      byStream.set(e.streamId, list);
    }
    const summaries: SyncSummary[] = [];
    for (const events of byStream.values()) {
      const summary = summarizeSync(events);
      if (summary && (districtId === undefined || summary.districtId === districtId)) summaries.push(summary);
    }
    return summaries.reverse();
  }
}
