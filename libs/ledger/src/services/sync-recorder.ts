import {
  deterministicEventId,
  SCHEMA_VERSION,
  type EventMetadata,
  type SyncEvent,
  type SyncSource,
} from '@roster-ledger/domain';
import type { EventStore, JsonObject, NewEvent, StreamAppend } from '../ports/event-store.port';
import type { Clock } from '../ports/clock.port';
import { syncStreamId } from './sync-history';

/** Events that end a sync: once one is recorded, the sync's outcome is settled. */
const OUTCOMES = new Set(['SyncCompleted', 'SyncHeld', 'SyncFailed', 'SyncDiscarded']);

/**
 * Writes the lifecycle of one sync to its `sync-{id}` stream, keeping track of the stream's
 * revision. Event ids derive from the sync and the revision, so a retried write is a no-op.
 */
export class SyncRecorder {
  readonly streamId: string;
  private revision: number | null;
  /** Whether an outcome (completed, held, failed, discarded) has been recorded by this recorder. */
  concluded = false;
  districtId: string | null;

  constructor(
    private readonly store: EventStore,
    private readonly clock: Clock,
    readonly syncId: string,
    readonly source: SyncSource,
    readonly observedAt: string,
    options: { revision: number | null; districtId: string | null },
  ) {
    this.streamId = syncStreamId(syncId);
    this.revision = options.revision;
    this.districtId = options.districtId;
  }

  /** Id of the SyncStarted event: the causation of everything the sync appends. */
  get startedEventId(): string {
    return deterministicEventId(this.syncId, this.streamId, 0, 'SyncStarted');
  }

  /** Metadata for an event of this sync, recorded now. */
  metadata(extra: Partial<EventMetadata> = {}): EventMetadata {
    return {
      syncId: this.syncId,
      districtId: this.districtId,
      source: this.source,
      observedAt: this.observedAt,
      recordedAt: this.clock.now().toISOString(),
      schemaVersion: SCHEMA_VERSION,
      correlationId: this.syncId,
      causationId: this.startedEventId,
      ...extra,
    };
  }

  /**
   * The append that writes these lifecycle events next, for a caller that joins it to a larger
   * atomic append. Call {@link committed} once that append succeeded.
   */
  plan(...events: SyncEvent[]): StreamAppend {
    return this.planObserved(this.observedAt, events);
  }

  /**
   * The append of a decision on a held sync (its approval, its discard), or of a sync found dead
   * (interrupted), decided at `decidedAt`:
   * its lifecycle events are observed then, not when the sync saw its district, so an audit of
   * the day someone approved finds the approval. (The approved roster events keep the sync's
   * moment: it is when Clever's view was that way.)
   */
  planDecision(decidedAt: string, ...events: SyncEvent[]): StreamAppend {
    return this.planObserved(decidedAt, events);
  }

  private planObserved(observedAt: string, events: SyncEvent[]): StreamAppend {
    const start = this.revision === null ? 0 : this.revision + 1;
    const newEvents: NewEvent[] = events.map((event, i) => ({
      id: deterministicEventId(this.syncId, this.streamId, start + i, event.type),
      type: event.type,
      data: event.data as unknown as JsonObject,
      metadata: this.metadata({ observedAt, ...(i === 0 && start === 0 ? { causationId: this.syncId } : {}) }) as unknown as JsonObject,
    }));
    return { streamId: this.streamId, expectedRevision: this.revision ?? 'no_stream', events: newEvents };
  }

  committed(append: StreamAppend): void {
    this.revision = (this.revision ?? -1) + append.events.length;
    if (append.events.some((event) => OUTCOMES.has(event.type))) this.concluded = true;
  }

  /** Appends lifecycle events on their own. */
  async record(...events: SyncEvent[]): Promise<void> {
    await this.write(this.plan(...events));
  }

  /** Appends the lifecycle events of a decision (on a held sync, or that a sync was interrupted) on their own (see planDecision). */
  async recordDecision(decidedAt: string, ...events: SyncEvent[]): Promise<void> {
    await this.write(this.planDecision(decidedAt, ...events));
  }

  private async write(append: StreamAppend): Promise<void> {
    await this.store.appendToStream(append.streamId, append.events, append.expectedRevision);
    this.committed(append);
  }
}
