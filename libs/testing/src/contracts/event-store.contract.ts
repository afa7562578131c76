import { randomUUID } from 'node:crypto';
import {
  ConcurrencyConflict,
  DuplicateEventId,
  type EventStore,
  type EventSubscription,
  type NewEvent,
  type RecordedEvent,
  type StreamAppend,
} from '@roster-ledger/ledger';

export interface EventStoreUnderTest {
  store: EventStore;
  cleanup: () => Promise<void>;
}

/** How long a subscription may take to deliver a live event or to end after stop(). */
const LIVE_TIMEOUT_MS = 5_000;

/**
 * The behaviour every EventStore adapter must show. Backend-agnostic: every test uses its own
 * streams and categories (random suffixes), and positions are compared with the head read before
 * the test, so the suite also runs against a shared, non-empty server log.
 *
 * @param makeStore gives a store for one test and a cleanup run after it.
 */
export function eventStoreContract(name: string, makeStore: () => Promise<EventStoreUnderTest>): void {
  describe(`EventStore contract: ${name}`, () => {
    let store: EventStore;
    let cleanup: (() => Promise<void>) | undefined;

    beforeEach(async () => {
      ({ store, cleanup } = await makeStore());
    });

    afterEach(async () => {
      await cleanup?.();
      cleanup = undefined;
    });

    describe('appendToStream', () => {
      it('creates a stream with no_stream: revisions from 0, positions after the head', async () => {
        const stream = streamName();
        const head = await store.headPosition();
        const events = newEvents(3);

        const result = await store.appendToStream(stream, events, 'no_stream');

        expect(result).toEqual({ streamId: stream, nextRevision: 2, position: expect.any(Number), appended: true });
        expect(result.position).toBeGreaterThan(head);
        const stored = await collect(store.readStream(stream));
        expect(stored.map((event) => [event.id, event.revision])).toEqual(events.map((event, i) => [event.id, i]));
        expect(stored[2]!.position).toBe(result.position);
        expect(await store.streamRevision(stream)).toBe(2);
      });

      it('creates a stream with any, and appends to an existing one with any', async () => {
        const stream = streamName();

        const first = await store.appendToStream(stream, newEvents(2), 'any');
        const second = await store.appendToStream(stream, newEvents(1), 'any');

        expect(first).toMatchObject({ nextRevision: 1, appended: true });
        expect(second).toMatchObject({ nextRevision: 2, appended: true });
        expect(second.position).toBeGreaterThan(first.position);
      });

      it('stores the event as given and records when it was written', async () => {
        const stream = streamName();
        const event: NewEvent = {
          id: randomUUID(),
          type: 'UserRosterChanged',
          data: { userId: 'u-1', name: { first: 'Ada', last: 'Lovelace' }, grades: ['3', '4'], active: true, n: 1.5, none: null },
          metadata: { syncId: 's-1', correlation: { a: 1 } },
        };
        const before = Date.now();

        await store.appendToStream(stream, [event], 'no_stream');

        const [stored] = await collect(store.readStream(stream));
        expect(stored).toEqual({
          id: event.id,
          type: event.type,
          streamId: stream,
          revision: 0,
          position: expect.any(Number),
          data: event.data,
          metadata: event.metadata,
          recordedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/),
        });
        // Generous bounds: a server's clock may differ a little from this machine's.
        const recordedAt = Date.parse(stored!.recordedAt);
        expect(recordedAt).toBeGreaterThan(before - 60_000);
        expect(recordedAt).toBeLessThan(Date.now() + 60_000);
      });

      it('appends at the exact expected revision', async () => {
        const stream = streamName();
        await store.appendToStream(stream, newEvents(2), 'no_stream');

        const result = await store.appendToStream(stream, newEvents(2), 1);

        expect(result).toMatchObject({ nextRevision: 3, appended: true });
        expect(await store.streamRevision(stream)).toBe(3);
      });

      it('appends with stream_exists to an existing stream', async () => {
        const stream = streamName();
        await store.appendToStream(stream, newEvents(1), 'no_stream');

        const result = await store.appendToStream(stream, newEvents(1), 'stream_exists');

        expect(result).toMatchObject({ nextRevision: 1, appended: true });
      });

      it('throws ConcurrencyConflict on a wrong expected revision and writes nothing', async () => {
        const stream = streamName();
        await store.appendToStream(stream, newEvents(2), 'no_stream');
        const head = await store.headPosition();

        const error = await rejectionOf(store.appendToStream(stream, newEvents(2), 0));

        expect(error).toBeInstanceOf(ConcurrencyConflict);
        expect(error).toMatchObject({ code: 'CONCURRENCY_CONFLICT', streamId: stream, expected: 0, actual: 1 });
        expect(await store.streamRevision(stream)).toBe(1);
        expect(await collect(store.readStream(stream))).toHaveLength(2);
        expect(await store.headPosition()).toBe(head);
      });

      it('throws ConcurrencyConflict on a revision ahead of the stream', async () => {
        const stream = streamName();
        await store.appendToStream(stream, newEvents(1), 'no_stream');

        const error = await rejectionOf(store.appendToStream(stream, newEvents(1), 5));

        expect(error).toBeInstanceOf(ConcurrencyConflict);
        expect(error).toMatchObject({ expected: 5, actual: 0 });
        expect(await store.streamRevision(stream)).toBe(0);
      });

      it('throws ConcurrencyConflict with no_stream on an existing stream and writes nothing', async () => {
        const stream = streamName();
        await store.appendToStream(stream, newEvents(1), 'no_stream');
        const head = await store.headPosition();

        const error = await rejectionOf(store.appendToStream(stream, newEvents(1), 'no_stream'));

        expect(error).toBeInstanceOf(ConcurrencyConflict);
        expect(error).toMatchObject({ streamId: stream, expected: 'no_stream', actual: 0 });
        expect(await store.streamRevision(stream)).toBe(0);
        expect(await store.headPosition()).toBe(head);
      });

      it('throws ConcurrencyConflict with stream_exists on a missing stream and creates nothing', async () => {
        const stream = streamName();
        const head = await store.headPosition();

        const error = await rejectionOf(store.appendToStream(stream, newEvents(1), 'stream_exists'));

        expect(error).toBeInstanceOf(ConcurrencyConflict);
        expect(error).toMatchObject({ streamId: stream, expected: 'stream_exists', actual: null });
        expect(await store.streamRevision(stream)).toBeNull();
        expect(await collect(store.readStream(stream))).toEqual([]);
        expect(await store.headPosition()).toBe(head);
      });

      it('throws ConcurrencyConflict with a revision on a missing stream', async () => {
        const stream = streamName();

        const error = await rejectionOf(store.appendToStream(stream, newEvents(1), 0));

        expect(error).toBeInstanceOf(ConcurrencyConflict);
        expect(error).toMatchObject({ expected: 0, actual: null });
        expect(await store.streamRevision(stream)).toBeNull();
      });
    });

    describe('idempotency', () => {
      it('a retried append with the same ids writes nothing and returns appended false', async () => {
        const stream = streamName();
        const events = newEvents(3);
        const first = await store.appendToStream(stream, events, 'no_stream');
        const head = await store.headPosition();

        const retry = await store.appendToStream(stream, events, 'no_stream');

        expect(retry).toEqual({ streamId: stream, nextRevision: 2, position: first.position, appended: false });
        expect(await store.headPosition()).toBe(head);
        expect((await collect(store.readStream(stream))).map((event) => event.id)).toEqual(events.map((e) => e.id));
      });

      it('a retry after the stream moved on is still a no-op, with the current revision', async () => {
        const stream = streamName();
        const events = newEvents(2);
        const first = await store.appendToStream(stream, events, 'no_stream');
        await store.appendToStream(stream, newEvents(3), 1);
        const head = await store.headPosition();

        const retry = await store.appendToStream(stream, events, 'no_stream');

        expect(retry).toEqual({ streamId: stream, nextRevision: 4, position: first.position, appended: false });
        expect(await store.headPosition()).toBe(head);
        expect(await store.streamRevision(stream)).toBe(4);
      });

      it('a retry with an exact revision that no longer matches is a no-op too', async () => {
        const stream = streamName();
        await store.appendToStream(stream, newEvents(1), 'no_stream');
        const events = newEvents(2);
        const first = await store.appendToStream(stream, events, 0);
        await store.appendToStream(stream, newEvents(1), 2);

        const retry = await store.appendToStream(stream, events, 0);

        expect(retry).toEqual({ streamId: stream, nextRevision: 3, position: first.position, appended: false });
      });

      it('throws DuplicateEventId when only some ids are stored (stored ids first), writing nothing', async () => {
        const stream = streamName();
        const events = newEvents(2);
        await store.appendToStream(stream, events, 'no_stream');
        const head = await store.headPosition();

        const error = await rejectionOf(store.appendToStream(stream, [...events, ...newEvents(1)], 'any'));

        expect(error).toBeInstanceOf(DuplicateEventId);
        expect(error).toMatchObject({ code: 'DUPLICATE_EVENT_ID', streamId: stream });
        expect(await store.streamRevision(stream)).toBe(1);
        expect(await store.headPosition()).toBe(head);
      });

      it('throws DuplicateEventId when only some ids are stored (new id first), writing nothing', async () => {
        const stream = streamName();
        const events = newEvents(2);
        await store.appendToStream(stream, events, 'no_stream');
        const head = await store.headPosition();

        const error = await rejectionOf(store.appendToStream(stream, [...newEvents(1), events[1]!], 'any'));

        expect(error).toBeInstanceOf(DuplicateEventId);
        expect(error).toMatchObject({ streamId: stream, eventId: events[1]!.id });
        expect(await store.streamRevision(stream)).toBe(1);
        expect(await store.headPosition()).toBe(head);
      });

      it('throws DuplicateEventId when an id is stored in another stream', async () => {
        const stream = streamName();
        const other = streamName();
        const events = newEvents(1);
        await store.appendToStream(other, events, 'no_stream');

        const error = await rejectionOf(store.appendToStream(stream, events, 'any'));

        expect(error).toBeInstanceOf(DuplicateEventId);
        expect(error).toMatchObject({ streamId: stream, eventId: events[0]!.id });
        expect(await store.streamRevision(stream)).toBeNull();
      });

      it('throws DuplicateEventId when an id is stored in the same stream as an event of another type', async () => {
        const stream = streamName();
        const events = newEvents(1);
        await store.appendToStream(stream, events, 'no_stream');

        const error = await rejectionOf(store.appendToStream(stream, [{ ...events[0]!, type: `${events[0]!.type}Other` }], 'any'));

        expect(error).toBeInstanceOf(DuplicateEventId);
        expect(await store.streamRevision(stream)).toBe(0);
      });

      it('throws DuplicateEventId when one append repeats an id, writing nothing', async () => {
        const stream = streamName();
        const [event] = newEvents(1);
        const head = await store.headPosition();

        const error = await rejectionOf(store.appendToStream(stream, [event!, event!], 'no_stream'));

        expect(error).toBeInstanceOf(DuplicateEventId);
        expect(await store.streamRevision(stream)).toBeNull();
        expect(await store.headPosition()).toBe(head);
      });
    });

    describe('readStream', () => {
      let stream: string;
      let events: NewEvent[];

      beforeEach(async () => {
        stream = streamName();
        events = newEvents(5);
        await store.appendToStream(stream, events, 'no_stream');
      });

      const revisionsOf = async (iterable: AsyncIterable<RecordedEvent>): Promise<number[]> =>
        (await collect(iterable)).map((event) => event.revision);

      it('reads forwards by default, with the ids in order', async () => {
        const stored = await collect(store.readStream(stream));
        expect(stored.map((event) => event.id)).toEqual(events.map((event) => event.id));
        expect(stored.map((event) => event.revision)).toEqual([0, 1, 2, 3, 4]);
        expect(stored.every((event) => event.streamId === stream)).toBe(true);
        expectStrictlyIncreasing(stored.map((event) => event.position));
      });

      it('reads backwards from the last event', async () => {
        expect(await revisionsOf(store.readStream(stream, { direction: 'backwards' }))).toEqual([4, 3, 2, 1, 0]);
      });

      it('reads forwards from a revision, inclusive', async () => {
        expect(await revisionsOf(store.readStream(stream, { fromRevision: 2 }))).toEqual([2, 3, 4]);
      });

      it('reads backwards from a revision, inclusive', async () => {
        expect(await revisionsOf(store.readStream(stream, { direction: 'backwards', fromRevision: 2 }))).toEqual([
          2, 1, 0,
        ]);
      });

      it('reads at most maxCount events', async () => {
        expect(await revisionsOf(store.readStream(stream, { maxCount: 2 }))).toEqual([0, 1]);
        expect(await revisionsOf(store.readStream(stream, { direction: 'backwards', maxCount: 2 }))).toEqual([4, 3]);
        expect(await revisionsOf(store.readStream(stream, { fromRevision: 3, maxCount: 10 }))).toEqual([3, 4]);
        expect(await revisionsOf(store.readStream(stream, { fromRevision: 1, maxCount: 2 }))).toEqual([1, 2]);
      });

      it('yields nothing from a revision past the end', async () => {
        expect(await revisionsOf(store.readStream(stream, { fromRevision: 5 }))).toEqual([]);
      });

      it('yields nothing for a stream that does not exist', async () => {
        expect(await collect(store.readStream(streamName()))).toEqual([]);
        expect(await collect(store.readStream(streamName(), { direction: 'backwards' }))).toEqual([]);
      });
    });

    describe('streamRevision and headPosition', () => {
      it('streamRevision is null for a missing stream and the last revision otherwise', async () => {
        const stream = streamName();
        expect(await store.streamRevision(stream)).toBeNull();

        await store.appendToStream(stream, newEvents(4), 'no_stream');

        expect(await store.streamRevision(stream)).toBe(3);
      });

      it('headPosition moves to at least the position of the last append', async () => {
        const head = await store.headPosition();
        expect(head).toBeGreaterThanOrEqual(0);

        const result = await store.appendToStream(streamName(), newEvents(2), 'no_stream');

        const after = await store.headPosition();
        expect(after).toBeGreaterThan(head);
        expect(after).toBeGreaterThanOrEqual(result.position);
      });
    });

    describe('readAll', () => {
      it('reads the log in strictly increasing positions, after exclusive', async () => {
        const head = await store.headPosition();
        const a = streamName();
        const b = streamName();
        await store.appendToStream(a, newEvents(2), 'no_stream');
        await store.appendToStream(b, newEvents(2), 'no_stream');
        await store.appendToStream(a, newEvents(1), 1);

        const all = await collect(store.readAll({ after: head }));
        expectStrictlyIncreasing(all.map((event) => event.position));
        expect(all.every((event) => event.position > head)).toBe(true);
        const mine = all.filter((event) => event.streamId === a || event.streamId === b);
        expect(mine.map((event) => [event.streamId, event.revision])).toEqual([
          [a, 0],
          [a, 1],
          [b, 0],
          [b, 1],
          [a, 2],
        ]);

        // `after` is exclusive: starting at the second event yields from the third.
        const fromSecond = await collect(store.readAll({ after: mine[1]!.position }));
        expect(fromSecond[0]!.position).toBeGreaterThan(mine[1]!.position);
        expect(fromSecond.filter((event) => event.streamId === a || event.streamId === b)).toEqual(mine.slice(2));
      });

      it('reads at most maxCount events', async () => {
        const head = await store.headPosition();
        await store.appendToStream(streamName(), newEvents(5), 'no_stream');

        const some = await collect(store.readAll({ after: head, maxCount: 3 }));

        expect(some).toHaveLength(3);
        expect(some.every((event) => event.position > head)).toBe(true);
      });

      it('reads from the start of the log when after is omitted', async () => {
        const result = await store.appendToStream(streamName(), newEvents(1), 'no_stream');

        const [firstEvent] = await collect(store.readAll({ maxCount: 1 }));

        expect(firstEvent).toBeDefined();
        expect(firstEvent!.position).toBeLessThanOrEqual(result.position);
      });

      it('reads across its internal batches without losing or repeating an event', async () => {
        const head = await store.headPosition();
        const stream = streamName();
        const events = newEvents(2_500);
        await store.appendToStream(stream, events, 'no_stream');

        const all = await collect(store.readAll({ after: head }));

        expectStrictlyIncreasing(all.map((event) => event.position));
        expect(all.filter((event) => event.streamId === stream).map((event) => event.id)).toEqual(
          events.map((event) => event.id),
        );
        const streamEvents = await collect(store.readStream(stream));
        expect(streamEvents).toHaveLength(2_500);
        expect(streamEvents[2_499]!.revision).toBe(2_499);
      });
    });

    describe('readAt', () => {
      it('gives the events at the positions asked for, in log order, each once, leaving out positions with no event', async () => {
        const stream = streamName();
        await store.appendToStream(stream, newEvents(4), 'no_stream');
        const stored = await collect(store.readStream(stream));
        const [first, , third, fourth] = stored.map((event) => event.position);
        const head = await store.headPosition();

        const found = await store.readAt([fourth!, first!, third!, fourth!, head + 1_000]);

        expect(found).toEqual([stored[0], stored[2], stored[3]]);
      });

      it('gives nothing for no positions', async () => {
        await store.appendToStream(streamName(), newEvents(1), 'no_stream');
        expect(await store.readAt([])).toEqual([]);
      });
    });

    describe('streamPositions', () => {
      it("gives one stream's positions after one position and up to another, in log order, at most maxCount", async () => {
        const stream = streamName();
        const other = streamName();
        await store.appendToStream(stream, newEvents(2), 'no_stream');
        await store.appendToStream(other, newEvents(1), 'no_stream');
        await store.appendToStream(stream, newEvents(3), 1);
        const positions = (await collect(store.readStream(stream))).map((event) => event.position);
        const [p0, p1, p2, p3, p4] = positions;

        expect(await store.streamPositions(stream, { after: 0, upTo: Number.MAX_SAFE_INTEGER, maxCount: 100 })).toEqual(positions);
        expect(await store.streamPositions(stream, { after: p0!, upTo: p3!, maxCount: 100 })).toEqual([p1, p2, p3]);
        expect(await store.streamPositions(stream, { after: p1!, upTo: p4!, maxCount: 2 })).toEqual([p2, p3]);
        expect(await store.streamPositions(stream, { after: p4!, upTo: p4! + 1_000, maxCount: 100 })).toEqual([]);
        expect(await store.streamPositions(streamName(), { after: 0, upTo: p4!, maxCount: 100 })).toEqual([]);
      });
    });

    describe('readCategory', () => {
      it('reads only the streams of that category, in log order', async () => {
        const category = uniqueCategory();
        const otherCategory = uniqueCategory();
        const head = await store.headPosition();
        const one = `${category}-${randomUUID()}`;
        const two = `${category}-${randomUUID()}`;
        const other = `${otherCategory}-${randomUUID()}`;
        // A stream whose category only starts like ours must stay out.
        const lookalike = `${category}x-${randomUUID()}`;
        await store.appendToStream(one, newEvents(1), 'no_stream');
        await store.appendToStream(other, newEvents(1), 'no_stream');
        await store.appendToStream(two, newEvents(2), 'no_stream');
        await store.appendToStream(lookalike, newEvents(1), 'no_stream');
        await store.appendToStream(one, newEvents(1), 0);

        const read = await collect(store.readCategory(category, { after: head }));

        expect(read.map((event) => [event.streamId, event.revision])).toEqual([
          [one, 0],
          [two, 0],
          [two, 1],
          [one, 1],
        ]);
        expectStrictlyIncreasing(read.map((event) => event.position));
      });

      it('takes the category from before the first dash only', async () => {
        const category = uniqueCategory();
        const stream = `${category}-district-42-user-7`;
        await store.appendToStream(stream, newEvents(1), 'no_stream');

        const read = await collect(store.readCategory(category));

        expect(read.map((event) => event.streamId)).toEqual([stream]);
      });

      it('honours after (exclusive) and maxCount', async () => {
        const category = uniqueCategory();
        const stream = `${category}-${randomUUID()}`;
        await store.appendToStream(stream, newEvents(4), 'no_stream');
        const all = await collect(store.readCategory(category));

        const afterFirst = await collect(store.readCategory(category, { after: all[0]!.position, maxCount: 2 }));

        expect(afterFirst.map((event) => event.revision)).toEqual([1, 2]);
      });

      it('yields nothing for a category without streams', async () => {
        expect(await collect(store.readCategory(uniqueCategory()))).toEqual([]);
      });
    });

    describe('appendToStreams', () => {
      it('appends to several streams in order and returns one result per append', async () => {
        const a = streamName();
        const b = streamName();
        await store.appendToStream(b, newEvents(1), 'no_stream');

        const results = await store.appendToStreams([
          { streamId: a, expectedRevision: 'no_stream', events: newEvents(2) },
          { streamId: b, expectedRevision: 0, events: newEvents(1) },
        ]);

        expect(results).toEqual([
          { streamId: a, nextRevision: 1, position: expect.any(Number), appended: true },
          { streamId: b, nextRevision: 1, position: expect.any(Number), appended: true },
        ]);
        expect(results[1]!.position).toBeGreaterThan(results[0]!.position);
      });

      it('appends a lazily produced batch, and when producing it fails, writes nothing (atomic stores) and passes the error on', async () => {
        function* lazily(streams: string[], failAfterFirst: boolean): Iterable<StreamAppend> {
          yield { streamId: streams[0]!, expectedRevision: 'no_stream', events: newEvents(2) };
          if (failAfterFirst) throw new Error('the staged change set cannot be read');
          yield { streamId: streams[1]!, expectedRevision: 'no_stream', events: newEvents(1) };
        }
        const failing = [streamName(), streamName()];
        const head = await store.headPosition();

        const error = await rejectionOf(store.appendToStreams(lazily(failing, true)));
        expect(error).toMatchObject({ message: expect.stringContaining('the staged change set cannot be read') });
        if (store.capabilities.atomicMultiStreamAppend) {
          expect(await store.streamRevision(failing[0]!)).toBeNull();
          expect(await store.headPosition()).toBe(head);
        }

        const results = await store.appendToStreams(lazily([streamName(), streamName()], false));
        expect(results.map((r) => [r.nextRevision, r.appended])).toEqual([[1, true], [0, true]]);
      });

      it('returns an empty result for an empty batch', async () => {
        expect(await store.appendToStreams([])).toEqual([]);
      });

      it('a retried batch is a no-op for every stream', async () => {
        const batch = [
          { streamId: streamName(), expectedRevision: 'no_stream' as const, events: newEvents(2) },
          { streamId: streamName(), expectedRevision: 'no_stream' as const, events: newEvents(1) },
        ];
        const first = await store.appendToStreams(batch);
        const head = await store.headPosition();

        const retry = await store.appendToStreams(batch);

        expect(retry).toEqual(first.map((result) => ({ ...result, appended: false })));
        expect(await store.headPosition()).toBe(head);
      });

      it(
        'when capabilities.atomicMultiStreamAppend: a batch whose second append conflicts writes nothing; ' +
          'when not atomic (capability false): the first append stays written',
        async () => {
          const a = streamName();
          const b = streamName();
          const c = streamName();
          await store.appendToStream(b, newEvents(1), 'no_stream');
          await store.appendToStream(c, newEvents(1), 'no_stream');
          const head = await store.headPosition();

          const error = await rejectionOf(
            store.appendToStreams([
              { streamId: a, expectedRevision: 'no_stream', events: newEvents(2) },
              { streamId: b, expectedRevision: 'no_stream', events: newEvents(1) },
              { streamId: c, expectedRevision: 0, events: newEvents(1) },
            ]),
          );

          expect(error).toBeInstanceOf(ConcurrencyConflict);
          expect(error).toMatchObject({ streamId: b });
          expect(await store.streamRevision(b)).toBe(0);
          expect(await store.streamRevision(c)).toBe(0);
          if (store.capabilities.atomicMultiStreamAppend) {
            expect(await store.streamRevision(a)).toBeNull();
            expect(await store.headPosition()).toBe(head);
          } else {
            expect(await store.streamRevision(a)).toBe(1);
          }
        },
      );

      it(
        'when capabilities.atomicMultiStreamAppend: a batch whose second append has a stored id writes nothing; ' +
          'when not atomic (capability false): the first append stays written',
        async () => {
          const a = streamName();
          const b = streamName();
          const taken = newEvents(1);
          await store.appendToStream(streamName(), taken, 'no_stream');
          const head = await store.headPosition();

          const error = await rejectionOf(
            store.appendToStreams([
              { streamId: a, expectedRevision: 'any', events: newEvents(1) },
              { streamId: b, expectedRevision: 'any', events: [...newEvents(1), ...taken] },
            ]),
          );

          expect(error).toBeInstanceOf(DuplicateEventId);
          expect(await store.streamRevision(b)).toBeNull();
          if (store.capabilities.atomicMultiStreamAppend) {
            expect(await store.streamRevision(a)).toBeNull();
            expect(await store.headPosition()).toBe(head);
          } else {
            expect(await store.streamRevision(a)).toBe(0);
          }
        },
      );
    });

    describe('subscribeToAll', () => {
      let subscription: EventSubscription | undefined;

      afterEach(async () => {
        await subscription?.stop();
        subscription = undefined;
      });

      it('delivers stored events after the position, then a later append live, until stop()', async () => {
        const stream = streamName();
        await store.appendToStream(stream, newEvents(1), 'no_stream');
        const head = await store.headPosition();
        const stored = newEvents(2);
        await store.appendToStream(stream, stored, 0);

        subscription = store.subscribeToAll({ after: head });
        const iterator = subscription[Symbol.asyncIterator]();
        const caughtUp = await nextOfStream(iterator, stream, 2);
        expect(caughtUp.map((event) => event.id)).toEqual(stored.map((event) => event.id));
        expect(caughtUp.map((event) => event.revision)).toEqual([1, 2]);

        // Asked before the append happens: the subscription has turned live.
        const pending = nextOfStream(iterator, stream, 1);
        const live = newEvents(1);
        const appended = await store.appendToStream(stream, live, 2);
        const [delivered] = await pending;
        expect(delivered).toMatchObject({ id: live[0]!.id, streamId: stream, revision: 3, position: appended.position });

        await subscription.stop();
        await expect(withTimeout(iterator.next(), 'next() after stop()')).resolves.toEqual({
          done: true,
          value: undefined,
        });
      });

      it('delivers in strictly increasing positions, starting after the given position', async () => {
        const stream = streamName();
        await store.appendToStream(stream, newEvents(3), 'no_stream');
        const [, second] = await collect(store.readStream(stream));

        subscription = store.subscribeToAll({ after: second!.position });
        const iterator = subscription[Symbol.asyncIterator]();
        await store.appendToStream(stream, newEvents(2), 2);
        const delivered = await nextOfStream(iterator, stream, 3);

        expect(delivered.map((event) => event.revision)).toEqual([2, 3, 4]);
        expectStrictlyIncreasing(delivered.map((event) => event.position));
      });

      it('starts at the beginning of the log when after is omitted', async () => {
        const result = await store.appendToStream(streamName(), newEvents(1), 'no_stream');

        subscription = store.subscribeToAll();
        const first = await withTimeout(subscription[Symbol.asyncIterator]().next(), 'first event');

        expect(first.done).toBe(false);
        expect((first.value as RecordedEvent).position).toBeLessThanOrEqual(result.position);
      });

      it('stop() resolves a pending next() as done promptly', async () => {
        subscription = store.subscribeToAll({ after: await store.headPosition() });
        const iterator = subscription[Symbol.asyncIterator]();
        // Skip whatever other writers append meanwhile; our own next() stays pending.
        const ended = (async () => {
          for (;;) {
            const result = await iterator.next();
            if (result.done) return result;
          }
        })();
        await delay(50);

        await subscription.stop();

        await expect(withTimeout(ended, 'pending next() after stop()')).resolves.toEqual({
          done: true,
          value: undefined,
        });
      });

      it('stop() before iterating ends the iteration at once', async () => {
        await store.appendToStream(streamName(), newEvents(1), 'no_stream');
        subscription = store.subscribeToAll();

        await subscription.stop();

        const delivered: RecordedEvent[] = [];
        for await (const event of subscription) delivered.push(event);
        expect(delivered).toEqual([]);
      });
    });
  });
}

function streamName(): string {
  return `contract-${randomUUID()}`;
}

/** A category of its own: letters and digits only, since a dash ends a category. */
function uniqueCategory(): string {
  return `cat${randomUUID().replaceAll('-', '')}`;
}

function newEvents(count: number): NewEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    id: randomUUID(),
    type: 'ContractTested',
    data: { index: i, label: `event ${i}` },
    metadata: { test: 'event-store.contract' },
  }));
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

function expectStrictlyIncreasing(values: number[]): void {
  for (let i = 1; i < values.length; i++) expect(values[i]!).toBeGreaterThan(values[i - 1]!);
}

/** The next `count` events of one stream from a subscription, skipping other writers' events. */
async function nextOfStream(
  iterator: AsyncIterator<RecordedEvent>,
  stream: string,
  count: number,
): Promise<RecordedEvent[]> {
  const found: RecordedEvent[] = [];
  const read = async (): Promise<RecordedEvent[]> => {
    while (found.length < count) {
      const result = await iterator.next();
      if (result.done) throw new Error(`subscription ended after ${found.length} of ${count} events of ${stream}`);
      if (result.value.streamId === stream) found.push(result.value);
    }
    return found;
  };
  return withTimeout(read(), `${count} events of ${stream}`);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${LIVE_TIMEOUT_MS} ms waiting for ${what}`)), LIVE_TIMEOUT_MS);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
