import { randomUUID } from 'node:crypto';
import type { PendingChangeStore, StreamAppend } from '@roster-ledger/ledger';

export interface PendingChangeStoreUnderTest {
  store: PendingChangeStore;
  cleanup: () => Promise<void>;
}

/**
 * The behaviour every PendingChangeStore adapter must show. Each test uses its own sync ids, so
 * the suite also runs against a shared store.
 *
 * @param makeStore gives a store for one test and a cleanup run after it.
 */
export function pendingChangeStoreContract(name: string, makeStore: () => Promise<PendingChangeStoreUnderTest>): void {
  describe(`PendingChangeStore contract: ${name}`, () => {
    let store: PendingChangeStore;
    let cleanup: (() => Promise<void>) | undefined;

    beforeEach(async () => {
      ({ store, cleanup } = await makeStore());
    });

    afterEach(async () => {
      await cleanup?.();
      cleanup = undefined;
    });

    it('reads nothing, size 0, for a sync that was never staged or held', async () => {
      const sync = syncId();
      expect(byFields(store.read(sync))).toEqual([]);
      expect(await store.size(sync)).toBe(0);
      expect(await store.has(sync)).toBe(false);
    });

    it('has a change set from its first appends until it is deleted', async () => {
      const sync = syncId();
      await store.add(sync, 'district-1', changeSet(['no_stream']));
      await store.seal(sync);
      expect(await store.has(sync)).toBe(true);
      await store.delete(sync);
      expect(await store.has(sync)).toBe(false);
    });

    it('gives back exactly the appends saved, in order, with every kind of expected revision', async () => {
      const sync = syncId();
      const appends = changeSet(['no_stream', 3, 'any', 'stream_exists', 0]);

      await store.add(sync, 'district-1', appends);

      expect(byFields(store.read(sync))).toEqual(appends);
    });

    it('keeps event payloads intact (nested objects, arrays, nulls, numbers, unicode)', async () => {
      const sync = syncId();
      const appends: StreamAppend[] = [
        {
          streamId: `user-${randomUUID()}`,
          expectedRevision: 7,
          events: [
            {
              id: randomUUID(),
              type: 'UserRosterChanged',
              data: { name: { first: 'Zoë', last: 'Ñúñez 李' }, grades: ['K', '1'], gpa: 3.75, middle: null, active: false },
              metadata: { syncId: sync, actor: { kind: 'sync' } },
            },
          ],
        },
      ];

      await store.add(sync, 'district-1', appends);

      expect(byFields(store.read(sync))).toEqual(appends);
    });

    it('keeps ids, types and data that hold tabs, line breaks, quotes, backslashes and unicode', async () => {
      const sync = syncId();
      const metadata = { syncId: sync };
      const odd = 'tab\there\nline\r\n"quoted" back\\slash \u2028 Zoë 李 \u0000';
      const appends: StreamAppend[] = [
        {
          streamId: `user-${randomUUID()}`,
          expectedRevision: 'no_stream',
          events: [
            { id: `${randomUUID()}\t1`, type: 'Odd\nType', data: { [odd]: odd, list: [odd, { nested: odd }] }, metadata },
            { id: `"${randomUUID()}"`, type: '\tTabbed', data: {}, metadata },
          ],
        },
      ];

      await store.add(sync, 'district-1', appends);

      expect(byFields(store.read(sync))).toEqual(appends);
    });

    it("keeps each event's metadata, whether an append's events have the same, one another's or nested", async () => {
      const sync = syncId();
      const event = (metadata: StreamAppend['events'][number]['metadata'], i: number) => ({ id: randomUUID(), type: 'StudentUpdated', data: { i }, metadata });
      const same = { syncId: sync, cleverLastModified: '2025-01-02T03:04:05.000Z', schemaVersion: 1 };
      const appends: StreamAppend[] = [
        // equal metadata in separate objects, as a sync plans them, and one object shared
        { streamId: `user-${randomUUID()}`, expectedRevision: 0, events: [event({ ...same }, 0), event({ ...same }, 1), event(same, 2), event(same, 3)] },
        // equal but for one value, or for a key only one of them has
        { streamId: `user-${randomUUID()}`, expectedRevision: 1, events: [event(same, 0), event({ ...same, cleverLastModified: '2025-01-03T00:00:00.000Z' }, 1)] },
        { streamId: `user-${randomUUID()}`, expectedRevision: 2, events: [event(same, 0), event({ ...same, removedAsOf: '2025-01-04T00:00:00.000Z' }, 1)] },
        { streamId: `user-${randomUUID()}`, expectedRevision: 3, events: [event({ ...same, removedAsOf: '2025-01-04T00:00:00.000Z' }, 0), event(same, 1)] },
        // nested values, the same in each event
        { streamId: `user-${randomUUID()}`, expectedRevision: 4, events: [event({ syncId: sync, actor: { kind: 'sync' } }, 0), event({ syncId: sync, actor: { kind: 'sync' } }, 1)] },
      ];

      await store.add(sync, 'district-1', appends);

      expect(byFields(store.read(sync))).toEqual(appends);
    });

    it('keeps the change sets of different syncs apart', async () => {
      const first = syncId();
      const second = syncId();
      const firstAppends = changeSet(['no_stream']);
      const secondAppends = changeSet([1, 2]);

      await store.add(first, 'district-1', firstAppends);
      await store.add(second, 'district-2', secondAppends);
      await store.delete(first);

      expect(byFields(store.read(first))).toEqual([]);
      expect(byFields(store.read(second))).toEqual(secondAppends);
    });

    it('delete drops the change set', async () => {
      const sync = syncId();
      await store.add(sync, 'district-1', changeSet(['any']));

      await store.delete(sync);

      expect(byFields(store.read(sync))).toEqual([]);
    });

    it('deleting a change set that does not exist is a no-op', async () => {
      await expect(store.delete(syncId())).resolves.toBeUndefined();
    });

    it('add stages appends after those already stored, in order, and size counts them', async () => {
      const sync = syncId();
      const first = changeSet(['no_stream', 2]);
      const second = changeSet([5]);
      const third = changeSet(['any', 'no_stream']);

      await store.add(sync, 'district-1', first);
      await store.add(sync, 'district-1', []);
      await store.add(sync, 'district-1', second);
      await store.add(sync, 'district-1', third);

      expect(byFields(store.read(sync))).toEqual([...first, ...second, ...third]);
      expect(await store.size(sync)).toBe(5);
    });

    it('reads a change set larger than a page lazily: iterating part of it reads only that part', async () => {
      const sync = syncId();
      const appends = changeSet(Array.from({ length: 1_234 }, (_, i) => i));
      await store.add(sync, 'district-1', appends);

      const iterator = store.read(sync)[Symbol.iterator]();
      expect(byFields([iterator.next().value as StreamAppend])).toEqual([appends[0]]);
      const rest: StreamAppend[] = [];
      for (let next = iterator.next(); !next.done; next = iterator.next()) rest.push(next.value);
      expect(byFields(rest)).toEqual(appends.slice(1));
    });

    it('reads from an append of the order on, over pages, and nothing from past the last', async () => {
      const sync = syncId();
      const appends = changeSet(Array.from({ length: 1_234 }, (_, i) => i));
      await store.add(sync, 'district-1', appends.slice(0, 600));
      await store.add(sync, 'district-1', appends.slice(600));

      expect(byFields(store.read(sync, 0))).toEqual(appends);
      expect(byFields(store.read(sync, 1))).toEqual(appends.slice(1));
      expect(byFields(store.read(sync, 1_000))).toEqual(appends.slice(1_000));
      expect(byFields(store.read(sync, 1_233))).toEqual(appends.slice(1_233));
      expect(byFields(store.read(sync, 1_234))).toEqual([]);
      expect(byFields(store.read(syncId(), 3))).toEqual([]);
    });

    it('deleteDistrict drops every change set of that district and no other', async () => {
      const [a, b, other] = [syncId(), syncId(), syncId()];
      await store.add(a, 'district-gone', changeSet(['no_stream']));
      await store.add(b, 'district-gone', changeSet([1]));
      const kept = changeSet([2]);
      await store.add(other, 'district-kept', kept);

      await store.deleteDistrict('district-gone');

      expect(byFields(store.read(a))).toEqual([]);
      expect(byFields(store.read(b))).toEqual([]);
      expect(byFields(store.read(other))).toEqual(kept);
    });

    it('keeps a sealed change set (a held sync\'s) as it was', async () => {
      const sync = syncId();
      const appends = changeSet(['no_stream', 1]);
      await store.add(sync, 'district-1', appends);

      await store.seal(sync);

      expect(byFields(store.read(sync))).toEqual(appends);
      expect(await store.size(sync)).toBe(2);
    });

    it('holds a large change set', async () => {
      const sync = syncId();
      const appends = changeSet(Array.from({ length: 2_000 }, (_, i) => (i % 2 === 0 ? 'no_stream' : i)));

      await store.add(sync, 'district-1', appends);

      expect(byFields(store.read(sync))).toEqual(appends);
    });
  });
}

/**
 * The appends as a consumer reads them: each event a plain object of its fields. A store may hand
 * back events whose data is read on access (SerializedEvent), which equal the staged ones field
 * by field, not property by property.
 */
export function byFields(appends: Iterable<StreamAppend>): StreamAppend[] {
  return [...appends].map((a) => ({
    streamId: a.streamId,
    expectedRevision: a.expectedRevision,
    events: a.events.map((e) => ({ id: e.id, type: e.type, data: e.data, metadata: e.metadata })),
  }));
}

function syncId(): string {
  return `sync-${randomUUID()}`;
}

function changeSet(expectedRevisions: StreamAppend['expectedRevision'][]): StreamAppend[] {
  return expectedRevisions.map((expectedRevision, i) => ({
    streamId: `user-${randomUUID()}`,
    expectedRevision,
    events: [
      {
        id: randomUUID(),
        type: 'UserEnrolled',
        data: { index: i, schoolId: `school-${i % 3}` },
        metadata: { syncId: 'held' },
      },
    ],
  }));
}
