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
    } finally {
      await mine.close();
      await theirs.close();
    }
  });

});
