import Database from 'better-sqlite3';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqliteTableNames } from './sqlite-table-names';

describe('sqliteTableNames', () => {
  const dir = mkdtempSync(join(tmpdir(), 'table-names-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A database made by SQLite itself, closed (so at rest), and the table names SQLite says it has. */
  function made(name: string, setUp: (db: Database.Database) => void): { path: string; tables: Set<string> } {
    const path = join(dir, name);
    const db = new Database(path);
    setUp(db);
    const tables = new Set(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[]);
    db.close();
    return { path, tables };
  }

  it('reads the tables of a schema on one page, in rollback-journal and WAL mode, leaving nothing beside the file', () => {
    for (const mode of ['delete', 'wal']) {
      const { path, tables } = made(`small-${mode}.db`, (db) => {
        db.pragma(`journal_mode = ${mode}`);
        db.exec('CREATE TABLE people (id TEXT PRIMARY KEY, name TEXT); CREATE INDEX people_name ON people (name); CREATE VIEW names AS SELECT name FROM people; CREATE TABLE notes (x)');
      });
      const before = readFileSync(path);
      expect(sqliteTableNames(path)).toEqual(tables);
      expect(tables).toEqual(new Set(['people', 'notes']));
      expect(readFileSync(path).equals(before)).toBe(true);
      expect(readdirSync(dir).filter((file) => file.startsWith(`small-${mode}.db`))).toEqual([`small-${mode}.db`]);
    }
  });

  it('reads a schema spread over many pages (small pages, long statements), as a ledger with many tables and indexes is', () => {
    const { path, tables } = made('large.db', (db) => {
      db.pragma('page_size = 512');
      for (let i = 0; i < 300; i++) {
        db.exec(`CREATE TABLE table_with_a_rather_long_name_${i} (${Array.from({ length: 12 }, (_, c) => `column_number_${c} TEXT`).join(', ')})`);
        db.exec(`CREATE INDEX index_${i} ON table_with_a_rather_long_name_${i} (column_number_3)`);
      }
    });
    expect(tables.size).toBe(300);
    expect(sqliteTableNames(path)).toEqual(tables);
  });

  it('reads an empty database as no tables', () => {
    const { path } = made('empty.db', (db) => db.pragma('user_version = 1'));
    expect(sqliteTableNames(path)).toEqual(new Set());
  });

  it('never gives a wrong name for a schema row that goes on in overflow pages: the right one, or nothing', () => {
    const name = 'n'.repeat(50);
    const results = new Set<string>();
    for (let columnName = 400; columnName < 1000; columnName += 7) {
      const { path } = made(`overflow-${columnName}.db`, (db) => {
        db.pragma('page_size = 512');
        db.exec(`CREATE TABLE ${name} (${'x'.repeat(columnName)} TEXT)`);
      });
      const tables = sqliteTableNames(path);
      results.add(tables === undefined ? 'unknown' : JSON.stringify([...tables]));
    }
    expect([...results].filter((result) => result !== 'unknown')).toEqual([JSON.stringify([name])]);
  });

  it('gives up at once on pointers that lead back to pages seen, or past the end of the file', () => {
    // page 1 an interior page of 32,000 cells, each pointing at page 1 again
    const size = 65_536;
    const page = Buffer.alloc(size);
    page.write('SQLite format 3\0', 0, 'latin1');
    page.writeUInt16BE(1, 16);
    page[18] = 1;
    page[19] = 1;
    page[21] = 64;
    page[22] = 32;
    page[23] = 32;
    page.writeUInt32BE(1, 28);
    page.writeUInt32BE(1, 56);
    const cells = 32_000;
    const cell = 100 + 12 + 2 * cells;
    page[100] = 0x05;
    page.writeUInt16BE(cells, 103);
    page.writeUInt32BE(1, 108);
    for (let i = 0; i < cells; i++) page.writeUInt16BE(cell, 112 + 2 * i);
    page.writeUInt32BE(1, cell);
    const loop = join(dir, 'loop.db');
    writeFileSync(loop, page);
    expect(sqliteTableNames(loop)).toBeUndefined();
    page.writeUInt32BE(9, cell);
    page.writeUInt32BE(9, 108);
    writeFileSync(loop, page);
    expect(sqliteTableNames(loop)).toBeUndefined();
  });

  it('knows nothing, without failing, of what it cannot read: a file cut short, another text encoding', () => {
    const { path } = made('cut.db', (db) => {
      db.pragma('page_size = 512');
      for (let i = 0; i < 50; i++) db.exec(`CREATE TABLE t${i} (${'x'.repeat(100)} TEXT)`);
    });
    writeFileSync(path, readFileSync(path).subarray(0, 700));
    expect(sqliteTableNames(path)).toBeUndefined();
    const utf16 = made('utf16.db', (db) => {
      db.pragma("encoding = 'UTF-16le'");
      db.exec('CREATE TABLE people (id)');
    });
    expect(sqliteTableNames(utf16.path)).toBeUndefined();
  });
});
