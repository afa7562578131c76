import { randomUUID } from 'node:crypto';
import { SqliteEventStore } from '@roster-ledger/event-store';
import { SyncHistory, type JsonObject, type NewEvent } from '@roster-ledger/ledger';
import { scratch } from './support/ledger-cli';

/**
 * The list of syncs is kept as it is read and caught up from where it was last read: what another
 * process appended since is in the next list, and a summary once handed out does not change.
 */
describe('SyncHistory: the list of syncs, caught up from where it was read', () => {
  const tmp = scratch('sync-history');
  afterAll(() => tmp.cleanup());
  const event = (type: string, data: JsonObject): NewEvent => ({ id: randomUUID(), type, data, metadata: {} });
  const started = (syncId: string, districtId: string) =>
    event('SyncStarted', { syncId, owner: null, districtId, source: 'snapshot', origin: '/snapshots/day', startedAt: new Date().toISOString(), requestedBy: 'ops' });
  const completed = (syncId: string, districtId: string) =>
    event('SyncCompleted', { syncId, districtId, counts: { StudentShared: 2 }, appended: 2, completedAt: new Date().toISOString(), skipped: {}, unresolved: {}, unknownValues: {} });

  it("lists what another process recorded since its last read, newest first, each sync as its last event left it", async () => {
    const path = tmp.path('ledger.db');
    const mine = SqliteEventStore.open(path);
    const theirs = SqliteEventStore.open(path);
    try {
      const history = new SyncHistory(mine);
      await theirs.appendToStream('sync-a', [started('a', 'd1'), completed('a', 'd1')], 'no_stream');
      await theirs.appendToStream('sync-b', [started('b', 'd2')], 'no_stream');
      const first = await history.list();
      expect(first.map((s) => [s.syncId, s.status])).toEqual([['b', 'running'], ['a', 'completed']]);

      await theirs.appendToStream('sync-b', [completed('b', 'd2')], 0);
      await theirs.appendToStream('sync-c', [started('c', 'd1')], 'no_stream');
      expect((await history.list()).map((s) => [s.syncId, s.status])).toEqual([['c', 'running'], ['b', 'completed'], ['a', 'completed']]);
      expect((await history.list('d1')).map((s) => s.syncId)).toEqual(['c', 'a']);
      // a summary handed out is not changed by a later event of its sync, nor can its holder change it
      const runningB = first[0]!;
      expect(runningB.status).toBe('running');
      expect(() => Object.assign(runningB, { status: 'failed' })).toThrow(TypeError);
      const completedA = first[1]!;
      expect(() => Object.assign(completedA.counts, { StudentShared: 999 })).toThrow(TypeError);
      expect((await history.list('d1'))[1]!.counts).toEqual({ StudentShared: 2 });
    } finally {
      await mine.close();
      await theirs.close();
    }
  });

  it('reads only what the log gained since its last read, and a read that failed is taken up from where it got', async () => {
    const store = SqliteEventStore.open(tmp.path('catching-up.db'));
    try {
      const history = new SyncHistory(store);
      const read = jest.spyOn(store, 'readCategory');
      await store.appendToStream('sync-a', [started('a', 'd1'), completed('a', 'd1')], 'no_stream');
      await history.list();
      await store.appendToStream('sync-b', [started('b', 'd1')], 'no_stream');
      // the store fails once, as a busy database may
      read.mockImplementationOnce(() => {
        throw new Error('database is locked');
      });
      await expect(history.list()).rejects.toThrow('database is locked');
      expect((await history.list()).map((s) => [s.syncId, s.status])).toEqual([['b', 'running'], ['a', 'completed']]);
      expect(read.mock.calls.map(([category, options]) => [category, options?.after])).toEqual([['sync', 0], ['sync', 2], ['sync', 2]]);
    } finally {
      await store.close();
    }
  });
});
