import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { UnknownProjection, type ProjectionProgress, type ProjectionStatus, type RecordedEvent } from '@roster-ledger/ledger';
import { openReadModelDatabase, type Db } from './read-model-database';
import { SqliteReadModels } from './readers/sqlite-read-models';
import { ProjectionFailed, SqliteProjectionControl } from './sqlite-projection-control';
import { ProjectionRegistry } from './projection-registry';
import type { SqliteProjection } from './sqlite-projection';
import { SQLITE_PROJECTIONS } from './projections/catalog';
import { accountsProjection } from './projections/accounts.projection';
import { enrollmentsProjection } from './projections/enrollments.projection';
import { timelinesProjection } from './projections/timelines.projection';
import { syncsProjection } from './projections/syncs.projection';
import { ReadModelHarness, dumpTables } from '../spec-support/read-model-harness';
import { LogEventStore } from '../spec-support/log-event-store';
import { rosterStory } from '../spec-support/roster-story';

/**
 * The runner on a real ledger file (a temp file, closed and reopened for restarts). The log is
 * served through the EventStore port by LogEventStore (see there why not SqliteEventStore).
 */

/**
 * A projection that fails on the events `failOn` picks, cannot write the row of those
 * `failWriteOn` picks (found only when its rows are written, at the flush), and records each
 * event it folded once.
 */
let failOn: ((e: RecordedEvent) => boolean) | null = null;
let failWriteOn: ((e: RecordedEvent) => boolean) | null = null;
const fragileProjection: SqliteProjection = {
  name: 'fragile',
  description: 'folds every event, fails on the ones a spec picks',
  tables: ['seen'],
  create(db, t) {
    db.exec(`CREATE TABLE IF NOT EXISTS ${t('seen')} (position INTEGER PRIMARY KEY, type TEXT NOT NULL)`);
  },
  writer(db, t) {
    // a plain INSERT: folding an event twice would fail on the primary key
    const insert = db.prepare(`INSERT INTO ${t('seen')} (position, type) VALUES (?, ?)`);
    let buffered: RecordedEvent[] = [];
    return {
      apply(e) {
        if (failOn?.(e)) throw new Error(`cannot fold ${e.type} at ${e.position}`);
        buffered.push(e);
      },
      flush() {
        for (const e of buffered) insert.run(e.position, failWriteOn?.(e) ? null : e.type);
        buffered = [];
      },
      reset() {
        buffered = [];
      },
    };
  },
};

/**
 * Every case runs against a store that reads the log at once (as the embedded one does: batches
 * are folded a slice at a time as they are read) and one that only reads asynchronously (each
 * batch is read whole, then folded).
 */
describe.each([
  ['a store that reads at once', true],
  ['a store that reads asynchronously', false],
])('SqliteProjectionControl: the runner of the SQLite read models, with %s', (_store, readsNow) => {
  const logOf = (events: RecordedEvent[]) => new LogEventStore(events, { readsNow });
  let dir: string;
  let path: string;
  const open: Db[] = [];
  const openDb = (): Db => {
    const db = openReadModelDatabase(path);
    open.push(db);
    return db;
  };
  const byName = (statuses: ProjectionStatus[]) => Object.fromEntries(statuses.map((s) => [s.name, s]));

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'read-models-control-'));
    path = join(dir, 'ledger.db');
    failOn = null;
    failWriteOn = null;
  });
  afterEach(() => {
    for (const db of open.splice(0)) if (db.open) db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('catching up', () => {
    it('folds the log into every projection in batches, each checkpoint moving to the head', async () => {
      const { events } = rosterStory();
      const store = logOf(events);
      const control = new SqliteProjectionControl(openDb(), store, SQLITE_PROJECTIONS, 10);
      const progress: ProjectionProgress[] = [];

      const applied = await control.catchUp((p) => progress.push(p));

      const head = events[events.length - 1]!.position;
      expect(applied).toBe(events.length);
      const batchEnds = events.filter((_, i) => i % 10 === 9 || i === events.length - 1).map((e) => e.position);
      expect(progress.map((p) => p.position)).toEqual(batchEnds);
      expect(progress.every((p) => p.head === head && p.projections.length === SQLITE_PROJECTIONS.length)).toBe(true);
      for (const s of await control.status()) {
        expect(s).toMatchObject({ version: 1, position: head, head, lag: { events: 0, seconds: 0 }, status: 'running', failure: null, rebuilding: null });
      }
      expect(await control.catchUp()).toBe(0);
    });

    it('ends between batches when it is interrupted (a runner being stopped), keeping what it folded, and goes on from there', async () => {
      const { events } = rosterStory();
      const control = new SqliteProjectionControl(openDb(), logOf(events), SQLITE_PROJECTIONS, 10);
      // asked after each batch: stopped after the second
      let asked = 0;
      const applied = await control.catchUp(undefined, () => ++asked >= 2);
      expect(applied).toBe(20);
      expect((await control.status()).map((s) => s.position)).toEqual(SQLITE_PROJECTIONS.map(() => events[19]!.position));
      expect(await control.catchUp()).toBe(events.length - 20);
    });

    it('leaves tables equal to folding the whole log at once, and verify finds no difference', async () => {
      const { events } = rosterStory();
      const db = openDb();
      const control = new SqliteProjectionControl(db, logOf(events), SQLITE_PROJECTIONS, 7);
      await control.catchUp();

      const reference = new ReadModelHarness(SQLITE_PROJECTIONS).given(events);
      try {
        expect(dumpTables(db, SQLITE_PROJECTIONS)).toEqual(reference.dump());
      } finally {
        reference.close();
      }
      const verified = await control.verify(control.names());
      expect(verified.map((v) => [v.projection, v.equal])).toEqual(SQLITE_PROJECTIONS.map((p) => [p.name, true]));
    });
  });

  describe('a restart', () => {
    it('resumes from the checkpoints: only the events after them are read and folded, no timeline row or interval twice', async () => {
      const { events } = rosterStory();
      const cut = 40;
      const store = logOf(events.slice(0, cut));
      const first = openDb();
      await new SqliteProjectionControl(first, store, SQLITE_PROJECTIONS, 10).catchUp();
      first.close();

      store.add(...events.slice(cut));
      const db = openDb();
      const control = new SqliteProjectionControl(db, store, SQLITE_PROJECTIONS, 10);
      expect((await control.status()).map((s) => s.position)).toEqual(SQLITE_PROJECTIONS.map(() => events[cut - 1]!.position));
      store.delivered = 0;

      const applied = await control.catchUp();

      expect(applied).toBe(events.length - cut);
      expect(store.delivered).toBe(events.length - cut);
      const countOf = (sql: string) => db.prepare(sql).pluck().get() as number;
      expect(countOf('SELECT COUNT(*) FROM (SELECT subject_kind, subject_id, position, COUNT(*) n FROM rm_timelines_links_v1 GROUP BY 1, 2, 3 HAVING n > 1)')).toBe(0);
      expect(countOf('SELECT COUNT(*) FROM (SELECT section_id, user_id, role, from_at, COUNT(*) n FROM rm_enrollments_enrollments_v1 GROUP BY 1, 2, 3, 4 HAVING n > 1)')).toBe(0);
      const reference = new ReadModelHarness(SQLITE_PROJECTIONS).given(events);
      try {
        expect(dumpTables(db, SQLITE_PROJECTIONS)).toEqual(reference.dump());
      } finally {
        reference.close();
      }
      expect(await new SqliteProjectionControl(db, store, SQLITE_PROJECTIONS, 10).catchUp()).toBe(0);
    });
  });

  describe('a batch that fails as a whole', () => {
    /** A projection whose flush fails as a full disk does while `bomb` is set: no event is at fault. */
    let bomb = false;
    const flushBomb: SqliteProjection = {
      name: 'flush_bomb',
      description: 'throws from flush while armed',
      tables: [],
      create: () => undefined,
      writer: () => ({
        apply: () => undefined,
        flush: () => {
          if (bomb) throw new Database.SqliteError('database or disk is full', 'SQLITE_FULL');
        },
        reset: () => undefined,
      }),
    };
    afterEach(() => {
      bomb = false;
    });

    it('is rolled back for every projection, and folded again later as if it had never been seen', async () => {
      const { events } = rosterStory();
      const store = logOf(events);
      const db = openDb();
      const control = new SqliteProjectionControl(db, store, [timelinesProjection, flushBomb], 100);
      bomb = true;
      await expect(control.catchUp()).rejects.toThrow('database or disk is full');
      expect((await control.status()).map((s) => s.position)).toEqual([0, 0]);
      expect(db.prepare('SELECT COUNT(*) FROM rm_timelines_links_v1').pluck().get()).toBe(0);

      bomb = false;
      await control.catchUp();
      const reference = new ReadModelHarness([timelinesProjection]).given(events);
      const entries = (d: Db) =>
        d.prepare(`SELECT subject_kind || ':' || subject_id || '@' || position FROM rm_timelines_links_v1 ORDER BY position, subject_kind, subject_id`).pluck().all();
      try {
        expect(entries(db)).toEqual(entries(reference.db));
        expect(dumpTables(db, [timelinesProjection])).toEqual(reference.dump());
      } finally {
        reference.close();
      }
    });
  });

  describe('a projection that cannot fold an event', () => {
    const projections = [accountsProjection, fragileProjection, timelinesProjection];

    it.each([
      ['in the middle of a batch', 100, 25],
      ['at the start of a batch', 10, 21],
    ])('%s: stops at that event, with the events before it folded, while the others go on', async (_case, batchSize, failingPosition) => {
      const { events } = rosterStory();
      const failing = events.find((e) => e.position === failingPosition)!;
      failOn = (e) => e.position === failingPosition;
      const db = openDb();
      const control = new SqliteProjectionControl(db, logOf(events), projections, batchSize);

      await control.catchUp();

      const head = events[events.length - 1]!.position;
      const status = byName(await control.status());
      expect(status['fragile']).toMatchObject({
        status: 'failed',
        position: failingPosition - 1,
        lag: { events: head - failingPosition + 1 },
        failure: { position: failingPosition, type: failing.type, streamId: failing.streamId, message: `cannot fold ${failing.type} at ${failingPosition}` },
      });
      expect(db.prepare('SELECT position FROM rm_fragile_seen_v1 ORDER BY position').pluck().all()).toEqual(
        events.filter((e) => e.position < failingPosition).map((e) => e.position),
      );
      expect(status['accounts']).toMatchObject({ status: 'running', position: head, failure: null });
      expect(status['timelines']).toMatchObject({ status: 'running', position: head, failure: null });

      // the same runner does not retry it: it never skips the event either
      await control.catchUp();
      expect(byName(await control.status())['fragile']).toMatchObject({ status: 'failed', position: failingPosition - 1 });
    });

    it('whose row fails only when written, after later events were folded: stops at that event, not a later one', async () => {
      const { events } = rosterStory();
      const failingPosition = 25;
      const failing = events.find((e) => e.position === failingPosition)!;
      failWriteOn = (e) => e.position === failingPosition;
      const db = openDb();
      const control = new SqliteProjectionControl(db, logOf(events), projections, 100);

      await control.catchUp();

      expect(byName(await control.status())['fragile']).toMatchObject({
        status: 'failed',
        position: failingPosition - 1,
        failure: { position: failingPosition, type: failing.type, streamId: failing.streamId, message: expect.stringContaining('NOT NULL') },
      });
      expect(db.prepare('SELECT position FROM rm_fragile_seen_v1 ORDER BY position').pluck().all()).toEqual(
        events.filter((e) => e.position < failingPosition).map((e) => e.position),
      );
      expect(byName(await control.status())['timelines']).toMatchObject({ status: 'running', failure: null });
    });

    it('a restart retries it from its checkpoint: still failing, it stops there again; fixed, it catches up', async () => {
      const { events } = rosterStory();
      const store = logOf(events);
      failOn = (e) => e.position === 25;
      await new SqliteProjectionControl(openDb(), store, projections, 100).catchUp();

      const again = new SqliteProjectionControl(openDb(), store, projections, 100);
      expect(byName(await again.status())['fragile']).toMatchObject({ status: 'running', failure: null, position: 24 });
      await again.catchUp();
      expect(byName(await again.status())['fragile']).toMatchObject({ status: 'failed', position: 24, failure: { position: 25 } });

      failOn = null;
      const db = openDb();
      const fixed = new SqliteProjectionControl(db, store, projections, 100);
      expect(await fixed.catchUp()).toBe(events.length - 24);
      const head = events[events.length - 1]!.position;
      expect(byName(await fixed.status())['fragile']).toMatchObject({ status: 'running', position: head, failure: null });
      expect(db.prepare('SELECT COUNT(*) FROM rm_fragile_seen_v1').pluck().get()).toBe(events.length);
    });

    it('a rebuild that meets the event throws ProjectionFailed and keeps the live version', async () => {
      const { events } = rosterStory();
      const control = new SqliteProjectionControl(openDb(), logOf(events), [fragileProjection], 100);
      await control.catchUp();
      failOn = (e) => e.position === 30;
      const rebuilt = control.rebuild(['fragile']);
      await expect(rebuilt).rejects.toBeInstanceOf(ProjectionFailed);
      await expect(rebuilt).rejects.toMatchObject({ projection: 'fragile', failure: { position: 30 } });
      expect((await control.status())[0]).toMatchObject({ version: 1, status: 'running', rebuilding: { version: 2, position: 29 } });
    });
  });

  describe('the live version readers resolve tables with', () => {
    it('follows a swap made by another connection (another process rebuilding), and its own swaps', async () => {
      const { events } = rosterStory();
      const store = logOf(events);
      const serving = new SqliteProjectionControl(openDb(), store, SQLITE_PROJECTIONS, 10);
      await serving.catchUp();
      const models = new SqliteReadModels(openDb(), serving, store);
      const before = await models.timeline('user', 'u1', { limit: 100 });
      expect(serving.liveVersion('timelines')).toBe(1);

      await new SqliteProjectionControl(openDb(), store, SQLITE_PROJECTIONS, 10).rebuild(['timelines']);
      // the old tables are gone: a reader still on version 1 would fail
      expect(serving.liveVersion('timelines')).toBe(2);
      expect(await models.timeline('user', 'u1', { limit: 100 })).toEqual(before);

      await serving.rebuild(['timelines']);
      expect(serving.liveVersion('timelines')).toBe(3);
      expect(await models.timeline('user', 'u1', { limit: 100 })).toEqual(before);
    });
  });

  describe('two processes folding into the same tables', () => {
    it('each takes up from what the other stored, not from what it remembers: a school move folded by one is seen by the other', async () => {
      const { events } = rosterStory();
      const move = events.findIndex((e) => e.streamId === 'user-u1' && e.type === 'StudentUpdated');
      const store = logOf(events.slice(0, move));
      const a = new SqliteProjectionControl(openDb(), store, SQLITE_PROJECTIONS, 100);
      const b = new SqliteProjectionControl(openDb(), store, SQLITE_PROJECTIONS, 100);
      await b.catchUp(); // b now remembers u1 at school s1
      store.add(events[move]!);
      await a.catchUp(); // a folds the move to s2
      store.add(...events.slice(move + 1));
      await b.catchUp(); // b folds u1's next change: on s2's timeline, not s1's

      const verified = await a.verify(SQLITE_PROJECTIONS.map((p) => p.name));
      expect(verified.filter((v) => !v.equal)).toEqual([]);
    });
  });

  describe('two processes rebuilding the same read model at once', () => {
    it('build the same version; the first to finish swaps it in and the other leaves it live and whole', async () => {
      const { events } = rosterStory();
      const store = logOf(events);
      const reference = openDb();
      await new SqliteProjectionControl(reference, store, SQLITE_PROJECTIONS, 10).catchUp();
      const live = dumpTables(reference, [timelinesProjection, accountsProjection], 1);

      const a = new SqliteProjectionControl(openDb(), store, SQLITE_PROJECTIONS, 10);
      const b = new SqliteProjectionControl(openDb(), store, SQLITE_PROJECTIONS, 10);
      let second: Promise<unknown> | null = null;
      // b joins while a is under way, and both take turns at every batch
      const first = a.rebuild(['timelines', 'accounts'], { onProgress: () => (second ??= b.rebuild(['timelines', 'accounts'])) });
      await Promise.all([first, second ?? Promise.resolve()]);
      await second;

      const statuses = byName(await a.status());
      expect([statuses['timelines']!.version, statuses['timelines']!.rebuilding, statuses['accounts']!.version]).toEqual([2, null, 2]);
      const db = openDb();
      const tables = (version: number) => dumpTables(db, [timelinesProjection, accountsProjection], version);
      expect(tables(2)).toEqual(live);
      const left = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'rm_timelines_%' ORDER BY name`).pluck().all();
      expect(left).toEqual(['rm_timelines_entity_schools_v2', 'rm_timelines_links_v2']);
    });
  });

  describe("a timeline while the read model is behind the log", () => {
    it("shows the log as the read model has folded it: the record's own later events appear with the rest, after a catch-up", async () => {
      const { events } = rosterStory();
      const lastOfU1 = events.map((e) => e.streamId).lastIndexOf('user-u1');
      const store = logOf(events.slice(0, lastOfU1));
      const control = new SqliteProjectionControl(openDb(), store, SQLITE_PROJECTIONS, 10);
      await control.catchUp();
      const models = new SqliteReadModels(openDb(), control, store);
      const before = await models.timeline('user', 'u1', { limit: 100 });

      store.add(...events.slice(lastOfU1)); // appended, not folded yet
      expect(await models.timeline('user', 'u1', { limit: 100 })).toEqual(before);

      await control.catchUp();
      const after = await models.timeline('user', 'u1', { limit: 100 });
      expect(after.map((c) => c.position)).toContain(events[lastOfU1]!.position);
      expect(after.slice(0, before.length)).toEqual(before);
    });
  });

  describe('a reader that resolved the live version just before a swap', () => {
    it('asks again and answers from the new version, instead of failing on the dropped tables', async () => {
      const { events } = rosterStory();
      const store = logOf(events);
      const control = new SqliteProjectionControl(openDb(), store, SQLITE_PROJECTIONS, 10);
      await control.catchUp();
      const fresh = new SqliteReadModels(openDb(), control, store);
      const expected = { timeline: await fresh.timeline('user', 'u1', { limit: 100 }), roster: await fresh.rosterAsOf('sec1', '2024-10-01T00:00:00.000Z') };
      await control.rebuild(['timelines', 'enrollments']); // version 1's tables are dropped

      // a version looked up a moment before the swap, as another process's reader may have
      const stale = new Set(['timelines', 'enrollments']);
      const lookup = (name: string) => (stale.delete(name) ? 1 : control.liveVersion(name));
      const reader = new SqliteReadModels(openDb(), { names: () => control.names(), liveVersion: lookup, stopped: (name) => control.stopped(name), checkpointTable: (name, version) => control.checkpointTable(name, version), roundsTable: () => control.roundsTable() }, store);
      expect(await reader.timeline('user', 'u1', { limit: 100 })).toEqual(expected.timeline);
      expect(await reader.rosterAsOf('sec1', '2024-10-01T00:00:00.000Z')).toEqual(expected.roster);
    });
  });

  describe('catching up from far behind', () => {
    it('rebuilds a read model beside the live one when it has more to fold than it holds, and ends equal to folding event by event', async () => {
      const { events } = rosterStory();
      const store = logOf(events);
      const incremental = openDb();
      await new SqliteProjectionControl(incremental, store, SQLITE_PROJECTIONS, 10, { bulkCatchUpFrom: Infinity }).catchUp();

      rmSync(path, { force: true });
      path = join(dir, 'bulk.db');
      const db = openDb();
      const control = new SqliteProjectionControl(db, store, SQLITE_PROJECTIONS, 10, { bulkCatchUpFrom: 20 });
      expect(await control.catchUp()).toBe(events.length);

      const head = events[events.length - 1]!.position;
      const statuses = await control.status();
      // every read model went through a rebuild (version 2), and is live at the head
      expect(statuses.map((s) => [s.name, s.version, s.position, s.status, s.rebuilding])).toEqual(
        SQLITE_PROJECTIONS.map((p) => [p.name, 2, head, 'running', null]),
      );
      const live = (version: number) => dumpTables(db, SQLITE_PROJECTIONS, version);
      expect(live(2)).toEqual(dumpTables(incremental, SQLITE_PROJECTIONS, 1));
    });

    it('folds a live batch that ends inside an append (the subscription read part of it) as far as the whole append', async () => {
      const { events } = rosterStory();
      const store = logOf(events.slice(0, 40));
      const control = new SqliteProjectionControl(openDb(), store, SQLITE_PROJECTIONS, 10);
      await control.catchUp();
      store.add(...events.slice(40, 60)); // one append
      await control.applyLive(events.slice(40, 43));
      expect((await control.status()).map((s) => s.position)).toEqual(SQLITE_PROJECTIONS.map(() => events[59]!.position));
    });

    it('folds a small lag into the live tables, without a rebuild', async () => {
      const { events } = rosterStory();
      const store = logOf(events.slice(0, 40));
      const db = openDb();
      await new SqliteProjectionControl(db, store, SQLITE_PROJECTIONS, 10, { bulkCatchUpFrom: Infinity }).catchUp();
      store.add(...events.slice(40, 60));
      const control = new SqliteProjectionControl(db, store, SQLITE_PROJECTIONS, 10, { bulkCatchUpFrom: 10 });
      expect(await control.catchUp()).toBe(20);
      expect((await control.status()).map((s) => s.version)).toEqual(SQLITE_PROJECTIONS.map(() => 1));
    });

    it('a read model that stops at an event in the bulk catch-up stops there as a live one does, and the others still catch up in bulk', async () => {
      const { events } = rosterStory();
      failOn = (e) => e.position === 30;
      const control = new SqliteProjectionControl(openDb(), logOf(events), [fragileProjection, timelinesProjection], 10, { bulkCatchUpFrom: 5 });
      await control.catchUp();
      const head = events[events.length - 1]!.position;
      const statuses = byName(await control.status());
      expect(statuses['fragile']).toMatchObject({ version: 1, status: 'failed', position: 29, failure: { position: 30 }, rebuilding: null });
      expect(statuses['timelines']).toMatchObject({ version: 2, status: 'running', position: head, rebuilding: null });
    });

    it('resumes a bulk catch-up that was interrupted, from its own checkpoint', async () => {
      const { events } = rosterStory();
      const store = logOf(events);
      const control = new SqliteProjectionControl(openDb(), store, SQLITE_PROJECTIONS, 10, { bulkCatchUpFrom: 20 });
      let batches = 0;
      const interrupted = control.catchUp((progress) => {
        if (++batches === 2) throw new Error(`interrupted at ${progress.position}`);
      });
      await expect(interrupted).rejects.toThrow('interrupted at 20');
      expect(byName(await control.status())['accounts']).toMatchObject({ version: 1, position: 0, rebuilding: { version: 2, position: 20 } });
      // its builder let go when it failed: interrupted, to be resumed by the next catch-up (the live version is still far behind)
      expect(byName(await control.status())['accounts']!.rebuilding).toMatchObject({ builder: null, underWay: false, resumedBy: 'catch-up' });
      // a builder noted in another process: at work while that process lives (pid 1 always does), interrupted once it is gone
      const noteBuilder = (pid: number) => openDb().prepare("UPDATE projection_state SET build_pid = ?, build_host = ? WHERE name = 'accounts'").run(pid, hostname());
      noteBuilder(1);
      expect(byName(await control.status())['accounts']!.rebuilding).toEqual({ version: 2, position: 20, builder: { pid: 1, host: hostname() }, underWay: true, resumedBy: 'catch-up' });
      noteBuilder(2 ** 22 + 1);
      expect(byName(await control.status())['accounts']!.rebuilding).toMatchObject({ builder: { pid: 2 ** 22 + 1 }, underWay: false });
      // a failed read model is left out of catch-ups: only a rebuild resumes its build
      const statusOf = (status: string) => openDb().prepare("UPDATE projection_state SET status = ? WHERE name = 'accounts'").run(status);
      statusOf('failed');
      expect(byName(await control.status())['accounts']!.rebuilding).toMatchObject({ resumedBy: 'rebuild' });
      statusOf('running');

      const restarted = new SqliteProjectionControl(openDb(), store, SQLITE_PROJECTIONS, 10, { bulkCatchUpFrom: 20 });
      expect(await restarted.catchUp()).toBe(events.length - 20);
      const head = events[events.length - 1]!.position;
      expect((await restarted.status()).map((s) => [s.name, s.version, s.position, s.rebuilding])).toEqual(
        SQLITE_PROJECTIONS.map((p) => [p.name, 2, head, null]),
      );
    });
  });

  describe('a read model that folds one category alone (syncs)', () => {
    const syncEvents = (events: RecordedEvent[]) => events.filter((e) => e.streamId.startsWith('sync-'));

    it('is rebuilt from that category alone, and ends equal to folding the whole log', async () => {
      const { events } = rosterStory();
      const store = logOf(events);
      const db = openDb();
      const control = new SqliteProjectionControl(db, store, SQLITE_PROJECTIONS, 10);
      await control.catchUp();
      const before = dumpTables(db, [syncsProjection], 1);

      store.delivered = 0;
      const result = await control.rebuild(['syncs']);

      const head = events[events.length - 1]!.position;
      expect(store.delivered).toBe(syncEvents(events).length);
      expect(store.delivered).toBeLessThan(events.length / 2);
      expect(result).toMatchObject({ version: { syncs: 2 }, events: syncEvents(events).length, swapped: true });
      expect(byName(await control.status())['syncs']).toMatchObject({ version: 2, position: head, lag: { events: 0 }, status: 'running' });
      expect(dumpTables(db, [syncsProjection], 2)).toEqual(before);
      expect((await control.verify(['syncs']))[0]).toMatchObject({ projection: 'syncs', equal: true, position: head });
    });

    it('catches up from far behind (a new version of it) reading only its category, to the head of the log', async () => {
      const { events } = rosterStory();
      const store = logOf(events);
      const db = openDb();
      await new SqliteProjectionControl(db, store, SQLITE_PROJECTIONS, 10, { bulkCatchUpFrom: Infinity }).catchUp();
      const reference = dumpTables(db, [syncsProjection], 1);

      // a ledger whose other read models are at the head, and whose syncs read model starts over
      path = join(dir, 'syncs-alone.db');
      const alone = openDb();
      const control = new SqliteProjectionControl(alone, store, [syncsProjection], 4, { bulkCatchUpFrom: 5 });
      store.delivered = 0;
      expect(await control.catchUp()).toBe(syncEvents(events).length);

      expect(store.delivered).toBe(syncEvents(events).length);
      const head = events[events.length - 1]!.position;
      const [status] = await control.status();
      expect(status).toMatchObject({ name: 'syncs', version: 2, position: head, lag: { events: 0 }, status: 'running' });
      expect(dumpTables(alone, [syncsProjection], 2)).toEqual(reference);

      // events after the last sync event move its checkpoint to the head, folding nothing
      const last = events[events.length - 1]!;
      store.add({ ...last, position: head + 1, streamId: 'user-u9', type: 'StudentShared', id: 'later' });
      expect(await control.catchUp()).toBe(0);
      expect((await control.status())[0]).toMatchObject({ position: head + 1, lag: { events: 0 } });
    });
    it('moves its checkpoint past the other events in a write transaction taken first: a fold another connection commits meanwhile does not fail it', async () => {
      const { events } = rosterStory();
      const store = logOf(events);
      // the log goes on past its last sync event
      const last = events[events.length - 1]!;
      store.add({ ...last, position: last.position + 1, streamId: 'user-u9', type: 'StudentShared', id: 'later' });
      const db = openDb();
      const control = new SqliteProjectionControl(db, store, [syncsProjection], 10, { bulkCatchUpFrom: Infinity });
      // another connection (another process folding the same file) commits whenever it can get
      // the write lock, here right after this connection has read its checkpoint
      const other = new Database(path);
      other.pragma('busy_timeout = 0');
      other.exec('CREATE TABLE IF NOT EXISTS elsewhere (at INTEGER)');
      const get = ProjectionRegistry.prototype.get;
      const spy = jest.spyOn(ProjectionRegistry.prototype, 'get').mockImplementation(function (this: ProjectionRegistry, name: string) {
        const row = get.call(this, name);
        if (db.inTransaction) {
          try {
            other.prepare('INSERT INTO elsewhere VALUES (1)').run();
          } catch (error) {
            if (!/locked|busy/i.test(String(error))) throw error;
          }
        }
        return row;
      });
      try {
        expect(await control.catchUp()).toBe(syncEvents(events).length);
      } finally {
        spy.mockRestore();
        other.close();
      }
      expect((await control.status())[0]).toMatchObject({ position: last.position + 1, status: 'running' });
    });
  });

  describe('a rebuild', () => {
    /** A ledger whose read models are caught up, and a rebuild of `names` stopped after its first batch of 10 events. */
    async function withInterruptedRebuild(names: string[]) {
      const { events } = rosterStory();
      const store = logOf(events);
      const db = openDb();
      const control = new SqliteProjectionControl(db, store, SQLITE_PROJECTIONS, 10);
      await control.catchUp();
      let batches = 0;
      const stopped = control.rebuild(names, {
        onProgress: () => {
          if (++batches === 1) throw new Error('stopped here');
        },
      });
      await expect(stopped).rejects.toThrow('stopped here');
      return { events, store, db, control };
    }

    it('folds what the log gained after its build reached the head (while it made its indexes) into the versions it swaps in, before it returns', async () => {
      const { events } = rosterStory();
      const later = events.splice(events.length - 5);
      const store = logOf(events);
      // an import appends while the rebuild makes its indexes (its catch-up would fold them into the versions the swap replaces)
      let creates = 0;
      const timelines: SqliteProjection = {
        ...timelinesProjection,
        create(db, t) {
          // the fourth: the live schema, the new version, its tables emptied of indexes, then the indexes once built
          if (++creates === 4) store.add(...later);
          timelinesProjection.create(db, t);
        },
      };
      const control = new SqliteProjectionControl(openDb(), store, SQLITE_PROJECTIONS.map((p) => (p.name === 'timelines' ? timelines : p)), 10);
      await control.catchUp();
      const result = await control.rebuild(['timelines', 'accounts']);
      expect([result.swapped, creates]).toEqual([true, 4]);
      const head = later[later.length - 1]!.position;
      const statuses = byName(await control.status());
      expect([statuses['timelines']!.version, statuses['timelines']!.position, statuses['accounts']!.version, statuses['accounts']!.position]).toEqual([2, head, 2, head]);
      const reference = openReadModelDatabase(join(dir, 'reference.db'));
      open.push(reference);
      await new SqliteProjectionControl(reference, logOf([...events, ...later]), SQLITE_PROJECTIONS, 10).catchUp();
      expect(dumpTables(openDb(), [timelinesProjection, accountsProjection], 2)).toEqual(dumpTables(reference, [timelinesProjection, accountsProjection], 1));
    });

    it('interrupted half-way leaves the live version answering; the next one resumes where it stopped and swaps', async () => {
      const { events } = rosterStory();
      const store = logOf(events);
      const db = openDb();
      const control = new SqliteProjectionControl(db, store, SQLITE_PROJECTIONS, 10);
      await control.catchUp();
      const models = new SqliteReadModels(db, control, store);
      const accountBefore = await models.account('u1');
      const timelineBefore = await models.timeline('user', 'u1', { limit: 100 });
      const rosterBefore = await models.rosterAsOf('sec1', '2024-10-01T00:00:00.000Z');

      let batches = 0;
      const interrupted = control.rebuild(['accounts', 'timelines', 'enrollments'], {
        onProgress: () => {
          if (++batches === 1) throw new Error('interrupted');
        },
      });
      await expect(interrupted).rejects.toThrow('interrupted');

      const head = events[events.length - 1]!.position;
      const during = byName(await control.status());
      for (const name of ['accounts', 'timelines', 'enrollments']) {
        expect(during[name]).toMatchObject({ version: 1, position: head, status: 'running', rebuilding: { version: 2, position: 10 } });
      }
      expect(during['audit']).toMatchObject({ version: 1, rebuilding: null });
      expect(await models.account('u1')).toEqual(accountBefore);
      expect(await models.timeline('user', 'u1', { limit: 100 })).toEqual(timelineBefore);
      expect(await models.rosterAsOf('sec1', '2024-10-01T00:00:00.000Z')).toEqual(rosterBefore);

      // resumed by a restarted runner on the same file
      const resumed = new SqliteProjectionControl(openDb(), store, SQLITE_PROJECTIONS, 10);
      const result = await resumed.rebuild(['accounts', 'timelines', 'enrollments']);

      expect(result).toMatchObject({ projections: ['accounts', 'timelines', 'enrollments'], version: { accounts: 2, timelines: 2, enrollments: 2 }, swapped: true });
      expect(result.resumedFrom).toEqual({ accounts: 10, timelines: 10, enrollments: 10 });
      expect(result.events).toBe(events.length - 10);
      expect(result.events).toBeLessThan(events.length);
      const after = byName(await resumed.status());
      for (const name of ['accounts', 'timelines', 'enrollments']) {
        expect(after[name]).toMatchObject({ version: 2, position: head, status: 'running', rebuilding: null });
      }
      expect(control.liveVersion('accounts')).toBe(2); // readers resolve table names per query
      expect(await models.account('u1')).toEqual(accountBefore);
      expect(await models.timeline('user', 'u1', { limit: 100 })).toEqual(timelineBefore);
      expect(await models.rosterAsOf('sec1', '2024-10-01T00:00:00.000Z')).toEqual(rosterBefore);
      const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'rm_accounts_%' ORDER BY name`).pluck().all();
      expect(tables).toEqual(['rm_accounts_account_ids_v2', 'rm_accounts_account_more_names_v2', 'rm_accounts_account_search_v2', 'rm_accounts_accounts_v2']);
      const verified = await resumed.verify(['accounts', 'timelines', 'enrollments']);
      expect(verified.map((v) => [v.projection, v.equal, v.position])).toEqual([
        ['accounts', true, head],
        ['timelines', true, head],
        ['enrollments', true, head],
      ]);
    });

    it("joins a rebuild another live process is running rather than taking it for interrupted, says which, and never drops it in a dry run", async () => {
      const { store, db } = await withInterruptedRebuild(['accounts', 'audit']);
      // a rebuild that failed is nobody's: the next one resumes it
      expect(db.prepare('SELECT build_pid FROM projection_state WHERE name = ?').pluck().get('accounts')).toBeNull();
      // accounts' build is now another process's, alive (this one's parent); audit's one that died
      const host = hostname();
      const alive = { pid: process.ppid, host };
      // (their starts not known, as in a ledger from before starts were noted: their ids alone count)
      const setBuilder = db.prepare('UPDATE projection_state SET build_pid = ?, build_host = ?, build_started = NULL WHERE name = ?');
      setBuilder.run(alive.pid, alive.host, 'accounts');
      setBuilder.run(2 ** 22 + 1, host, 'audit');

      // a dry run would compare a version the other is building and will swap in: refused, and the build is left as it was
      const other = new SqliteProjectionControl(openDb(), store, SQLITE_PROJECTIONS, 10);
      await expect(other.rebuild(['accounts'], { dryRun: true })).rejects.toMatchObject({ code: 'REBUILD_UNDER_WAY' });
      expect((await other.status()).find((p) => p.name === 'accounts')).toMatchObject({ rebuilding: { version: 2, position: 10 } });

      const result = await new SqliteProjectionControl(openDb(), store, SQLITE_PROJECTIONS, 10).rebuild(['accounts', 'audit']);
      expect(result).toMatchObject({ swapped: true, resumedFrom: { accounts: 10, audit: 10 }, joined: { accounts: alive } });
      expect(Object.keys(result.joined)).toEqual(['accounts']);
      // a new build is this process's own: another rebuild later resumes it, joins nothing
      expect(db.prepare('SELECT build_pid FROM projection_state WHERE name = ?').pluck().get('accounts')).toBeNull();
    });

    it('as a dry run finishes an interrupted rebuild to compare it, and keeps it for the next rebuild to swap in without folding the log again', async () => {
      const { events, store, control } = await withInterruptedRebuild(['accounts']);
      const head = events[events.length - 1]!.position;
      const dry = await new SqliteProjectionControl(openDb(), store, SQLITE_PROJECTIONS, 10).rebuild(['accounts'], { dryRun: true });
      expect(dry).toMatchObject({ swapped: false, resumedFrom: { accounts: 10 }, differences: { accounts: 0 }, version: { accounts: 2 }, kept: ['accounts'] });
      // still the live version 1 answering; version 2 built up to the head, no one building it
      expect(byName(await control.status())['accounts']).toMatchObject({ version: 1, position: head, rebuilding: { version: 2, position: head } });

      const real = await new SqliteProjectionControl(openDb(), store, SQLITE_PROJECTIONS, 10).rebuild(['accounts']);
      expect(real).toMatchObject({ swapped: true, version: { accounts: 2 }, resumedFrom: { accounts: head }, events: 0 });
      expect(byName(await control.status())['accounts']).toMatchObject({ version: 2, position: head, rebuilding: null });
    });

    it('as a dry run brings a live version far behind to the head first, in bulk, then builds its own copy to compare, and never swaps that in', async () => {
      const { events } = rosterStory();
      const store = logOf(events);
      const db = openDb();
      const head = events[events.length - 1]!.position;
      // the live accounts at 0 (never caught up), and a rebuild of them stopped after its first batch
      let batches = 0;
      const stopped = new SqliteProjectionControl(db, store, SQLITE_PROJECTIONS, 10).rebuild(['accounts'], {
        onProgress: () => {
          if (++batches === 1) throw new Error('stopped here');
        },
      });
      await expect(stopped).rejects.toThrow('stopped here');

      const control = new SqliteProjectionControl(openDb(), store, SQLITE_PROJECTIONS, 10, { bulkCatchUpFrom: 5 });
      const dry = await control.rebuild(['accounts'], { dryRun: true });
      // the catch-up resumed the stopped build (version 2) and made it live; the dry run's copy (3) was compared with it, and dropped
      expect(dry).toMatchObject({ swapped: false, rebuiltFirst: ['accounts'], version: { accounts: 3 }, differences: { accounts: 0 }, kept: [], events: head });
      expect(byName(await control.status())['accounts']).toMatchObject({ version: 2, position: head, rebuilding: null });
      expect(db.prepare(`SELECT COUNT(*) FROM sqlite_master WHERE name LIKE 'rm_accounts_%_v3'`).pluck().get()).toBe(0);
    });

    it('as a dry run rebuilds beside the live version, counts the differences, drops it and swaps nothing', async () => {
      const { events } = rosterStory();
      const db = openDb();
      const control = new SqliteProjectionControl(db, logOf(events), SQLITE_PROJECTIONS, 10);
      await control.catchUp();
      const result = await control.rebuild(['accounts', 'audit'], { dryRun: true });
      expect(result).toMatchObject({ swapped: false, events: events.length, differences: { accounts: 0, audit: 0 }, version: { accounts: 2, audit: 2 }, kept: [] });
      expect((await control.status()).map((s) => [s.name, s.version, s.rebuilding])).toEqual(SQLITE_PROJECTIONS.map((p) => [p.name, 1, null]));
      expect(db.prepare(`SELECT COUNT(*) FROM sqlite_master WHERE name LIKE 'rm_%_v2'`).pluck().get()).toBe(0);
    });

    it('of a projection that does not exist throws UnknownProjection, naming the known ones', async () => {
      const control = new SqliteProjectionControl(openDb(), logOf(rosterStory().events), [accountsProjection, enrollmentsProjection]);
      await expect(control.rebuild(['nope'])).rejects.toBeInstanceOf(UnknownProjection);
      await expect(control.rebuild(['accounts', 'nope'])).rejects.toMatchObject({ code: 'UNKNOWN_PROJECTION', message: expect.stringContaining('accounts, enrollments') });
      await expect(control.verify(['nope'])).rejects.toBeInstanceOf(UnknownProjection);
      expect((await control.status()).map((s) => s.rebuilding)).toEqual([null, null]);
    });
  });
});
