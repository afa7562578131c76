import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { ConcurrencyConflict, EventStoreUnavailable, SerializedEvent, type NewEvent, type RecordedEvent } from '@roster-ledger/ledger';
import { byFields, eventStoreContract, pendingChangeStoreContract } from '@roster-ledger/testing';
import { SqliteLedgerDatabase } from './sqlite-database';
import { SqliteEventStore } from './sqlite-event-store';
import { SqlitePendingChangeStore } from './sqlite-pending-change-store';

/** A folder of its own under the OS temp dir, removed by the returned cleanup. */
function tempFolder(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'roster-ledger-sqlite-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

eventStoreContract('SqliteEventStore', async () => {
  const { dir, remove } = tempFolder();
  const store = SqliteEventStore.open(join(dir, 'ledger.db'));
  return {
    store,
    cleanup: async () => {
      await store.close();
      remove();
    },
  };
});

eventStoreContract('SqliteEventStore (:memory:, read batches of 7)', async () => {
  // Tiny batches make every read cross many batch boundaries.
  const store = SqliteEventStore.open(':memory:', { readBatchSize: 7 });
  return { store, cleanup: () => store.close() };
});

pendingChangeStoreContract('SqlitePendingChangeStore (:memory:)', async () => {
  const database = new SqliteLedgerDatabase(':memory:');
  return { store: new SqlitePendingChangeStore(database), cleanup: async () => database.close() };
});

pendingChangeStoreContract('SqlitePendingChangeStore', async () => {
  const { dir, remove } = tempFolder();
  const database = new SqliteLedgerDatabase(join(dir, 'ledger.db'));
  return {
    store: new SqlitePendingChangeStore(database),
    cleanup: async () => {
      database.close();
      remove();
    },
  };
});

describe('SqliteEventStore on a file', () => {
  let dir: string;
  let remove: () => void;
  let path: string;
  const opened: { close(): unknown }[] = [];

  beforeEach(() => {
    ({ dir, remove } = tempFolder());
    path = join(dir, 'nested', 'folders', 'ledger.db');
  });

  afterEach(async () => {
    for (const handle of opened.splice(0)) await handle.close();
    remove();
  });

  function openStore(options: Parameters<typeof SqliteEventStore.open>[1] = {}): SqliteEventStore {
    const store = SqliteEventStore.open(path, options);
    opened.push(store);
    return store;
  }

  function openDatabase(options: ConstructorParameters<typeof SqliteLedgerDatabase>[1] = {}): SqliteLedgerDatabase {
    const database = new SqliteLedgerDatabase(path, options);
    opened.push(database);
    return database;
  }

  it('creates the parent folders of the file', () => {
    openDatabase();
    expect(existsSync(path)).toBe(true);
  });

  it('keeps events, stream revisions and pending changes across close and reopen', async () => {
    const database = openDatabase();
    const store = new SqliteEventStore(database);
    const pending = new SqlitePendingChangeStore(database);
    const events = newEvents(3);
    const result = await store.appendToStream('user-1', events, 'no_stream');
    const held = [{ streamId: 'user-2', expectedRevision: 'no_stream' as const, events: newEvents(1) }];
    await pending.add('sync-1', 'district-1', held);
    await store.close();

    const reopened = openStore();
    const reopenedPending = new SqlitePendingChangeStore(openDatabase());

    expect(await reopened.streamRevision('user-1')).toBe(2);
    expect(await reopened.headPosition()).toBe(result.position);
    expect((await collect(reopened.readStream('user-1'))).map((event) => event.id)).toEqual(events.map((e) => e.id));
    expect(byFields(reopenedPending.read('sync-1'))).toEqual(held);
    // Idempotency holds across a restart: a sync rerun after a crash writes nothing twice.
    expect(await reopened.appendToStream('user-1', events, 'no_stream')).toMatchObject({ appended: false });
    expect(await reopened.appendToStream('user-1', newEvents(1), 2)).toMatchObject({ nextRevision: 3 });
  });

  it('runs in WAL mode with the documented pragmas', () => {
    const database = openDatabase();
    expect(database.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(database.db.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
    expect(database.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(database.db.pragma('busy_timeout', { simple: true })).toBe(5_000);
  });

  it('opens a new ledger file that another process is writing at that moment (two imports started together), waiting instead of failing', async () => {
    // Another connection, in a thread of its own, holds a write lock on the new file (still in its
    // first, rollback-journal mode) until 200 ms after the open has started: switching to WAL needs
    // an exclusive lock, for which SQLite does not wait by itself. The two threads tell each other
    // through shared memory (the open blocks this thread): [0] the open has started, [1] the lock is let go.
    mkdirSync(dirname(path), { recursive: true });
    const signals = new Int32Array(new SharedArrayBuffer(8));
    const holder = new Worker(
      `const { parentPort, workerData } = require('node:worker_threads');
       const db = new (require('better-sqlite3'))(workerData.path);
       db.exec('BEGIN IMMEDIATE; CREATE TABLE IF NOT EXISTS first_writer (id INTEGER)');
       parentPort.postMessage('locked');
       Atomics.wait(workerData.signals, 0, 0);
       Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
       Atomics.store(workerData.signals, 1, 1);
       db.exec('COMMIT');
       db.close();`,
      { eval: true, workerData: { path, signals } },
    );
    const exited = new Promise((resolveExit) => holder.once('exit', resolveExit));
    await new Promise((resolveLocked, reject) => {
      holder.once('message', resolveLocked);
      holder.once('error', reject);
    });
    Atomics.store(signals, 0, 1);
    Atomics.notify(signals, 0);
    const database = openDatabase();
    expect(database.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(Atomics.load(signals, 1)).toBe(1); // it opened only once the other writer had let go: it waited
    await exited;
  });

  it('creating the schema again on an existing file is harmless', async () => {
    const store = openStore();
    await store.appendToStream('user-1', newEvents(1), 'no_stream');
    const again = openDatabase();
    expect(again.db.prepare('SELECT COUNT(*) FROM events').pluck().get()).toBe(1);
  });

  it('the schema rejects a second event at the same stream revision', async () => {
    const database = openDatabase();
    const store = new SqliteEventStore(database);
    await store.appendToStream('user-1', newEvents(1), 'no_stream');
    const insert = database.db.prepare(
      `INSERT INTO events (event_id, stream_id, category, revision, type, data, metadata, recorded_at)
       VALUES (?, 'user-1', 'user', 0, 'X', '{}', '{}', '2026-01-01T00:00:00.000Z')`,
    );

    expect(() => insert.run(randomUUID())).toThrow(/UNIQUE constraint failed: events.stream_id, events.revision/);
  });

  it('maps a UNIQUE (stream, revision) violation that slips past the revision check to ConcurrencyConflict', async () => {
    const database = openDatabase();
    const store = new SqliteEventStore(database);
    await store.appendToStream('user-1', newEvents(2), 'no_stream');
    // Simulate a streams table that lags behind the events.
    database.db.prepare("UPDATE streams SET revision = 0 WHERE stream_id = 'user-1'").run();

    await expect(store.appendToStream('user-1', newEvents(1), 0)).rejects.toMatchObject({
      code: 'CONCURRENCY_CONFLICT',
      actual: 1,
    });
    expect(database.db.prepare("SELECT COUNT(*) FROM events WHERE stream_id = 'user-1'").pluck().get()).toBe(2);
  });

  it('stores the category (before the first dash) and keeps streams in step with events', async () => {
    const database = openDatabase();
    const store = new SqliteEventStore(database);
    await store.appendToStream('user-district-1', newEvents(2), 'no_stream');
    await store.appendToStream('nodash', newEvents(1), 'no_stream');

    const rows = database.db.prepare('SELECT stream_id, category FROM events ORDER BY position').all();
    expect(rows).toEqual([
      { stream_id: 'user-district-1', category: 'user' },
      { stream_id: 'user-district-1', category: 'user' },
      { stream_id: 'nodash', category: '' },
    ]);
    expect(database.db.prepare('SELECT stream_id, revision FROM streams ORDER BY stream_id').all()).toEqual([
      { stream_id: 'nodash', revision: 0 },
      { stream_id: 'user-district-1', revision: 1 },
    ]);
    // A stream without a dash belongs to no category, as in EventStoreDB.
    expect(await collect(store.readCategory('nodash'))).toEqual([]);
    expect(await collect(store.readCategory(''))).toEqual([]);
  });

  it("reads events whose metadata repeats the one before with that metadata, frozen: no reader can change another event's metadata fields through it", async () => {
    const store = openStore();
    const shared = { syncId: 'sync-1', observedAt: '2024-09-01T08:00:00.000Z' };
    const events = [...newEvents(3), ...newEvents(1)].map((e, i) => ({ ...e, metadata: i < 3 ? shared : { ...shared, syncId: 'sync-2' } }));
    await store.appendToStream('user-u1', events, 'no_stream');
    const read = await collect(store.readAll());
    expect(read.map((e) => e.metadata['syncId'])).toEqual(['sync-1', 'sync-1', 'sync-1', 'sync-2']);
    expect(read.every((e) => Object.isFrozen(e.metadata))).toBe(true);
    expect(() => {
      (read[0]!.metadata as Record<string, unknown>)['syncId'] = 'changed';
    }).toThrow(TypeError);
    expect(read[1]!.metadata['syncId']).toBe('sync-1');
    expect((await store.readAt([2]))[0]!.metadata).toEqual(shared);
  });

  it('stores a run of events with the same metadata once, and reads each event with its own', async () => {
    const database = openDatabase();
    const store = new SqliteEventStore(database);
    const meta = (syncId: string, cause: string) => ({ syncId, causationId: cause, observedAt: '2024-09-01T08:00:00.000Z' });
    const tagged = (metadata: ReturnType<typeof meta>[]) => newEvents(metadata.length).map((e, i) => ({ ...e, metadata: metadata[i]! }));
    await store.appendToStreams([
      { streamId: 'user-u1', expectedRevision: 'no_stream', events: tagged([meta('s1', 'a'), meta('s1', 'a'), meta('s1', 'b')]) },
      { streamId: 'user-u2', expectedRevision: 'no_stream', events: tagged([meta('s1', 'b'), meta('s1', 'a')]) },
    ]);
    await store.appendToStream('user-u3', tagged([meta('s1', 'a')]), 'no_stream');

    expect((await collect(store.readAll())).map((e) => e.metadata['causationId'])).toEqual(['a', 'a', 'b', 'b', 'a', 'a']);
    // a run: u1's two a's, then u1's b with u2's b; another append starts runs of its own
    expect(database.db.prepare('SELECT COUNT(*) FROM event_metadata').pluck().get()).toBe(4);
    expect(database.db.prepare("SELECT DISTINCT metadata FROM events").pluck().all()).toEqual(['']);
    expect((await store.readAt([5, 2]))[1]!.metadata).toEqual(meta('s1', 'a'));
    expect(await collect(store.readStream('user-u2', { direction: 'backwards' }))).toMatchObject([{ metadata: meta('s1', 'a') }, { metadata: meta('s1', 'b') }]);
  });

  it('never names the metadata of an append that was rolled back', async () => {
    const store = openStore();
    const metadata = { syncId: 's1' };
    await store.appendToStream('user-u1', [{ ...newEvents(1)[0]!, metadata }], 'no_stream');
    // the first stream is written, the second conflicts: all of it is rolled back, metadata row too
    await expect(
      store.appendToStreams([
        { streamId: 'user-u2', expectedRevision: 'no_stream', events: [{ ...newEvents(1)[0]!, metadata: { syncId: 's2' } }] },
        { streamId: 'user-u1', expectedRevision: 'no_stream', events: [{ ...newEvents(1)[0]!, metadata: { syncId: 's2' } }] },
      ]),
    ).rejects.toMatchObject({ code: 'CONCURRENCY_CONFLICT' });
    await store.appendToStream('user-u2', [{ ...newEvents(1)[0]!, metadata: { syncId: 's2' } }], 'no_stream');
    expect((await collect(store.readAll())).map((e) => [e.streamId, e.metadata])).toEqual([
      ['user-u1', { syncId: 's1' }],
      ['user-u2', { syncId: 's2' }],
    ]);
  });

  it('reads the events of a ledger written before shared metadata, whose rows hold their metadata text, beside newer ones', async () => {
    const old = openDatabase();
    // the events table as it was: no metadata_id, the metadata in each row
    old.db.exec('DROP TABLE events');
    old.db.exec(`CREATE TABLE events (position INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL UNIQUE, stream_id TEXT NOT NULL,
      category TEXT NOT NULL, revision INTEGER NOT NULL, type TEXT NOT NULL, data TEXT NOT NULL, metadata TEXT NOT NULL,
      recorded_at TEXT NOT NULL, UNIQUE (stream_id, revision))`);
    old.db
      .prepare(`INSERT INTO events (event_id, stream_id, category, revision, type, data, metadata, recorded_at) VALUES (?, 'user-u1', 'user', 0, 'SpecRan', '{"i":0}', '{"syncId":"old"}', '2024-01-01T00:00:00.000Z')`)
      .run(randomUUID());
    old.db.prepare("INSERT INTO streams (stream_id, revision) VALUES ('user-u1', 0)").run();
    old.close();

    const store = openStore();
    await store.appendToStream('user-u1', [{ ...newEvents(1)[0]!, metadata: { syncId: 'new' } }], 0);
    expect((await collect(store.readAll())).map((e) => e.metadata)).toEqual([{ syncId: 'old' }, { syncId: 'new' }]);
  });

  it('approves a change set an earlier release staged inside the ledger, in each form it used, and drops it there', async () => {
    const old = openDatabase();
    // the pending_changes table as it first was: no metadata column, each event's metadata in `events`
    old.db.exec('DROP TABLE pending_changes');
    old.db.exec(`CREATE TABLE pending_changes (sync_id TEXT NOT NULL, seq INTEGER NOT NULL, district_id TEXT NOT NULL, stream_id TEXT NOT NULL,
      expected_revision TEXT NOT NULL, events TEXT NOT NULL, PRIMARY KEY (sync_id, seq))`);
    const own = [
      { id: randomUUID(), type: 'SpecRan', data: { i: 0 }, metadata: { syncId: 'held', cleverLastModified: 'a' } },
      { id: randomUUID(), type: 'SpecRan', data: { i: 1 }, metadata: { syncId: 'held', cleverLastModified: 'b' } },
    ];
    old.db
      .prepare("INSERT INTO pending_changes (sync_id, seq, district_id, stream_id, expected_revision, events) VALUES ('held', 0, 'd1', 'user-u1', 'no_stream', ?)")
      .run(JSON.stringify(own));
    old.close();

    const database = openDatabase();
    const shared = { syncId: 'held', cleverLastModified: 'c' };
    const insert = database.db.prepare(
      "INSERT INTO pending_changes (sync_id, seq, district_id, stream_id, expected_revision, events, metadata) VALUES ('held', ?, 'd1', ?, 'no_stream', ?, ?)",
    );
    // one metadata per append: the events as a JSON array, then as lines (id, type, data apart by tabs)
    insert.run(1, 'user-u2', JSON.stringify([{ id: randomUUID(), type: 'SpecRan', data: { i: 2 } }]), JSON.stringify(shared));
    insert.run(2, 'user-u3', `${JSON.stringify(randomUUID())}\t"SpecRan"\t{"i":3}`, JSON.stringify(shared));
    const pending = new SqlitePendingChangeStore(database);
    expect(await pending.size('held')).toBe(3);
    // read from an append on, as a held sync's pending changes are paged
    expect([...pending.read('held', 2)].map((a) => a.streamId)).toEqual(['user-u3']);
    expect([...pending.read('held', 3)]).toEqual([]);
    const store = new SqliteEventStore(database);
    await store.appendToStreams(pending.read('held'));
    expect((await collect(store.readAll())).map((e) => [e.streamId, e.data, e.metadata])).toEqual([
      ['user-u1', { i: 0 }, { syncId: 'held', cleverLastModified: 'a' }],
      ['user-u1', { i: 1 }, { syncId: 'held', cleverLastModified: 'b' }],
      ['user-u2', { i: 2 }, shared],
      ['user-u3', { i: 3 }, shared],
    ]);
    await pending.delete('held');
    expect(await pending.size('held')).toBe(0);
    expect(database.db.prepare('SELECT COUNT(*) FROM pending_changes').pluck().get()).toBe(0);
  });

  describe('a change set staged in a file of its own beside the ledger', () => {
    const stagedFiles = () => (existsSync(`${path}.staged`) ? readdirSync(`${path}.staged`) : []);
    const append = (streamId: string, i: number) => ({ streamId, expectedRevision: 'no_stream' as const, events: [{ id: randomUUID(), type: 'SpecRan', data: { i }, metadata: { syncId: 'sync.1' } }] });

    it('is named by its district and sync, holds nothing in the ledger, and is gone with its file once deleted', async () => {
      const database = openDatabase();
      const pending = new SqlitePendingChangeStore(database);
      await pending.add('sync.1', 'district/1', [append('user-u1', 1)]);
      expect(stagedFiles()).toEqual(['district%2F1.sync%2E1.db']);
      expect(database.db.prepare('SELECT COUNT(*) FROM pending_changes').pluck().get()).toBe(0);
      await pending.delete('sync.1');
      expect(stagedFiles()).toEqual([]);
      expect(await pending.size('sync.1')).toBe(0);
    });

    it('sealed, as a held sync leaves it, is read by another process until it is deleted there', async () => {
      const staging = new SqlitePendingChangeStore(openDatabase());
      const appends = [append('user-u1', 1), append('user-u2', 2)];
      await staging.add('sync.1', 'd1', appends);
      await staging.seal('sync.1');

      // another process: a connection and a store of its own
      const approving = new SqlitePendingChangeStore(openDatabase());
      expect(await approving.size('sync.1')).toBe(2);
      expect(byFields(approving.read('sync.1'))).toEqual(appends);
      await approving.deleteDistrict('d1');
      expect(stagedFiles()).toEqual([]);
      expect(byFields(staging.read('sync.1'))).toEqual([]);
    });

    it('keeps sets of any ids apart: dots, slashes, percent signs, unicode, empty and very long ids', async () => {
      const pending = new SqlitePendingChangeStore(openDatabase());
      const ids = ['a.b', 'a/b', 'a%2Eb', 'Zoë 李', '', 'x'.repeat(300), `${'x'.repeat(300)}y`, 'lone \ud800'];
      for (const [i, id] of ids.entries()) await pending.add(id, `district ${id}`, [append(`user-u${i}`, i)]);
      for (const [i, id] of ids.entries()) expect(byFields(pending.read(id)).map((a) => a.streamId)).toEqual([`user-u${i}`]);
      expect(stagedFiles().every((name) => Buffer.byteLength(name) < 255)).toBe(true);
      await pending.deleteDistrict(`district ${'x'.repeat(300)}`);
      expect(await pending.size('x'.repeat(300))).toBe(0);
      expect(await pending.size(`${'x'.repeat(300)}y`)).toBe(1);
    });

    it('refuses to seal a set another process deleted while this one staged it (a hold would hold nothing)', async () => {
      const pending = new SqlitePendingChangeStore(openDatabase());
      await pending.add('s1', 'd1', [append('user-u1', 1)]);
      await new SqlitePendingChangeStore(openDatabase()).delete('s1');
      await expect(pending.seal('s1')).rejects.toThrow(/the staged change set .*d1\.s1\.db is gone: another process deleted it/);
    });

    it('names the staged folder when it cannot be written, and stages nothing', async () => {
      const database = openDatabase();
      writeFileSync(`${path}.staged`, 'not a folder');
      const pending = new SqlitePendingChangeStore(database);
      const failure = pending.add('s1', 'd1', [append('user-u1', 1)]);
      await expect(failure).rejects.toThrow(EventStoreUnavailable);
      await expect(failure).rejects.toThrow(`${path}.staged`);
    });

    it('lets go of a held set\'s file when its approval fails on a conflict', async () => {
      const staging = new SqlitePendingChangeStore(openDatabase());
      await staging.add('held', 'd1', [append('user-u1', 1), append('user-u2', 2)]);
      await staging.seal('held');
      const database = openDatabase();
      const store = new SqliteEventStore(database);
      // the ledger moved on: the second stream exists now
      await store.appendToStream('user-u2', newEvents(1), 'no_stream');
      const openOnStaged = () => readdirSync('/proc/self/fd').filter((fd) => {
        try {
          return readlinkSync(`/proc/self/fd/${fd}`).startsWith(`${path}.staged`);
        } catch {
          return false;
        }
      }).length;
      await expect(store.appendToStreams(new SqlitePendingChangeStore(database).read('held'))).rejects.toThrow(ConcurrencyConflict);
      expect(openOnStaged()).toBe(0);
    });

    it('drops only the district asked for, whichever process staged the others', async () => {
      const pending = new SqlitePendingChangeStore(openDatabase());
      await pending.add('s1', 'd1', [append('user-u1', 1)]);
      await pending.add('s2', 'd2', [append('user-u2', 2)]);
      await pending.seal('s2');
      await new SqlitePendingChangeStore(openDatabase()).deleteDistrict('d1');
      expect(stagedFiles()).toEqual(['d2.s2.db']);
      expect(await pending.size('s2')).toBe(1);
    });
  });

  it("appends a staged change set's events with their data as the text staged, parsing none of it", async () => {
    const database = openDatabase();
    const pending = new SqlitePendingChangeStore(database);
    const metadata = { syncId: 's1' };
    const data = { name: { first: 'Zoë', last: 'Ñúñez' }, grades: ['K', '1'], gpa: 3.75, middle: null };
    await pending.add('s1', 'd1', [{ streamId: 'user-u1', expectedRevision: 'no_stream', events: [{ id: randomUUID(), type: 'SpecRan', data, metadata }] }]);
    const parsed = jest.spyOn(SerializedEvent.prototype, 'data', 'get');
    try {
      const staged = [...pending.read('s1')];
      expect(staged[0]!.events[0]).toBeInstanceOf(SerializedEvent);
      const store = new SqliteEventStore(database);
      await store.appendToStreams(staged);
      expect(parsed).not.toHaveBeenCalled();
      expect(database.db.prepare('SELECT data FROM events').pluck().get()).toBe(JSON.stringify(data));
      expect((await collect(store.readAll()))[0]!.data).toEqual(data);
    } finally {
      parsed.mockRestore();
    }
  });

  it('readAllNow hands over the same events as readAll, after a position and at most as many as asked', async () => {
    const store = openStore();
    await store.appendToStream('user-u1', newEvents(3), 'no_stream');
    await store.appendToStream('section-s1', newEvents(2), 'no_stream');
    const all = await collect(store.readAll());
    expect(store.readAllNow(0, 100)).toEqual(all);
    expect(store.readAllNow(2, 2)).toEqual(all.slice(2, 4));
    expect(store.readAllNow(5, 10)).toEqual([]);
  });

  it('headPosition is 0 and every read is empty on an empty log', async () => {
    const store = openStore();
    expect(await store.headPosition()).toBe(0);
    expect(await collect(store.readAll())).toEqual([]);
    expect(await collect(store.readCategory('user'))).toEqual([]);
  });

  it('positions start at 1 and are not reused after a failed batch', async () => {
    const store = openStore();
    const first = await store.appendToStream('user-1', newEvents(1), 'no_stream');
    await expect(
      store.appendToStreams([
        { streamId: 'user-2', expectedRevision: 'no_stream', events: newEvents(3) },
        { streamId: 'user-1', expectedRevision: 'no_stream', events: newEvents(1) },
      ]),
    ).rejects.toMatchObject({ code: 'CONCURRENCY_CONFLICT' });
    const second = await store.appendToStream('user-1', newEvents(1), 0);

    expect(first.position).toBe(1);
    expect(second.position).toBeGreaterThan(first.position);
  });

  it('sets recordedAt from the injected clock, in UTC', async () => {
    const store = openStore({ clock: () => new Date('2026-03-04T05:06:07.089+02:00') });
    await store.appendToStream('user-1', newEvents(1), 'no_stream');
    const [event] = await collect(store.readStream('user-1'));
    expect(event!.recordedAt).toBe('2026-03-04T03:06:07.089Z');
  });

  it('an empty append checks the expected revision and writes nothing', async () => {
    const store = openStore();
    expect(await store.appendToStream('user-1', [], 'no_stream')).toEqual({
      streamId: 'user-1',
      nextRevision: -1,
      position: 0,
      appended: false,
    });
    const result = await store.appendToStream('user-1', newEvents(2), 'no_stream');
    expect(await store.appendToStream('user-1', [], 1)).toEqual({ ...result, appended: false });
    await expect(store.appendToStream('user-1', [], 'no_stream')).rejects.toMatchObject({
      code: 'CONCURRENCY_CONFLICT',
    });
  });

  it('a subscription sees appends made by another connection to the same file (polling)', async () => {
    const reader = openStore({ pollIntervalMs: 50 });
    const writer = openStore();
    const subscription = reader.subscribeToAll();
    const iterator = subscription[Symbol.asyncIterator]();
    const pending = iterator.next();

    const events = newEvents(1);
    await writer.appendToStream('user-1', events, 'no_stream');

    const result = await pending;
    expect(result.done).toBe(false);
    expect((result.value as RecordedEvent).id).toBe(events[0]!.id);
    await subscription.stop();
  });

  it('close() ends running subscriptions', async () => {
    const store = openStore();
    const iterator = store.subscribeToAll()[Symbol.asyncIterator]();
    const pending = iterator.next();

    await store.close();

    await expect(pending).resolves.toEqual({ done: true, value: undefined });
  });

  it('throws EventStoreUnavailable when another connection holds the write lock beyond the busy timeout', async () => {
    const store = openStore({ busyTimeoutMs: 50 });
    const other = openDatabase();
    other.db.exec('BEGIN IMMEDIATE');
    try {
      const error = await store.appendToStream('user-1', newEvents(1), 'no_stream').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EventStoreUnavailable);
      expect((error as Error).message).toMatch(/locked by another connection \(SQLITE_BUSY/);
    } finally {
      other.db.exec('ROLLBACK');
    }
    // Readers are not blocked by a writer in WAL mode.
    expect(await store.headPosition()).toBe(0);
  });

  it('throws EventStoreUnavailable once closed', async () => {
    const store = openStore();
    await store.close();
    await expect(store.headPosition()).rejects.toBeInstanceOf(EventStoreUnavailable);
    await expect(store.appendToStream('user-1', newEvents(1))).rejects.toBeInstanceOf(EventStoreUnavailable);
    await expect(collect(store.readAll())).rejects.toBeInstanceOf(EventStoreUnavailable);
    expect(() => store.readAllNow(0, 10)).toThrow(EventStoreUnavailable);
  });

  it('throws EventStoreUnavailable when the file cannot be opened', () => {
    // The "file" is an existing folder.
    expect(() => new SqliteLedgerDatabase(dir)).toThrow(EventStoreUnavailable);
  });
});

function newEvents(count: number): NewEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    id: randomUUID(),
    type: 'SpecRan',
    data: { i },
    metadata: {},
  }));
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}
