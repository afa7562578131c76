import type { Statement } from 'better-sqlite3';
import {
  ConcurrencyConflict,
  DuplicateEventId,
  dataJsonOf,
  type AppendResult,
  type EventStore,
  type EventStoreCapabilities,
  type EventSubscription,
  type ExpectedRevision,
  type JsonObject,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type StreamAppend,
  type StreamPositionsOptions,
  type SubscribeOptions,
} from '@roster-ledger/ledger';
import { categoryOf } from '@roster-ledger/domain';
import { SqliteLedgerDatabase, isSqliteError, toEventStoreError, type SqliteLedgerDatabaseOptions } from './sqlite-database';
import { EVENT_COLUMNS, EventMetadataTable, type EventRow } from './event-metadata-table';
import { LogSealer, type SealWriter } from './log-seals';

export interface SqliteEventStoreOptions {
  /** Source of `recordedAt`. Default `() => new Date()`. */
  clock?: () => Date;
  /** Rows per query when reading the log, a category or a stream. Default 1,000. */
  readBatchSize?: number;
  /** How often a waiting subscription looks for appends made by other connections. Default 200 ms. */
  pollIntervalMs?: number;
}

interface EventLocation {
  stream_id: string;
  position: number;
  type: string;
}

const DEFAULT_READ_BATCH_SIZE = 1_000;
const DEFAULT_POLL_INTERVAL_MS = 200;

/**
 * The event store port on one SQLite file ({@link SqliteLedgerDatabase}), for the embedded mode.
 *
 * Guarantees:
 * - `appendToStreams` is all-or-nothing across streams (one SQLite transaction), so
 *   `capabilities.atomicMultiStreamAppend` is true; `appendToStream` is a one-stream batch.
 * - Expected revisions are checked inside the write transaction, which holds SQLite's single
 *   write lock: no other connection or process can write between the check and the insert.
 * - Idempotent appends: when every event id of a stream append is already stored in that stream,
 *   nothing is written and the result has `appended: false`, the stream's current revision and the
 *   position of the last of those events, whatever the expected revision says (a retry after a
 *   success whose reply was lost). Some but not all ids stored, an id stored in another stream or
 *   as an event of another type, or one id twice in the append throw DuplicateEventId.
 * - Positions are SQLite rowids (AUTOINCREMENT): strictly increasing, never reused, and they
 *   become visible in order because writers are serialised.
 * - Reads go by keyset pagination in batches, so memory stays bounded on any log size, and appends
 *   made while a read is under way are allowed (later batches may include them).
 * - Subscriptions see appends of this store at once and those of other connections or processes
 *   on the same file within the poll interval.
 *
 * Errors: SQLite failures (busy beyond the busy timeout, I/O, full disk, closed connection) throw
 * EventStoreUnavailable; no SQLite error escapes. An event that is not of the port's types (an
 * undefined type, a circular payload) fails with the TypeError of the code that rejected it.
 *
 * `close()` stops the subscriptions and closes the database, which may be shared with a
 * SqlitePendingChangeStore: close the event store last.
 */
export class SqliteEventStore implements EventStore {
  readonly capabilities: EventStoreCapabilities = { atomicMultiStreamAppend: true };

  private readonly clock: () => Date;
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly appendListeners = new Set<() => void>();
  private readonly subscriptions = new Set<SqliteSubscription>();

  // Prepared once: preparing is far dearer than running, and appends run them millions of times.
  private readonly eventLocation: Statement<[string], EventLocation>;
  private readonly streamRevisionOf: Statement<[string], number>;
  private readonly lastPositionOf: Statement<[string], number>;
  private readonly insertEvent: Statement<[string, string, string, number, string, string, string, number]>;
  private readonly metadata: EventMetadataTable;
  private readonly sealer: LogSealer;
  private readonly insertStream: Statement<[string, number]>;
  private readonly updateStream: Statement<[number, string]>;
  private readonly readForwards: Statement<[string, number, number], EventRow>;
  private readonly readBackwards: Statement<[string, number, number], EventRow>;
  private readonly readAfter: Statement<[number, number], EventRow>;
  private readonly readCategoryAfter: Statement<[string, number, number], EventRow>;
  private readonly maxPosition: Statement<[], number>;
  private readonly readPositions: Statement<[string], EventRow>;
  private readonly positionsOfStream: Statement<[string, number, number, number], number>;

  constructor(
    private readonly database: SqliteLedgerDatabase,
    options: SqliteEventStoreOptions = {},
  ) {
    this.clock = options.clock ?? (() => new Date());
    this.batchSize = Math.max(1, options.readBatchSize ?? DEFAULT_READ_BATCH_SIZE);
    this.pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
    try {
      const db = database.db;
      this.eventLocation = db.prepare<[string], EventLocation>(
        'SELECT stream_id, position, type FROM events WHERE event_id = ?',
      );
      this.streamRevisionOf = db
        .prepare<[string], number>('SELECT revision FROM streams WHERE stream_id = ?')
        .pluck();
      this.lastPositionOf = db
        .prepare<[string], number>('SELECT MAX(position) FROM events WHERE stream_id = ?')
        .pluck();
      // metadata '': the text is the row of event_metadata named by metadata_id
      this.insertEvent = db.prepare(
        `INSERT INTO events (event_id, stream_id, category, revision, type, data, metadata, recorded_at, metadata_id)
         VALUES (?, ?, ?, ?, ?, ?, '', ?, ?)`,
      );
      this.metadata = new EventMetadataTable(db);
      this.sealer = new LogSealer(db);
      this.insertStream = db.prepare('INSERT INTO streams (stream_id, revision) VALUES (?, ?)');
      this.updateStream = db.prepare('UPDATE streams SET revision = ? WHERE stream_id = ?');
      this.readForwards = db
        .prepare<[string, number, number], EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision LIMIT ?`)
        .raw();
      this.readBackwards = db
        .prepare<[string, number, number], EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = ? AND revision <= ? ORDER BY revision DESC LIMIT ?`)
        .raw();
      this.readAfter = db.prepare<[number, number], EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?`).raw();
      this.readCategoryAfter = db
        .prepare<[string, number, number], EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE category = ? AND position > ? ORDER BY position LIMIT ?`)
        .raw();
      this.maxPosition = db.prepare<[], number>('SELECT COALESCE(MAX(position), 0) FROM events').pluck();
      this.readPositions = db
        .prepare<[string], EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE position IN (SELECT value FROM json_each(?)) ORDER BY position`)
        .raw();
      // the (stream_id, revision) index walks the stream in log order; positions are its rowids
      this.positionsOfStream = db
        .prepare<[string, number, number, number], number>(
          'SELECT position FROM events WHERE stream_id = ? AND position > ? AND position <= ? ORDER BY revision LIMIT ?',
        )
        .pluck();
    } catch (error) {
      throw toEventStoreError(error, database.path);
    }
  }

  /** Opens (creating if needed) the SQLite file at `path` and a store on it, which owns it. */
  static open(path: string, options: SqliteEventStoreOptions & SqliteLedgerDatabaseOptions = {}): SqliteEventStore {
    return new SqliteEventStore(new SqliteLedgerDatabase(path, options), options);
  }

  async appendToStream(
    streamId: string,
    events: NewEvent[],
    expectedRevision: ExpectedRevision = 'any',
  ): Promise<AppendResult> {
    const [result] = await this.appendToStreams([{ streamId, events, expectedRevision }]);
    return result!;
  }

  async appendToStreams(appends: Iterable<StreamAppend>): Promise<AppendResult[]> {
    // One timestamp per batch: the batch is one transaction, so its events are recorded together.
    const recordedAt = this.clock().toISOString();
    const results: AppendResult[] = [];
    const iterator = appends[Symbol.iterator]();
    try {
      let next = iterator.next();
      // an empty batch takes no write lock
      if (next.done) return results;
      this.database.transaction(() => {
        // the append's seal, written in its transaction: the log is tamper-evident (see log-seals.ts)
        const seal = this.sealer.begin();
        for (; !next.done; next = iterator.next()) results.push(this.appendOne(next.value, recordedAt, seal));
        seal.close();
      });
    } catch (error) {
      // an append that failed part-way lets go of what the appends' source holds (a staged set's file)
      try {
        iterator.return?.();
      } catch {
        // the append's own error is the one to report
      }
      throw toEventStoreError(error, this.database.path);
    } finally {
      this.metadata.forgetWritten();
    }
    // Only after the commit: a woken subscription must find the events.
    if (results.some((result) => result.appended)) this.notifyAppend();
    return results;
  }

  async *readStream(streamId: string, options: ReadStreamOptions = {}): AsyncIterable<RecordedEvent> {
    const backwards = options.direction === 'backwards';
    let remaining = options.maxCount ?? Number.POSITIVE_INFINITY;
    let from = options.fromRevision ?? (backwards ? Number.MAX_SAFE_INTEGER : 0);
    while (remaining > 0 && from >= 0) {
      const limit = Math.min(this.batchSize, remaining);
      const rows = this.query(() => (backwards ? this.readBackwards : this.readForwards).all(streamId, from, limit));
      yield* this.query(() => this.metadata.toRecordedEvents(rows));
      if (rows.length < limit) return;
      remaining -= rows.length;
      const last = rows[rows.length - 1]![3];
      from = backwards ? last - 1 : last + 1;
    }
  }

  async streamPositions(streamId: string, options: StreamPositionsOptions): Promise<number[]> {
    return this.query(() => this.positionsOfStream.all(streamId, options.after, options.upTo, options.maxCount));
  }

  async streamRevision(streamId: string): Promise<number | null> {
    return this.query(() => this.streamRevisionOf.get(streamId)) ?? null;
  }

  readAll(options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
    return this.readByPosition(options, (after, limit) => this.readAfter.all(after, limit));
  }

  readAllNow(after: number, maxCount: number): RecordedEvent[] {
    return this.query(() => this.metadata.toRecordedEvents(this.readAfter.all(after, maxCount)));
  }

  async readAt(positions: readonly number[]): Promise<RecordedEvent[]> {
    if (positions.length === 0) return [];
    return this.query(() => this.metadata.toRecordedEvents(this.readPositions.all(JSON.stringify(positions))));
  }

  readCategory(category: string, options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
    // Streams without a dash belong to no category (as in EventStoreDB's $by_category): they are
    // stored with the empty category, which no one can ask for.
    if (category === '' || category.includes('-')) return emptyIterable();
    return this.readByPosition(options, (after, limit) => this.readCategoryAfter.all(category, after, limit));
  }

  async headPosition(): Promise<number> {
    return this.query(() => this.maxPosition.get()) ?? 0;
  }

  subscribeToAll(options: SubscribeOptions = {}): EventSubscription {
    const subscription = new SqliteSubscription(
      options.after ?? 0,
      this.pollIntervalMs,
      (after) => this.query(() => this.metadata.toRecordedEvents(this.readAfter.all(after, this.batchSize))),
      (listener) => {
        this.appendListeners.add(listener);
        return () => this.appendListeners.delete(listener);
      },
      (stopped) => this.subscriptions.delete(stopped),
    );
    this.subscriptions.add(subscription);
    return subscription;
  }

  /** See SqliteLedgerDatabase.inBulk: a rollback journal for the work when this connection holds the file alone. */
  inBulk<T>(work: () => Promise<T>): Promise<T> {
    return this.database.inBulk(work);
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
    this.database.close();
  }

  /** One stream append, inside the batch's transaction. The hot path of a large import. */
  private appendOne(append: StreamAppend, recordedAt: string, seal: SealWriter): AppendResult {
    const { streamId, events, expectedRevision } = append;
    const first = events[0];
    if (first !== undefined) {
      // Idempotency costs one look-up per stream append: a first id that is not stored means a
      // new append (a later id that is stored then fails the UNIQUE index on insert).
      const stored = this.eventLocation.get(first.id);
      if (stored !== undefined) return this.retriedAppend(append, stored);
    }

    const current = this.streamRevisionOf.get(streamId) ?? null;
    if (!revisionMatches(expectedRevision, current)) {
      throw new ConcurrencyConflict(streamId, expectedRevision, current);
    }
    if (first === undefined) {
      // An empty append only checks the expected revision, as in EventStoreDB.
      return {
        streamId,
        nextRevision: current ?? -1,
        position: current === null ? 0 : (this.lastPositionOf.get(streamId) ?? 0),
        appended: false,
      };
    }

    const category = categoryOf(streamId);
    let revision = current ?? -1;
    let position = 0;
    // events of an append that share one metadata object (a staged append read back) share its row
    // without writing it out again: nothing can change the object during this loop
    let lastMetadata: JsonObject | null = null;
    let metadataText = '';
    let metadataId = 0;
    for (const event of events) {
      revision += 1;
      const data = dataJsonOf(event);
      if (event.metadata !== lastMetadata) {
        metadataText = JSON.stringify(event.metadata);
        metadataId = this.metadata.idFor(metadataText);
        lastMetadata = event.metadata;
      }
      try {
        position = Number(
          this.insertEvent.run(event.id, streamId, category, revision, event.type, data, recordedAt, metadataId)
            .lastInsertRowid,
        );
      } catch (error) {
        throw this.insertFailure(error, streamId, event.id, expectedRevision);
      }
      seal.add({ position, eventId: event.id, streamId, revision, type: event.type, recordedAt, metadataId, metadata: metadataText, data });
    }
    if (current === null) this.insertStream.run(streamId, revision);
    else this.updateStream.run(revision, streamId);
    return { streamId, nextRevision: revision, position, appended: true };
  }

  /** The first id is stored: this is a retry only if every id is stored, in this stream, once. */
  private retriedAppend(append: StreamAppend, first: EventLocation): AppendResult {
    const { streamId, events } = append;
    const seen = new Set<string>();
    let position = 0;
    for (const [index, event] of events.entries()) {
      const stored = index === 0 ? first : this.eventLocation.get(event.id);
      // the same id on the same stream with another type is not this append stored before
      if (stored === undefined || stored.stream_id !== streamId || stored.type !== event.type || seen.has(event.id)) {
        throw new DuplicateEventId(streamId, event.id);
      }
      seen.add(event.id);
      position = Math.max(position, stored.position);
    }
    return { streamId, nextRevision: this.streamRevisionOf.get(streamId) ?? -1, position, appended: false };
  }

  private insertFailure(error: unknown, streamId: string, eventId: string, expected: ExpectedRevision): Error {
    if (isUniqueViolation(error)) {
      // The id is stored already (elsewhere, or earlier in this very append or batch).
      if (error.message.includes('events.event_id')) return new DuplicateEventId(streamId, eventId);
      // The streams table lagged behind the events: treat it as someone else having written first.
      if (error.message.includes('events.stream_id')) {
        return new ConcurrencyConflict(streamId, expected, this.lastRevisionFromEvents(streamId));
      }
    }
    return toEventStoreError(error, this.database.path);
  }

  private lastRevisionFromEvents(streamId: string): number | null {
    const row = this.database.db
      .prepare<[string], { revision: number | null }>('SELECT MAX(revision) AS revision FROM events WHERE stream_id = ?')
      .get(streamId);
    return row?.revision ?? null;
  }

  private readByPosition(
    options: ReadAllOptions,
    readBatch: (after: number, limit: number) => EventRow[],
  ): AsyncIterable<RecordedEvent> {
    const query = this.query.bind(this);
    const batchSize = this.batchSize;
    const metadata = this.metadata;
    return {
      async *[Symbol.asyncIterator]() {
        let after = options.after ?? 0;
        let remaining = options.maxCount ?? Number.POSITIVE_INFINITY;
        while (remaining > 0) {
          const limit = Math.min(batchSize, remaining);
          const rows = query(() => readBatch(after, limit));
          yield* query(() => metadata.toRecordedEvents(rows));
          if (rows.length < limit) return;
          remaining -= rows.length;
          after = rows[rows.length - 1]![0];
        }
      },
    };
  }

  private notifyAppend(): void {
    for (const listener of [...this.appendListeners]) listener();
  }

  /** Runs a read, mapping SQLite failures onto the port's errors. */
  private query<T>(read: () => T): T {
    try {
      return read();
    } catch (error) {
      throw toEventStoreError(error, this.database.path);
    }
  }
}

/**
 * A catch-up subscription: reads batches after its position until it finds none, then waits for a
 * signal of an append by this store or the poll interval (appends by other connections), and reads
 * again. A timer runs only while `next()` is waiting, and `stop()` clears it.
 */
class SqliteSubscription implements EventSubscription {
  private stopped = false;
  private wake: (() => void) | undefined;
  private readonly events: AsyncGenerator<RecordedEvent, void, undefined>;

  constructor(
    private position: number,
    private readonly pollIntervalMs: number,
    private readonly readBatch: (after: number) => RecordedEvent[],
    private readonly onAppend: (listener: () => void) => () => void,
    private readonly onStop: (subscription: SqliteSubscription) => void,
  ) {
    this.events = this.run();
  }

  [Symbol.asyncIterator](): AsyncIterator<RecordedEvent> {
    return this.events;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.wake?.();
    this.onStop(this);
  }

  private async *run(): AsyncGenerator<RecordedEvent, void, undefined> {
    try {
      while (!this.stopped) {
        const batch = this.readBatch(this.position);
        for (const event of batch) {
          this.position = event.position;
          yield event;
          if (this.stopped) return;
        }
        if (batch.length === 0) await this.nextAppendOrPoll();
      }
    } finally {
      // Also reached when the consumer breaks out of `for await`.
      await this.stop();
    }
  }

  private nextAppendOrPoll(): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        unsubscribe();
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, this.pollIntervalMs);
      const unsubscribe = this.onAppend(done);
      this.wake = done;
    });
  }
}

function revisionMatches(expected: ExpectedRevision, current: number | null): boolean {
  switch (expected) {
    case 'any':
      return true;
    case 'no_stream':
      return current === null;
    case 'stream_exists':
      return current !== null;
    default:
      return current === expected;
  }
}

/** The part of the stream id before the first dash; '' (no category) when there is no dash. */
function isUniqueViolation(error: unknown): error is { code: string; message: string } {
  return isSqliteError(error) && error.code === 'SQLITE_CONSTRAINT_UNIQUE';
}

function emptyIterable(): AsyncIterable<RecordedEvent> {
  return { async *[Symbol.asyncIterator]() {} };
}
