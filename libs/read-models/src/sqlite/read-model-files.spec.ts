import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProjectionProgress, RecordedEvent } from '@roster-ledger/ledger';
import { openReadModelDatabase } from './read-model-database';
import { ReadModelFiles, readModelPath } from './read-model-files';
import { SqliteReadModels } from './readers/sqlite-read-models';
import { ProjectionFailed, SqliteProjectionControl, type SecondThread } from './sqlite-projection-control';
import type { SqliteProjection } from './sqlite-projection';
import { SQLITE_PROJECTIONS } from './projections/catalog';
import { dumpTables } from '../spec-support/read-model-harness';
import { LogEventStore } from '../spec-support/log-event-store';
import { rosterStory } from '../spec-support/roster-story';

const NAMES = SQLITE_PROJECTIONS.map((p) => p.name);

/** Every read model's rows, each read from wherever its tables are. */
const dumpAll = (files: ReadModelFiles, control: SqliteProjectionControl) =>
  Object.assign({}, ...SQLITE_PROJECTIONS.map((p) => dumpTables(files.of(p.name), [p], control.liveVersion(p.name)))) as Record<string, unknown[]>;

describe('ReadModelFiles: each read model in a file of its own beside the ledger', () => {
  let dir: string;
  let ledger: string;
  const opened: ReadModelFiles[] = [];
  const beside = (names: readonly string[] = NAMES) => {
    const files = ReadModelFiles.beside(ledger, names);
    opened.push(files);
    return files;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'read-model-files-'));
    ledger = join(dir, 'ledger.db');
  });
  afterEach(() => {
    for (const files of opened.splice(0)) files.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("keeps each projection's tables and checkpoint in its own file, and queries find them all through one connection", async () => {
    const { events } = rosterStory();
    const store = new LogEventStore(events);
    const files = beside();
    const control = new SqliteProjectionControl(files, store, SQLITE_PROJECTIONS, 10);
    await control.catchUp();

    for (const name of NAMES) {
      const db = files.of(name);
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'rm\\_%' ESCAPE '\\'").pluck().all() as string[];
      expect(tables.length).toBeGreaterThan(0);
      expect(tables.every((t) => t.startsWith(`rm_${name}_`))).toBe(true);
      expect(db.prepare('SELECT name, position FROM projection_state').all()).toEqual([{ name, position: events[events.length - 1]!.position }]);
    }

    // the same answers as read models sharing one file
    const single = openReadModelDatabase(':memory:');
    const reference = new SqliteProjectionControl(single, store, SQLITE_PROJECTIONS, 10);
    await reference.catchUp();
    const models = new SqliteReadModels(files.reader, control, store);
    const expected = new SqliteReadModels(single, reference, store);
    expect(await models.timeline('user', 'u1', { limit: 100 })).toEqual(await expected.timeline('user', 'u1', { limit: 100 }));
    expect(await models.account('u1')).toEqual(await expected.account('u1'));
    const asOf = '2030-01-01T00:00:00.000Z';
    expect(await models.rosterAsOf('sec1', asOf)).toEqual(await expected.rosterAsOf('sec1', asOf));
    expect((await models.rosterAsOf('sec1', asOf)).length).toBeGreaterThan(0);
    const filter = { districtId: 'd1' };
    expect(await models.audit(filter, { limit: 500 })).toEqual(await expected.audit(filter, { limit: 500 }));
    expect((await models.audit(filter, { limit: 500 })).length).toBeGreaterThan(0);
    single.close();
  });

  it('drops the read models an older release kept inside the ledger file, which then catch up from the log in their own files', async () => {
    const { events } = rosterStory();
    const store = new LogEventStore(events);
    const inside = openReadModelDatabase(ledger);
    await new SqliteProjectionControl(inside, store, SQLITE_PROJECTIONS, 10).catchUp();
    inside.exec('CREATE TABLE events_of_the_ledger (id INTEGER)'); // the ledger's own tables stay
    inside.close();

    const files = beside();
    const check = openReadModelDatabase(ledger);
    const left = check.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all();
    check.close();
    expect(left).toEqual(['events_of_the_ledger']);
    const control = new SqliteProjectionControl(files, store, SQLITE_PROJECTIONS, 10);
    expect((await control.status()).map((s) => s.position)).toEqual(NAMES.map(() => 0));
    expect(await control.catchUp()).toBe(events.length);
    expect(NAMES.every((name) => existsSync(readModelPath(ledger, name)))).toBe(true);
  });

  describe('read models left beside a ledger file that was deleted and made anew', () => {
    it('start over from the new log: another first event, another log', async () => {
      const { events } = rosterStory();
      const files = beside();
      const old = new SqliteProjectionControl(files, new LogEventStore(events), SQLITE_PROJECTIONS, 10);
      await old.adoptLog();
      await old.catchUp();

      const otherLog = new LogEventStore(events.slice(0, 30).map((e) => ({ ...e, id: `other-${e.id}` })));
      const control = new SqliteProjectionControl(files, otherLog, SQLITE_PROJECTIONS, 10);
      await control.adoptLog();
      expect((await control.status()).map((s) => [s.name, s.version, s.position])).toEqual(NAMES.map((n) => [n, 2, 0]));
      await control.catchUp();

      const single = openReadModelDatabase(':memory:');
      const reference = new SqliteProjectionControl(single, otherLog, SQLITE_PROJECTIONS, 10);
      await reference.catchUp();
      expect(dumpAll(files, control)).toEqual(Object.assign({}, ...SQLITE_PROJECTIONS.map((p) => dumpTables(single, [p], 1))));
      single.close();
    });

    it('start over when their checkpoint is past the head of the log', async () => {
      const { events } = rosterStory();
      const files = beside();
      await new SqliteProjectionControl(files, new LogEventStore(events), SQLITE_PROJECTIONS, 10).catchUp(); // no log noted (an older file)
      const control = new SqliteProjectionControl(files, new LogEventStore(events.slice(0, 10)), SQLITE_PROJECTIONS, 10);
      await control.adoptLog();
      expect((await control.status()).map((s) => [s.version, s.position])).toEqual(NAMES.map(() => [2, 0]));
    });

    it('are kept, version and checkpoint, when the log is theirs', async () => {
      const { events } = rosterStory();
      const store = new LogEventStore(events);
      const files = beside();
      const first = new SqliteProjectionControl(files, store, SQLITE_PROJECTIONS, 10);
      await first.adoptLog();
      await first.catchUp();
      const again = new SqliteProjectionControl(files, store, SQLITE_PROJECTIONS, 10);
      await again.adoptLog();
      expect((await again.status()).map((s) => [s.version, s.position])).toEqual(NAMES.map(() => [1, events[events.length - 1]!.position]));
    });
  });

  /**
   * Another control on connections of its own, as the second thread has (run here, in turns with
   * this one), folding the projections it is given of `projections`.
   */
  const elsewhere = (store: LogEventStore, asked: string[][], projections: readonly SqliteProjection[] = SQLITE_PROJECTIONS): SecondThread => {
    const control = (names: string[]) => {
      asked.push(names);
      return new SqliteProjectionControl(beside(names), store, projections.filter((p) => names.includes(p.name)), 10);
    };
    return {
      rebuild: (names, options) => control(names).rebuild(names, options),
      catchUp: (names, onProgress) => control(names).catchUp(onProgress),
    };
  };

  describe('a rebuild of several read models on two threads', () => {
    it('gives the other thread about half of the work, swaps every one in, and builds what one thread builds', async () => {
      const { events } = rosterStory();
      const store = new LogEventStore(events);
      const files = beside();
      const asked: string[][] = [];
      const control = new SqliteProjectionControl(files, store, SQLITE_PROJECTIONS, 10, { secondThread: elsewhere(store, asked) });
      await control.catchUp();
      const live = dumpAll(files, control);

      const progress: ProjectionProgress[] = [];
      const result = await control.rebuild(NAMES, { onProgress: (p) => progress.push(p) });

      // the heaviest (accounts) here, the next (audit) there, and so on to the lighter half
      expect(asked).toEqual([['audit', 'timelines', 'classes', 'syncs', 'lookups']]);
      expect(result).toMatchObject({ projections: NAMES, events: events.length, swapped: true });
      expect(result.version).toEqual(Object.fromEntries(NAMES.map((n) => [n, 2])));
      expect([Object.keys(result.version), Object.keys(result.resumedFrom)]).toEqual([NAMES, NAMES]); // listed as asked, not by half
      expect((await control.status()).map((s) => [s.name, s.version, s.rebuilding])).toEqual(NAMES.map((n) => [n, 2, null]));
      expect(dumpAll(files, control)).toEqual(live);
      // progress comes once both halves have reported, names both, and is where the slower one is
      const both = progress.filter((p) => p.projections.length === NAMES.length);
      expect(both.length).toBeGreaterThan(0);
      expect(both).toEqual(progress);
      expect(both[both.length - 1]!.position).toBe(events[events.length - 1]!.position);
    });

    it('a dry run compares each half with its live read model and swaps nothing', async () => {
      const { events } = rosterStory();
      const store = new LogEventStore(events);
      const files = beside();
      const control = new SqliteProjectionControl(files, store, SQLITE_PROJECTIONS, 10, { secondThread: elsewhere(store, []) });
      await control.catchUp();

      const result = await control.rebuild(NAMES, { dryRun: true });
      expect(result).toMatchObject({ swapped: false, differences: Object.fromEntries(NAMES.map((n) => [n, 0])) });
      expect((await control.status()).map((s) => [s.version, s.rebuilding])).toEqual(NAMES.map(() => [1, null]));
    });

    it('a read model the other thread stops at an event is stopped as a live one is; the rest catch up in bulk', async () => {
      const { events } = rosterStory();
      const store = new LogEventStore(events);
      const fragile = fragileTimelines((e) => e.position === 30);
      const projections = SQLITE_PROJECTIONS.map((p) => (p.name === 'timelines' ? fragile : p));
      const control = new SqliteProjectionControl(beside(), store, projections, 10, { bulkCatchUpFrom: 5, secondThread: elsewhere(store, [], projections) });

      await control.catchUp();
      const statuses = Object.fromEntries((await control.status()).map((s) => [s.name, s]));
      expect(statuses['timelines']).toMatchObject({ version: 1, status: 'failed', position: 29, failure: { position: 30 }, rebuilding: null });
      const head = events[events.length - 1]!.position;
      for (const name of NAMES.filter((n) => n !== 'timelines')) expect(statuses[name]).toMatchObject({ version: 2, status: 'running', position: head });
    });

    it('hands back what the other thread threw as a ProjectionFailed when a projection stopped there', async () => {
      const { events } = rosterStory();
      const stopped = new ProjectionFailed('timelines', { position: 3, type: 'StudentShared', streamId: 'user-u1', message: 'bad' });
      const failing: SecondThread = { rebuild: () => Promise.reject(stopped), catchUp: () => Promise.reject(stopped) };
      const control = new SqliteProjectionControl(beside(), new LogEventStore(events), SQLITE_PROJECTIONS, 10, { secondThread: failing });
      await expect(control.rebuild(NAMES)).rejects.toBeInstanceOf(ProjectionFailed);
    });
  });

  describe('a catch-up of live read models far enough behind', () => {
    it('is split between two threads, each folding its half into the live tables, with what one thread folds', async () => {
      const { events } = rosterStory();
      const store = new LogEventStore(events.slice(0, 20));
      const files = beside();
      const asked: string[][] = [];
      const control = new SqliteProjectionControl(files, store, SQLITE_PROJECTIONS, 10, { twoThreadCatchUpFrom: 30, secondThread: elsewhere(store, asked) });
      await control.catchUp();
      expect(asked).toEqual([]); // 20 behind: all here

      store.add(...events.slice(20));
      expect(await control.catchUp()).toBe(events.length - 20);
      expect(asked).toEqual([['audit', 'timelines', 'classes', 'syncs', 'lookups']]);
      // folded into the live version, not rebuilt beside it
      expect((await control.status()).map((s) => [s.name, s.version, s.position])).toEqual(NAMES.map((n) => [n, 1, events[events.length - 1]!.position]));

      const single = openReadModelDatabase(':memory:');
      const reference = new SqliteProjectionControl(single, store, SQLITE_PROJECTIONS, 10);
      await reference.catchUp();
      expect(dumpAll(files, control)).toEqual(Object.assign({}, ...SQLITE_PROJECTIONS.map((p) => dumpTables(single, [p], 1))));
      single.close();
    });
  });
});

/** The timelines projection, failing at the events `fails` picks. */
function fragileTimelines(fails: (e: RecordedEvent) => boolean): SqliteProjection {
  const timelines = SQLITE_PROJECTIONS.find((p) => p.name === 'timelines')!;
  return {
    ...timelines,
    writer(db, t) {
      const writer = timelines.writer(db, t);
      return {
        ...writer,
        apply(e) {
          if (fails(e)) throw new Error(`cannot fold ${e.type} at ${e.position}`);
          writer.apply(e);
        },
      };
    },
  };
}
