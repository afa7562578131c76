import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteCsvIdKeys } from './sqlite-csv-id-keys';
import { SqliteLedgerDatabase } from './sqlite-database';

describe("the ledger's key for CSV ids", () => {
  const dir = mkdtempSync(join(tmpdir(), 'csv-id-keys-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const opened: SqliteLedgerDatabase[] = [];
  const open = (name: string) => {
    const db = new SqliteLedgerDatabase(join(dir, name));
    opened.push(db);
    return db;
  };
  afterAll(() => opened.forEach((db) => db.close()));

  it('is made once, 32 random bytes, and is the same for every process that opens the ledger after', async () => {
    const first = await new SqliteCsvIdKeys(open('new.db')).csvIdKey();
    expect(first).toBeInstanceOf(Uint8Array);
    expect(first).toHaveLength(32);
    expect(await new SqliteCsvIdKeys(opened[0]!).csvIdKey()).toEqual(first);
    expect(await new SqliteCsvIdKeys(open('new.db')).csvIdKey()).toEqual(first);
    // another ledger, another key
    expect(await new SqliteCsvIdKeys(open('other.db')).csvIdKey()).not.toEqual(first);
  });

  it('is none, for good, in a ledger that recorded records of a CSV upload before it had a key: their ids stay as they were', async () => {
    const db = open('before.db');
    db.db.prepare('INSERT INTO streams (stream_id, revision) VALUES (?, 0)').run('school-sis-school-0ce45e9f5bc797f48d61dcd6');
    expect(await new SqliteCsvIdKeys(db).csvIdKey()).toBeNull();
    db.db.prepare('DELETE FROM streams').run();
    expect(await new SqliteCsvIdKeys(open('before.db')).csvIdKey()).toBeNull();
  });

  it('is none in a ledger that ran a CSV sync before it had a key, though nothing of it is applied yet (held)', async () => {
    const db = open('held.db');
    db.db
      .prepare("INSERT INTO events (event_id, stream_id, category, revision, type, data, metadata, recorded_at) VALUES ('e1', 'sync-s1', 'sync', 0, 'SyncStarted', ?, '{}', '2026-12-01T00:00:00.000Z')")
      .run(JSON.stringify({ syncId: 's1', districtId: 'd1', source: 'sftp-csv', origin: '/srv/upload' }));
    expect(await new SqliteCsvIdKeys(db).csvIdKey()).toBeNull();
  });

  it('is made in a ledger that holds only records read from the Data API', async () => {
    const db = open('api.db');
    db.db.prepare('INSERT INTO streams (stream_id, revision) VALUES (?, 0)').run('user-5a25ffb0c1bc2a00360003ed');
    db.db.prepare('INSERT INTO streams (stream_id, revision) VALUES (?, 0)').run('sync-9f1c');
    db.db
      .prepare("INSERT INTO events (event_id, stream_id, category, revision, type, data, metadata, recorded_at) VALUES ('e1', 'sync-9f1c', 'sync', 0, 'SyncStarted', ?, '{}', '2026-12-01T00:00:00.000Z')")
      .run(JSON.stringify({ syncId: '9f1c', districtId: 'd1', source: 'snapshot', origin: '/srv/json' }));
    expect(await new SqliteCsvIdKeys(db).csvIdKey()).toHaveLength(32);
  });
});
