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
