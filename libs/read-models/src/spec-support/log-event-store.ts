import type {
  AppendResult,
  EventStore,
  EventStoreCapabilities,
  EventSubscription,
  ReadAllOptions,
  RecordedEvent,
  StreamPositionsOptions,
} from '@roster-ledger/ledger';

/**
 * The event store port over a list of recorded events, for the projection runner's specs: the
 * runner only reads the global log (`readAll` after a position, in batches) and its head.
 *
 * Why not the real SqliteEventStore: `.dependency-cruiser.js` (adapters-do-not-import-each-other)
 * forbids any file under libs/read-models, specs included, to import libs/event-store. The runner
 * keeps its own tables on its own connection and talks to the log through this port only, so the
 * read-model side of a restart (close and reopen the file) is exercised for real.
 */
export class LogEventStore implements EventStore {
  readonly capabilities: EventStoreCapabilities = { atomicMultiStreamAppend: true };
  /** How many events `readAll` handed out, over all calls. */
  delivered = 0;

  /** As an embedded store offers it, unless the spec asks for a store that only reads asynchronously. */
  readonly readAllNow?: (after: number, maxCount: number) => RecordedEvent[];

  constructor(
    readonly events: RecordedEvent[] = [],
    options: { readsNow?: boolean } = {},
  ) {
    if (options.readsNow === false) return;
    this.readAllNow = (after, maxCount) => {
      const read = this.events.filter((e) => e.position > after).slice(0, maxCount);
      this.delivered += read.length;
      return read.map((e) => structuredClone(e));
    };
  }

  /** Adds recorded events at the end of the log (positions must keep increasing). */
  add(...events: RecordedEvent[]): void {
    for (const e of events) {
      const last = this.events[this.events.length - 1];
      if (last && e.position <= last.position) throw new Error(`position ${e.position} is not after ${last.position}`);
      this.events.push(e);
    }
  }

  async *readAll(options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
    const after = options.after ?? 0;
    let count = 0;
    for (const e of this.events) {
      if (e.position <= after) continue;
      if (options.maxCount !== undefined && count >= options.maxCount) return;
      count++;
      this.delivered++;
      yield structuredClone(e);
    }
  }

  async readAt(positions: readonly number[]): Promise<RecordedEvent[]> {
    const wanted = new Set(positions);
    return this.events.filter((e) => wanted.has(e.position)).map((e) => structuredClone(e));
  }

  /** A category's events, as an index of them gives them: only those are delivered. */
  async *readCategory(category: string, options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
    const after = options.after ?? 0;
    let count = 0;
    for (const e of this.events) {
      if (e.position <= after || !e.streamId.startsWith(`${category}-`)) continue;
      if (options.maxCount !== undefined && count >= options.maxCount) return;
      count++;
      this.delivered++;
      yield structuredClone(e);
    }
  }

  async *readStream(streamId: string): AsyncIterable<RecordedEvent> {
    for (const e of this.events) if (e.streamId === streamId) yield structuredClone(e);
  }

  async streamPositions(streamId: string, options: StreamPositionsOptions): Promise<number[]> {
    return this.events
      .filter((e) => e.streamId === streamId && e.position > options.after && e.position <= options.upTo)
      .slice(0, options.maxCount)
      .map((e) => e.position);
  }

  async streamRevision(streamId: string): Promise<number | null> {
    const revisions = this.events.filter((e) => e.streamId === streamId).map((e) => e.revision);
    return revisions.length === 0 ? null : Math.max(...revisions);
  }

  async headPosition(): Promise<number> {
    return this.events[this.events.length - 1]?.position ?? 0;
  }

  appendToStream(): Promise<AppendResult> {
    throw new Error('LogEventStore is read-only: build the log with EventLog');
  }

  appendToStreams(): Promise<AppendResult[]> {
    throw new Error('LogEventStore is read-only: build the log with EventLog');
  }

  subscribeToAll(): EventSubscription {
    throw new Error('LogEventStore has no subscriptions');
  }

  async close(): Promise<void> {}
}
