import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openReadModelDatabase } from './read-model-database';
import { SqliteProjectionControl } from './sqlite-projection-control';
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
    await new SqliteProjectionControl(before, store, [counter('')]).catchUp();
    before.close();

    const after = openReadModelDatabase(path);
    const control = new SqliteProjectionControl(after, store, [counter(', note TEXT')]);
    expect((await control.status())[0]).toMatchObject({ version: 2, position: 0 });
    expect(await control.catchUp()).toBe(3);
    expect((await control.status())[0]).toMatchObject({ version: 2, position: 3, status: 'running' });
    expect(after.prepare("SELECT COUNT(*) FROM sqlite_master WHERE name = 'rm_counter_counts_v1'").pluck().get()).toBe(0);
    after.close();
  });
});
