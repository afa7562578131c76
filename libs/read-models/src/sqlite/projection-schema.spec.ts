import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openReadModelDatabase } from './read-model-database';
import { SqliteProjectionControl } from './sqlite-projection-control';
import { SQLITE_PROJECTIONS } from './projections/catalog';
import type { SqliteProjection } from './sqlite-projection';
import { LogEventStore } from '../spec-support/log-event-store';
import { recorded } from '../spec-support/read-model-harness';

/** A projection counting events, whose table shape a spec can change as a new release would. */
const counter = (extraColumn: string): SqliteProjection => ({
  name: 'counter',
  description: 'counts events',
  tables: ['counts'],
  create: (db, t) => db.exec(`CREATE TABLE IF NOT EXISTS ${t('counts')} (position INTEGER PRIMARY KEY ${extraColumn})`),
  writer: (db, t) => {
    const insert = db.prepare(`INSERT OR IGNORE INTO ${t('counts')} (position) VALUES (?)`);
    return { apply: (e) => void insert.run(e.position), flush: () => {}, reset: () => {} };
  },
});

describe('a projection whose tables change shape with the code', () => {
  const dir = mkdtempSync(join(tmpdir(), 'projection-schema-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('starts over from the log in a new version instead of failing on the old tables', async () => {
    const path = join(dir, 'ledger.db');
    const store = new LogEventStore([1, 2, 3].map((p) => recorded(`school-s${p}`, 0, p, 'SchoolShared', { id: `s${p}` })));
    const before = openReadModelDatabase(path);
    const first = new SqliteProjectionControl(before, store, [counter('')]);
    expect(first.startedOver()).toEqual([]);
    await first.catchUp();
    before.close();

    const after = openReadModelDatabase(path);
    const control = new SqliteProjectionControl(after, store, [counter(', note TEXT')]);
    // said, so that a command can tell its user why it folds the whole log again
    expect(control.startedOver()).toEqual([{ name: 'counter', reason: 'this release stores it in tables of another shape' }]);
    expect((await control.status())[0]).toMatchObject({ version: 2, position: 0 });
    expect(await control.catchUp()).toBe(3);
    expect((await control.status())[0]).toMatchObject({ version: 2, position: 3, status: 'running' });
    expect(after.prepare("SELECT COUNT(*) FROM sqlite_master WHERE name = 'rm_counter_counts_v1'").pluck().get()).toBe(0);
    after.close();
  });

  it('starts over when a release fills the same tables differently (its content version raised), and only then', async () => {
    const path = join(dir, 'content-version.db');
    const store = new LogEventStore([1, 2, 3].map((p) => recorded(`school-s${p}`, 0, p, 'SchoolShared', { id: `s${p}` })));
    const open = (contentVersion: number | undefined) => {
      const db = openReadModelDatabase(path);
      return { db, control: new SqliteProjectionControl(db, store, [{ ...counter(''), ...(contentVersion === undefined ? {} : { contentVersion }) }]) };
    };
    const before = open(undefined);
    await before.control.catchUp();
    before.db.close();

    const same = open(1); // 1 is what an absent version means
    expect(same.control.startedOver()).toEqual([]);
    same.db.close();

    const raised = open(2);
    expect(raised.control.startedOver()).toEqual([{ name: 'counter', reason: 'this release fills its tables differently from the same events' }]);
    expect((await raised.control.status())[0]).toMatchObject({ version: 2, position: 0 });
    expect(await raised.control.catchUp()).toBe(3);
    raised.db.close();

    const again = open(2);
    expect(again.control.startedOver()).toEqual([]);
    expect((await again.control.status())[0]).toMatchObject({ version: 2, position: 3 });
    again.db.close();

    // a ledger file from before shapes were recorded was filled as content version 1: it starts over too, and keeps no wrong record
    const unrecorded = open(undefined);
    unrecorded.db.prepare('UPDATE projection_state SET schema = NULL').run();
    unrecorded.db.close();
    const upgraded = open(2);
    expect(upgraded.control.startedOver()).toEqual([{ name: 'counter', reason: 'this release fills its tables differently from the same events' }]);
    upgraded.db.close();
    expect(open(2).control.startedOver()).toEqual([]);
  });

  it('drops a table the new release no longer has, with the old version', async () => {
    const path = join(dir, 'dropped-table.db');
    const store = new LogEventStore([1, 2].map((p) => recorded(`school-s${p}`, 0, p, 'SchoolShared', { id: `s${p}` })));
    const withCopies: SqliteProjection = {
      ...counter(''),
      tables: ['counts', 'copies'],
      create: (db, t) => {
        counter('').create(db, t);
        db.exec(`CREATE TABLE IF NOT EXISTS ${t('copies')} (position INTEGER PRIMARY KEY)`);
      },
    };
    const before = openReadModelDatabase(path);
    await new SqliteProjectionControl(before, store, [withCopies]).catchUp();
    before.close();

    const after = openReadModelDatabase(path);
    await new SqliteProjectionControl(after, store, [counter(', note TEXT')]).catchUp();
    const tables = after.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'rm_counter%' ORDER BY name`).pluck().all();
    expect(tables).toEqual(['rm_counter_counts_v2']);
    after.close();
  });

  it('starts over too when the shape its tables were made with was never recorded (a ledger file from before that)', async () => {
    const path = join(dir, 'unrecorded.db');
    const store = new LogEventStore([1, 2].map((p) => recorded(`school-s${p}`, 0, p, 'SchoolShared', { id: `s${p}` })));
    const before = openReadModelDatabase(path);
    await new SqliteProjectionControl(before, store, [counter('')]).catchUp();
    before.prepare('UPDATE projection_state SET schema = NULL').run();
    before.close();

    const after = openReadModelDatabase(path);
    const control = new SqliteProjectionControl(after, store, [counter(', note TEXT')]);
    expect(control.startedOver()).toEqual([{ name: 'counter', reason: 'this release stores it in tables of another shape' }]);
    expect((await control.status())[0]).toMatchObject({ version: 2, position: 0 });
    expect(await control.catchUp()).toBe(2);
    after.close();
  });

  it('keeps its version when the shape was never recorded but its tables are the shape this code makes', async () => {
    const path = join(dir, 'unrecorded-healthy.db');
    const store = new LogEventStore([recorded('school-s1', 0, 1, 'SchoolShared', { id: 's1' })]);
    const before = openReadModelDatabase(path);
    await new SqliteProjectionControl(before, store, [counter('')]).catchUp();
    before.prepare('UPDATE projection_state SET schema = NULL').run();
    before.close();

    const after = openReadModelDatabase(path);
    const control = new SqliteProjectionControl(after, store, [counter('')]);
    expect(control.startedOver()).toEqual([]);
    expect((await control.status())[0]).toMatchObject({ version: 1, position: 1 });
    expect(after.prepare("SELECT schema FROM projection_state WHERE name = 'counter'").pluck().get()).not.toBeNull();
    after.close();
  });

  it('starts over when its tables were dropped from outside while its checkpoint stayed', async () => {
    const path = join(dir, 'dropped.db');
    const store = new LogEventStore([recorded('school-s1', 0, 1, 'SchoolShared', { id: 's1' })]);
    const before = openReadModelDatabase(path);
    await new SqliteProjectionControl(before, store, [counter('')]).catchUp();
    before.exec('DROP TABLE rm_counter_counts_v1');
    before.close();

    const after = openReadModelDatabase(path);
    const control = new SqliteProjectionControl(after, store, [counter('')]);
    expect(control.startedOver()).toEqual([{ name: 'counter', reason: 'its tables were missing (deleted from outside)' }]);
    expect((await control.status())[0]).toMatchObject({ version: 2, position: 0 });
    expect(await control.catchUp()).toBe(1);
    after.close();
  });

  it('starts over when its tables are not the shape recorded for them (recorded by a version that trusted old tables)', async () => {
    const path = join(dir, 'mislabelled.db');
    const store = new LogEventStore([recorded('school-s1', 0, 1, 'SchoolShared', { id: 's1' })]);
    const newShape = counter(', note TEXT');
    const reference = openReadModelDatabase(join(dir, 'reference.db'));
    new SqliteProjectionControl(reference, store, [newShape]);
    const newFingerprint = reference.prepare("SELECT schema FROM projection_state WHERE name = 'counter'").pluck().get();
    reference.close();

    const before = openReadModelDatabase(path);
    await new SqliteProjectionControl(before, store, [counter('')]).catchUp();
    before.prepare('UPDATE projection_state SET schema = ?').run(newFingerprint);
    before.close();

    const after = openReadModelDatabase(path);
    const control = new SqliteProjectionControl(after, store, [newShape]);
    expect(control.startedOver()).toEqual([{ name: 'counter', reason: 'this release stores it in tables of another shape' }]);
    expect((await control.status())[0]).toMatchObject({ version: 2, position: 0 });
    expect(await control.catchUp()).toBe(1);
    after.close();
  });

  it('keeps every real projection\'s version across reopening, after a rebuild too (its indexes built after the bulk load)', async () => {
    const path = join(dir, 'real.db');
    const store = new LogEventStore([recorded('school-s1', 0, 1, 'SchoolShared', { id: 's1', record: { name: 'One' }, personal: {}, sharedAgain: false })]);
    const versions = async () => {
      const db = openReadModelDatabase(path);
      const status = await new SqliteProjectionControl(db, store).status();
      db.close();
      return status.map((p) => [p.name, p.version]);
    };
    const first = openReadModelDatabase(path);
    const control = new SqliteProjectionControl(first, store);
    await control.catchUp();
    await control.rebuild(SQLITE_PROJECTIONS.map((p) => p.name));
    first.close();
    expect(await versions()).toEqual(SQLITE_PROJECTIONS.map((p) => [p.name, 2]));
    expect(await versions()).toEqual(SQLITE_PROJECTIONS.map((p) => [p.name, 2]));
  });

  it('keeps a new ledger file\'s first version: its shape is recorded when it is made', async () => {
    const path = join(dir, 'fresh.db');
    const store = new LogEventStore([recorded('school-s1', 0, 1, 'SchoolShared', { id: 's1' })]);
    for (let run = 0; run < 2; run++) {
      const db = openReadModelDatabase(path);
      const control = new SqliteProjectionControl(db, store, [counter('')]);
      await control.catchUp();
      expect((await control.status())[0]).toMatchObject({ version: 1, position: 1 });
      db.close();
    }
  });
});
