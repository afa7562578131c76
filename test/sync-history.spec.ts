import { randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { SqliteEventStore } from '@roster-ledger/event-store';
import type { SyncSummary } from '@roster-ledger/domain';
import { QueryBus } from '@nestjs/cqrs';
import { CatchUpProjectionsCommand, GetSyncQuery, ListSyncsQuery, NotFound, PENDING_CHANGE_STORE, READ_MODELS, SyncHistory, type JsonObject, type NewEvent, type PendingChangeStore, type ReadModels } from '@roster-ledger/ledger';
import { ledgerRuntime, standInConfig } from './support/clever-sync-runtime';
import { scratch } from './support/ledger-cli';

/**
 * The list of syncs is the syncs read model with the sync events past its checkpoint folded on
 * top: it is the log's whether the read model is behind or not, and a sync reads only what the
 * read model has not folded yet, not every sync ever recorded.
 */
interface Ledger {
  app: INestApplicationContext;
  history: SyncHistory;
  readModels: ReadModels;
  theirs: SqliteEventStore;
  catchUp: () => Promise<unknown>;
}

describe('SyncHistory: the syncs read model, caught up with the log', () => {
  const tmp = scratch('sync-history');
  afterAll(() => tmp.cleanup());
  const event = (type: string, data: JsonObject): NewEvent => ({ id: randomUUID(), type, data, metadata: {} });
  const started = (syncId: string, districtId: string, source = 'snapshot') =>
    event('SyncStarted', { syncId, owner: null, districtId, source, origin: '/snapshots/day', startedAt: new Date().toISOString(), requestedBy: 'ops' });
  const completed = (syncId: string, districtId: string) =>
    event('SyncCompleted', { syncId, districtId, counts: { StudentShared: 2 }, appended: 2, completedAt: new Date().toISOString(), skipped: {}, unresolved: {}, unknownValues: {} });
  const held = (syncId: string, districtId: string) =>
    event('SyncHeld', { syncId, districtId, counts: { StudentRemoved: 20 }, pending: 20, breaches: [], heldAt: new Date().toISOString(), skipped: {}, unresolved: {}, unknownValues: {} });
  const discarded = (syncId: string) => event('SyncDiscarded', { syncId, by: 'bob', discardedAt: new Date().toISOString() });
  const statuses = (syncs: SyncSummary[] | null) => syncs?.map((s) => `${s.syncId} ${s.status}`);

  /**
   * Runs `test` on a process's ledger (this one's history and read models) and another process's
   * connection that records syncs, and closes both after.
   */
  async function withLedger(name: string, test: (l: Ledger) => Promise<void>): Promise<void> {
    const path = tmp.path(`${name}.db`);
    const { app, commands } = await ledgerRuntime(standInConfig(path, 'http://127.0.0.1:9'));
    const theirs = SqliteEventStore.open(path);
    try {
      await test({
        app,
        history: app.get(SyncHistory),
        readModels: app.get<ReadModels>(READ_MODELS),
        theirs,
        catchUp: () => commands.execute(new CatchUpProjectionsCommand()),
      });
    } finally {
      await app.close();
      await theirs.close();
    }
  }

  it('lists every sync newest first, by district, status, source and page, with the read model behind, caught up, and behind again', async () => {
    await withLedger('lists', async (l) => {
    await l.theirs.appendToStream('sync-a', [started('a', 'd1'), completed('a', 'd1')], 'no_stream');
    await l.theirs.appendToStream('sync-b', [started('b', 'd2', 'clever-events')], 'no_stream');
    // nothing folded yet: all of it from the log
    expect(statuses(await l.history.list())).toEqual(['b running', 'a completed']);

    await l.catchUp();
    await l.theirs.appendToStream('sync-b', [completed('b', 'd2')], 0);
    await l.theirs.appendToStream('sync-c', [started('c', 'd1')], 'no_stream');
    await l.theirs.appendToStream('sync-d', [started('d', 'd1'), held('d', 'd1')], 'no_stream');
    // a, b's start from the read model; b's end, c and d from the log past it
    expect(statuses(await l.history.list())).toEqual(['d held', 'c running', 'b completed', 'a completed']);
    expect(statuses(await l.history.list({ districtId: 'd1' }))).toEqual(['d held', 'c running', 'a completed']);
    expect(statuses(await l.history.list({ statuses: ['completed'], limit: 1 }))).toEqual(['b completed']);
    expect(statuses(await l.history.list({ source: 'clever-events' }))).toEqual(['b completed']);
    expect(statuses(await l.history.list({ statuses: ['running'] }))).toEqual(['c running']);
    expect((await l.history.heldOf('d1'))?.syncId).toBe('d');
    expect(await l.history.heldOf('d2')).toBeUndefined();
    // pages: after the last sync of the page before, of the same list only
    expect(statuses(await l.history.listAfter({ limit: 2 }, 'c'))).toEqual(['b completed', 'a completed']);
    expect(statuses(await l.history.listAfter({ districtId: 'd1' }, 'd'))).toEqual(['c running', 'a completed']);
    expect(await l.history.listAfter({ districtId: 'd1' }, 'b')).toBeNull();
    expect(await l.history.listAfter({}, 'nope')).toBeNull();
    const last = await l.history.lastOfEachDistrict(['completed', 'held']);
    expect([...last].map(([district, s]) => `${district}: ${s.syncId}`)).toEqual(['d1: d', 'd2: b']);

    // the held sync discarded past the read model's checkpoint: its row says held, the log does not
    await l.catchUp();
    await l.theirs.appendToStream('sync-d', [discarded('d')], 1);
    expect(await l.history.heldOf('d1')).toBeUndefined();
    expect(statuses(await l.history.list({ districtId: 'd1', limit: 1 }))).toEqual(['d discarded']);
    expect([...(await l.history.lastOfEachDistrict(['completed', 'held']))].map(([district, s]) => `${district}: ${s.syncId}`)).toEqual(['d1: a', 'd2: b']);
    });
  });

  it('reads from the log only the sync events the read model has not folded, and each of them once', async () => {
    await withLedger('past-checkpoint', async (l) => {
    for (let i = 0; i < 20; i++) await l.theirs.appendToStream(`sync-s${i}`, [started(`s${i}`, 'd1'), completed(`s${i}`, 'd1')], 'no_stream');
    await l.catchUp();
    const foldedUpTo = await l.readModels.syncsFoldedUpTo();
    expect(foldedUpTo).toBeGreaterThan(0);
    await l.theirs.appendToStream('sync-new', [started('new', 'd1')], 'no_stream');
    const store = (l.history as unknown as { store: SqliteEventStore }).store;
    const read = jest.spyOn(store, 'readCategory');
    expect(statuses(await l.history.list({ districtId: 'd1', limit: 2 }))).toEqual(['new running', 's19 completed']);
    expect(read.mock.calls.map(([category, options]) => [category, options?.after])).toEqual([['sync', foldedUpTo]]);
    // while the read model stays there, the next question reads on from where this one got
    const newStart = (await store.streamPositions('sync-new', { after: 0, upTo: Number.MAX_SAFE_INTEGER, maxCount: 1 }))[0]!;
    await l.theirs.appendToStream('sync-newer', [started('newer', 'd1')], 'no_stream');
    const running = await l.history.list({ statuses: ['running'] });
    expect(statuses(running)).toEqual(['newer running', 'new running']);
    expect(read.mock.calls.map(([, options]) => options?.after)).toEqual([foldedUpTo, newStart]);
    // a summary handed out does not change when its sync moves on
    await l.theirs.appendToStream('sync-new', [completed('new', 'd1')], 0);
    expect(statuses(await l.history.list({ districtId: 'd1', limit: 1 }))).toEqual(['newer running']);
    expect(statuses(await l.history.list({ statuses: ['completed'], limit: 1 }))).toEqual(['new completed']);
    expect(running[1]!.status).toBe('running');
    });
  });

  it('starts again from the read model as it is now when a rebuild swapped in a version behind the one it read first', async () => {
    await withLedger('moved-back', async (l) => {
    await l.theirs.appendToStream('sync-a', [started('a', 'd1'), completed('a', 'd1')], 'no_stream');
    await l.catchUp();
    await l.theirs.appendToStream('sync-h', [started('h', 'd1'), held('h', 'd1')], 'no_stream');
    // its checkpoint read as the head (the version then live), its rows of a version behind it
    const head = await (l.history as unknown as { store: SqliteEventStore }).store.headPosition();
    jest.spyOn(l.readModels, 'syncsFoldedUpTo').mockResolvedValueOnce(head);
    expect((await l.history.heldOf('d1'))?.syncId).toBe('h');
    });
  });

  it('answers a page of syncs of a district never recorded as no such district, whatever the page', async () => {
    await withLedger('no-district', async (l) => {
    await l.theirs.appendToStream('sync-a', [started('a', 'd1'), completed('a', 'd1')], 'no_stream');
    const queries = l.app.get(QueryBus);
    await expect(queries.execute(new ListSyncsQuery('nope', 50, 'a'))).rejects.toThrow(NotFound);
    await expect(queries.execute(new ListSyncsQuery('nope'))).rejects.toThrow(NotFound);
    await expect(queries.execute(new ListSyncsQuery('d1', 50, 'nope'))).rejects.toMatchObject({ at: { field: 'after' } });
    });
  });

  it('lists the syncs of one status, the held ones awaiting a decision: none of it is an empty page, not a district never recorded', async () => {
    await withLedger('by-status', async (l) => {
    await l.theirs.appendToStream('sync-a', [started('a', 'd1'), completed('a', 'd1')], 'no_stream');
    await l.theirs.appendToStream('sync-h', [started('h', 'd1'), held('h', 'd1')], 'no_stream');
    await l.theirs.appendToStream('sync-g', [started('g', 'd2'), held('g', 'd2')], 'no_stream');
    await l.theirs.appendToStream('sync-b', [started('b', 'd3'), completed('b', 'd3')], 'no_stream');
    const queries = l.app.get(QueryBus);
    const ids = async (query: ListSyncsQuery) => ((await queries.execute(query)) as { items: SyncSummary[] }).items.map((s) => s.syncId);
    expect(await ids(new ListSyncsQuery(undefined, 50, undefined, 'held'))).toEqual(['g', 'h']);
    expect(await ids(new ListSyncsQuery('d1', 50, undefined, 'held'))).toEqual(['h']);
    expect(await ids(new ListSyncsQuery(undefined, 1, 'g', 'held'))).toEqual(['h']);
    expect(await ids(new ListSyncsQuery('d3', 50, undefined, 'held'))).toEqual([]);
    await expect(queries.execute(new ListSyncsQuery('nope', 50, undefined, 'held'))).rejects.toThrow(NotFound);
    // a held sync whose change set is not beside the ledger says so: it cannot be approved
    const pending = l.app.get<PendingChangeStore>(PENDING_CHANGE_STORE);
    await pending.add('g', 'd2', [{ streamId: 'user-x', expectedRevision: 'no_stream', events: [event('StudentShared', { id: 'x' })] }]);
    await pending.seal('g');
    const shown = async (syncId: string) => (await queries.execute(new GetSyncQuery(syncId))) as SyncSummary;
    expect((await shown('h')).changeSetMissing).toBe(true);
    expect((await shown('g')).changeSetMissing).toBeUndefined();
    expect((await shown('a')).changeSetMissing).toBeUndefined();
    const listed = ((await queries.execute(new ListSyncsQuery(undefined, 50, undefined, 'held'))) as { items: SyncSummary[] }).items;
    expect(listed.map((s) => [s.syncId, s.changeSetMissing ?? false])).toEqual([['g', false], ['h', true]]);
    });
  });

  it('pages on from the last sync of a page of one status after that sync has moved on to another', async () => {
    await withLedger('status-moved-on', async (l) => {
    await l.theirs.appendToStream('sync-a', [started('a', 'd1'), held('a', 'd1')], 'no_stream');
    await l.theirs.appendToStream('sync-b', [started('b', 'd2'), held('b', 'd2')], 'no_stream');
    await l.theirs.appendToStream('sync-c', [started('c', 'd3'), held('c', 'd3')], 'no_stream');
    const queries = l.app.get(QueryBus);
    const page = async (query: ListSyncsQuery) => (await queries.execute(query)) as { items: SyncSummary[]; next: string | null };
    const first = await page(new ListSyncsQuery(undefined, 1, undefined, 'held'));
    expect([first.items.map((s) => s.syncId), first.next]).toEqual([['c'], 'c']);
    // the held sync the page ended with is discarded before the next page is asked for
    await l.theirs.appendToStream('sync-c', [discarded('c')], 1);
    expect((await page(new ListSyncsQuery(undefined, 1, 'c', 'held'))).items.map((s) => s.syncId)).toEqual(['b']);
    await l.catchUp();
    expect((await page(new ListSyncsQuery(undefined, 5, 'c', 'held'))).items.map((s) => s.syncId)).toEqual(['b', 'a']);
    // a sync of another district is still no place in a district's list
    await expect(queries.execute(new ListSyncsQuery('d1', 1, 'c', 'held'))).rejects.toThrow(/must be the id of a sync of district d1/);
    });
  });

  it('reads every sync from the log when the read model cannot be read', async () => {
    await withLedger('unreadable', async (l) => {
    await l.theirs.appendToStream('sync-a', [started('a', 'd1'), completed('a', 'd1')], 'no_stream');
    await l.catchUp();
    await l.theirs.appendToStream('sync-b', [started('b', 'd1'), held('b', 'd1')], 'no_stream');
    // the checkpoint is read, then the rows fail (a damaged file)
    jest.spyOn(l.readModels, 'indexedSyncs').mockRejectedValue(new Error('database disk image is malformed'));
    expect(statuses(await l.history.list())).toEqual(['b held', 'a completed']);
    expect((await l.history.heldOf('d1'))?.syncId).toBe('b');
    });
  });
});
