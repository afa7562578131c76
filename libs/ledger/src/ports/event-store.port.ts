/**
 * The event store port, shaped after EventStoreDB so that its adapter implements it without
 * changing it: streams with revisions, expected-revision checks, one global ordered log with
 * positions, and catch-up subscriptions that turn live.
 *
 * Revisions are zero-based per stream (the first event of a stream has revision 0). Positions
 * are strictly increasing along the global log; they need not be dense. All values are plain
 * JSON-safe data; no client type of any backend crosses this port.
 */

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** What the caller believes about a stream before appending to it. */
export type ExpectedRevision =
  /** No check at all. */
  | 'any'
  /** The stream must not exist yet. */
  | 'no_stream'
  /** The stream must exist, at any revision. */
  | 'stream_exists'
  /** The stream's last event must have exactly this revision. */
  | number;

/**
 * An event to append. `id` is a UUID chosen by the caller: appending the same ids again is a no-op.
 * `data` may be an accessor that parses JSON text on first read (SerializedEvent, as a staged
 * change set is read back): a store takes that text with `dataJsonOf`.
 */
export interface NewEvent {
  id: string;
  type: string;
  data: JsonObject;
  metadata: JsonObject;
}

/** An event as stored. */
export interface RecordedEvent {
  id: string;
  type: string;
  streamId: string;
  revision: number;
  position: number;
  data: JsonObject;
  /** Read-only: a store may hand the same metadata to several events (a sync's events share most of theirs). */
  metadata: Readonly<JsonObject>;
  /** When the store wrote it (ISO-8601, UTC). */
  recordedAt: string;
}

export interface StreamAppend {
  streamId: string;
  expectedRevision: ExpectedRevision;
  events: NewEvent[];
}

export interface AppendResult {
  streamId: string;
  /** Revision of the stream's last event after the append. */
  nextRevision: number;
  /** Global position of the last event of this append (of the earlier append when it was a no-op). */
  position: number;
  /** False when every event id was already in the stream: the retried append changed nothing. */
  appended: boolean;
}

export interface ReadStreamOptions {
  direction?: 'forwards' | 'backwards';
  /** Inclusive start revision; default the first (forwards) or the last (backwards). */
  fromRevision?: number;
  maxCount?: number;
}

export interface ReadAllOptions {
  /** Exclusive: read events whose position is greater than this. Omit to read from the start. */
  after?: number;
  maxCount?: number;
}

export interface StreamPositionsOptions {
  /** Exclusive lower bound on the position. */
  after: number;
  /** Inclusive upper bound on the position. */
  upTo: number;
  maxCount: number;
}

export interface SubscribeOptions {
  /** Exclusive: deliver events after this position. Omit to start at the beginning of the log. */
  after?: number;
}

/**
 * A catch-up subscription: first every stored event after the start position, in log order,
 * then new events as they are appended, for as long as it runs. Iterating it is the only way to
 * consume it; `stop()` ends the iteration (the pending `next()` resolves as done).
 */
export interface EventSubscription extends AsyncIterable<RecordedEvent> {
  stop(): Promise<void>;
}

export interface EventStoreCapabilities {
  /** True when {@link EventStore.appendToStreams} is all-or-nothing across streams. */
  atomicMultiStreamAppend: boolean;
}

/**
 * The ledger's event log.
 *
 * Errors: every method may throw {@link import('./event-store.errors').EventStoreUnavailable}
 * when the backend cannot be reached; append methods throw the errors documented on them.
 * Nothing else escapes: adapters map their client's errors onto these.
 */
export interface EventStore {
  readonly capabilities: EventStoreCapabilities;

  /**
   * Appends events to one stream, atomically.
   * Idempotent: when every event id is already stored in this stream, as an event of the same
   * type, nothing is written and the result has `appended: false`.
   * @throws ConcurrencyConflict when the stream is not at `expectedRevision`.
   * @throws DuplicateEventId when some but not all ids exist, or an id exists in another stream or
   * as an event of another type.
   */
  appendToStream(streamId: string, events: NewEvent[], expectedRevision?: ExpectedRevision): Promise<AppendResult>;

  /**
   * Appends to several streams in order. When `capabilities.atomicMultiStreamAppend` is true, all
   * appends are checked and written in one transaction: if any fails, none is written. Otherwise
   * each stream is appended on its own, in order, and a failure leaves the earlier streams written
   * (callers then append the same change set again, with the same event ids, so that the streams
   * written are taken as retries and the rest completes the work: a change set planned anew may
   * number its events differently).
   *
   * `appends` is iterated once, lazily, while appending: a change set staged elsewhere (a pending
   * change store of the same backend) can be appended without being in memory whole. An error
   * thrown by the iteration fails the append like a conflict does.
   * @throws ConcurrencyConflict, DuplicateEventId as {@link appendToStream}.
   */
  appendToStreams(appends: Iterable<StreamAppend>): Promise<AppendResult[]>;

  /** Reads one stream. A stream that does not exist yields nothing. */
  readStream(streamId: string, options?: ReadStreamOptions): AsyncIterable<RecordedEvent>;

  /**
   * The log positions of one stream's events after `after` and at most `upTo`, in log order, at
   * most `maxCount` of them: for read models that page a record's own events by log position
   * (a timeline reads them here instead of keeping a row for each).
   */
  streamPositions(streamId: string, options: StreamPositionsOptions): Promise<number[]>;

  /** The revision of a stream's last event, or null when the stream does not exist. */
  streamRevision(streamId: string): Promise<number | null>;

  /** Reads the global log forwards, in position order, in batches internally. */
  readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent>;

  /**
   * Optional, for a store that reads without waiting (an embedded one): the events after `after`
   * in log order, at most `maxCount`, read now. A projection runner in the same process folds a
   * long batch through its read models a slice at a time with it, inside one transaction, instead
   * of holding the whole batch: a batch held across the collector's young-generation passes was
   * copied and promoted event by event (a third of what reading the log cost).
   */
  readAllNow?(after: number, maxCount: number): RecordedEvent[];

  /**
   * The events stored at these log positions, in log order, each once. Positions where no event
   * is stored (past the head, or never used) are left out. For read models that keep pointers
   * into the log instead of copies of its events (a timeline, an audit feed), as EventStoreDB's
   * link events point at the events they resolve to.
   */
  readAt(positions: readonly number[]): Promise<RecordedEvent[]>;

  /**
   * Reads every stream of one category (`{category}-{id}` streams) in log order.
   * @param category the part of the stream id before the first dash, e.g. `user` or `sync`.
   * Positions only grow: a read after a position never turns up, later, an event at or before it
   * (SyncHistory catches up from the last position it read).
   */
  readCategory(category: string, options?: ReadAllOptions): AsyncIterable<RecordedEvent>;

  /** Position of the last event in the log, or 0 when the log is empty. */
  headPosition(): Promise<number>;

  /** Starts a catch-up subscription to the whole log. */
  subscribeToAll(options?: SubscribeOptions): EventSubscription;

  /**
   * Optional, for a store with a mode that suits large writes better than its usual one: runs
   * `work` (a sync's one append of its whole change set) in that mode where the store can take
   * it without changing what anyone else sees, and in the usual mode otherwise.
   * Nothing about the writes' meaning changes: only how fast they are made. Returns what `work`
   * returns, throws what it throws.
   */
  inBulk?<T>(work: () => Promise<T>): Promise<T>;

  /** Releases the backend connection. */
  close(): Promise<void>;
}
