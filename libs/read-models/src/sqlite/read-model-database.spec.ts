import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openReadModelDatabase, withSortsOnDisk, type Db } from './read-model-database';

// SQLite's temp_store: 1 = files, 2 = memory
const tempStore = (db: Db) => db.pragma('temp_store', { simple: true });

describe('openReadModelDatabase', () => {
  let dir: string;
  let db: Db;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'read-model-db-'));
    db = openReadModelDatabase(join(dir, 'accounts.db'));
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps statement journals in memory, and whole-table sorts on disk only while asked', () => {
    expect(tempStore(db)).toBe(2);
    db.exec('CREATE TABLE t (x INTEGER)');
    const count = withSortsOnDisk(db, () => {
      expect(tempStore(db)).toBe(1);
      db.transaction(() => db.exec('CREATE INDEX t_x ON t (x)')).immediate();
      return db.prepare('SELECT COUNT(*) FROM (SELECT x FROM t EXCEPT SELECT x FROM t)').pluck().get();
    });
    expect(count).toBe(0);
    expect(tempStore(db)).toBe(2);
  });

  it('cuts its write-ahead log back once checkpointed, after a transaction that made it larger than 64 MiB', () => {
    const wal = () => statSync(join(dir, 'accounts.db-wal')).size;
    db.exec('CREATE TABLE t (x BLOB)');
    const insert = db.prepare('INSERT INTO t (x) VALUES (randomblob(4096))');
    db.transaction(() => {
      for (let i = 0; i < 20_000; i++) insert.run(); // about 80 MiB: the whole sync a live fold commits at once
    })();
    expect(wal()).toBeGreaterThan(64 * 1024 * 1024);
    db.pragma('wal_checkpoint(PASSIVE)');
    db.exec('INSERT INTO t (x) VALUES (1)'); // the next write starts the log over, at the limit
    expect(wal()).toBeLessThanOrEqual(64 * 1024 * 1024);
  });

  it('goes back to memory when the work throws', () => {
    expect(() => withSortsOnDisk(db, () => db.exec('SELECT * FROM missing'))).toThrow(/no such table/);
    expect(tempStore(db)).toBe(2);
  });
});
