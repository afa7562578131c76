import { Inject, Injectable } from '@nestjs/common';
import { evolveSyncSummary, summarizeSync, type RecordedSyncEvent, type SyncSummary } from '@roster-ledger/domain';
import type { EventStore, RecordedEvent } from '../ports/event-store.port';
import { EVENT_STORE } from '../ports/tokens';
import { SyncNotFound } from '../errors/ledger-errors';

export const syncStreamId = (syncId: string): string => `sync-${syncId}`;

const asSyncEvent = (e: RecordedEvent) => ({ type: e.type, data: e.data, recordedAt: e.recordedAt }) as unknown as RecordedSyncEvent;

/**
 * Reads sync streams back as summaries. The list of every sync is kept as it is read and caught
 * up from where it was last read, as the log only grows: a district synced from Clever's events
 * every 30 seconds records 100,000 syncs in five weeks, whose whole list took 2 s to read, and a
 * sync asks for it several times (a held sync waiting, the last files, syncs whose process died).
 */
@Injectable()
export class SyncHistory {
  /** Every sync read so far, by stream, in the log order of their first events. */
  private readonly summaries = new Map<string, SyncSummary>();
  /** The log position of the last sync event read. */
  private readUpTo = 0;
  /** The read under way: two callers at once read the new events once, in order. */
  private caughtUp: Promise<void> = Promise.resolve();

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  /** @throws SyncNotFound */
  async get(syncId: string): Promise<SyncSummary> {
    const events: RecordedSyncEvent[] = [];
    for await (const e of this.store.readStream(syncStreamId(syncId))) events.push(asSyncEvent(e));
    const summary = summarizeSync(events);
    if (!summary) throw new SyncNotFound(syncId);
    return summary;
  }

  /**
   * Every sync, newest first, optionally of one district. Each summary is frozen: it is the one
   * every later caller is given too (a sync's next event makes a new one).
   */
  async list(districtId?: string): Promise<SyncSummary[]> {
    // (a read that failed is told to its caller; the next one starts from where it got)
    this.caughtUp = this.caughtUp.catch(() => undefined).then(() => this.readNew());
    await this.caughtUp;
    const summaries: SyncSummary[] = [];
    for (const summary of this.summaries.values()) {
      if (districtId === undefined || summary.districtId === districtId) summaries.push(summary);
    }
    return summaries.reverse();
  }

  private async readNew(): Promise<void> {
    for await (const e of this.store.readCategory('sync', { after: this.readUpTo })) {
      const known = this.summaries.get(e.streamId);
      // folded into a copy: a summary handed out never changes under its holder
      const summary = evolveSyncSummary(known === undefined ? null : { ...known }, asSyncEvent(e));
      if (summary) this.summaries.set(e.streamId, Object.freeze(summary));
      this.readUpTo = e.position;
    }
  }
}
