import { Inject, Injectable } from '@nestjs/common';
import { evolveSyncSummary, summarizeSync, type RecordedSyncEvent, type SyncSummary } from '@roster-ledger/domain';
import type { EventStore, RecordedEvent } from '../ports/event-store.port';
import { EVENT_STORE } from '../ports/tokens';
import { SyncNotFound } from '../errors/ledger-errors';

export const syncStreamId = (syncId: string): string => `sync-${syncId}`;

const asSyncEvent = (e: RecordedEvent) => ({ type: e.type, data: e.data, recordedAt: e.recordedAt }) as unknown as RecordedSyncEvent;

/**
 * Reads sync streams back as summaries. The list of every sync is kept as it is read and caught
 * up from where it was last read, as the log only grows (a category read after a position never
 * turns up an event at or before it: see EventStore.readCategory). A sync asks for the list
 * several times (a held sync waiting, the last files, syncs whose process died), and a district
 * synced from Clever's events every 30 seconds records 100,000 syncs in five weeks, whose whole
 * list takes seconds to read: a process now reads it whole once. (Each sync still does, in its own
 * process or thread: an index of syncs in the store would spare that; see BENCHMARKS.md.)
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
   * Every sync, newest first, optionally of one district. Each summary is frozen, to its last
   * nested value: it is the one every later caller is given too (a sync's next event makes a new
   * one).
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
      if (summary) this.summaries.set(e.streamId, frozen(summary));
      this.readUpTo = e.position;
    }
  }
}

/** A value frozen through and through: summaries share the objects their events carried (counts, breaches). */
function frozen<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) frozen(inner);
  }
  return value;
}
