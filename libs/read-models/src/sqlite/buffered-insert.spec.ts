import Database from 'better-sqlite3';
import { BufferedInsert } from './buffered-insert';

describe('BufferedInsert', () => {
  let db: Database.Database;
  const rows = () => db.prepare('SELECT position, name FROM t ORDER BY position').raw().all();

  beforeEach(() => {
    db = new Database(':memory:');
    db.exec('CREATE TABLE t (position INTEGER PRIMARY KEY, name TEXT NOT NULL)');
  });
  afterEach(() => db.close());

  it('writes every row added, in full statements and the rest at flush', () => {
    const insert = new BufferedInsert(db, 'INSERT OR IGNORE INTO t (position, name)', 2);
    for (let i = 1; i <= 150; i++) insert.add(i, `row ${i}`);
    // two statements of 64 are written as soon as they are full; the last 22 wait for the flush
    expect(rows()).toHaveLength(128);
    insert.flush();
    expect(rows()).toHaveLength(150);
    expect(rows()[149]).toEqual([150, 'row 150']);
    insert.flush(); // nothing waits: nothing more is written
    expect(rows()).toHaveLength(150);
  });

  it('keeps the statement\'s conflict rule: a row already stored is ignored, within a statement too', () => {
    db.prepare("INSERT INTO t VALUES (2, 'stored')").run();
    const insert = new BufferedInsert(db, 'INSERT OR IGNORE INTO t (position, name)', 2);
    for (let i = 1; i <= 64; i++) insert.add(i === 3 ? 1 : i, `row ${i}`);
    insert.flush();
    expect(rows()).toHaveLength(63);
    expect(rows().slice(0, 3)).toEqual([
      [1, 'row 1'],
      [2, 'stored'],
      [4, 'row 4'],
    ]);
  });

  it('takes an upsert clause: a stored row and a row of the same key earlier in the statement are updated', () => {
    db.prepare("INSERT INTO t VALUES (1, 'stored')").run();
    const upsert = new BufferedInsert(db, 'INSERT INTO t (position, name)', 2, 'ON CONFLICT (position) DO UPDATE SET name = excluded.name');
    upsert.add(1, 'updated');
    for (let i = 2; i <= 64; i++) upsert.add(i === 64 ? 2 : i, `row ${i}`);
    expect(rows()).toHaveLength(63);
    expect(rows().slice(0, 2)).toEqual([
      [1, 'updated'],
      [2, 'row 64'],
    ]);
  });

  it('drops what waits on discard (a rolled-back transaction)', () => {
    const insert = new BufferedInsert(db, 'INSERT INTO t (position, name)', 2);
    insert.add(1, 'one');
    insert.discard();
    insert.flush();
    expect(rows()).toEqual([]);
  });

  it('writes none of a failing statement\'s rows', () => {
    const insert = new BufferedInsert(db, 'INSERT INTO t (position, name)', 2);
    for (let i = 1; i <= 63; i++) insert.add(i, `row ${i}`);
    expect(() => insert.add(64, null)).toThrow(/NOT NULL/);
    expect(rows()).toEqual([]);
  });

  it('refuses a row of the wrong width', () => {
    const insert = new BufferedInsert(db, 'INSERT INTO t (position, name)', 2);
    expect(() => insert.add(1)).toThrow('a row of 1 values for an insert of 2 columns');
  });
});
