import { DocTable } from './doc-table';
import { openReadModelDatabase } from './read-model-database';

interface Person {
  name: string;
  grade: string;
  position: number;
}

describe('DocTable: documents by id, with columns pulled out for indexes', () => {
  const setUp = () => {
    const db = openReadModelDatabase(':memory:');
    db.exec(`
      CREATE TABLE people (id TEXT PRIMARY KEY, name TEXT, grade TEXT, position INTEGER NOT NULL, doc TEXT NOT NULL);
      CREATE INDEX people_name ON people (name);
      CREATE TABLE name_writes (id TEXT);
      -- fires for every UPDATE that sets the name column, whether or not its value changes
      CREATE TRIGGER people_name_set AFTER UPDATE OF name ON people BEGIN INSERT INTO name_writes VALUES (new.id); END;
    `);
    const table = (writeEvery?: number) => new DocTable<Person>(db, 'people', ['name', 'grade', 'position'], (p) => [p.name, p.grade, p.position], { writeEvery });
    const rows = () => db.prepare('SELECT id, name, grade, position, doc FROM people ORDER BY id').all();
    const nameWrites = () => db.prepare('SELECT id FROM name_writes').pluck().all();
    /** A document stored by an earlier batch. */
    const stored = (id: string, doc: Person) => {
      const earlier = table();
      earlier.put(id, doc);
      earlier.flush();
    };
    return { db, table, rows, nameWrites, stored };
  };

  it('writes a new document once at the flush, with its columns', () => {
    const { table, rows } = setUp();
    const docs = table();
    expect(docs.get('u1')).toBeUndefined();
    docs.put('u1', { name: 'Ada', grade: '7', position: 1 });
    docs.put('u1', { name: 'Ada', grade: '8', position: 2 });
    expect(rows()).toEqual([]);
    docs.flush();
    expect(rows()).toEqual([{ id: 'u1', name: 'Ada', grade: '8', position: 2, doc: JSON.stringify({ name: 'Ada', grade: '8', position: 2 }) }]);
  });

  it('updates a stored document in the columns that changed only, so an unchanged indexed column is not rewritten', () => {
    const { table, rows, nameWrites, stored } = setUp();
    stored('u1', { name: 'Ada', grade: '7', position: 1 });

    const docs = table();
    docs.put('u1', { ...docs.get('u1')!, grade: '8', position: 2 });
    docs.flush();
    expect(rows()).toEqual([{ id: 'u1', name: 'Ada', grade: '8', position: 2, doc: JSON.stringify({ name: 'Ada', grade: '8', position: 2 }) }]);
    expect(nameWrites()).toEqual([]);

    docs.put('u1', { ...docs.get('u1')!, name: 'Ada L.', position: 3 });
    docs.flush();
    expect(rows()).toMatchObject([{ id: 'u1', name: 'Ada L.', grade: '8', position: 3 }]);
    expect(nameWrites()).toEqual(['u1']);
  });

  it('sees a change made in place to the document it handed out', () => {
    const { table, rows, stored } = setUp();
    stored('u1', { name: 'Ada', grade: '7', position: 1 });

    const docs = table();
    const doc = docs.get('u1')!;
    doc.grade = '8';
    docs.put('u1', doc);
    docs.flush();
    expect(rows()).toMatchObject([{ id: 'u1', grade: '8' }]);
  });

  it('writes a document put without being read first over the stored one', () => {
    const { table, rows, stored } = setUp();
    stored('u1', { name: 'Ada', grade: '7', position: 1 });
    const docs = table();
    docs.put('u1', { name: 'Ada', grade: '9', position: 5 });
    docs.flush();
    expect(rows()).toMatchObject([{ id: 'u1', grade: '9', position: 5 }]);
  });

  it('forgets what a rolled-back batch loaded and put', () => {
    const { db, table, rows } = setUp();
    const docs = table();
    expect(() =>
      db.transaction(() => {
        docs.put('u1', { name: 'Ada', grade: '7', position: 1 });
        docs.flush();
        throw new Error('the batch failed');
      })(),
    ).toThrow('the batch failed');
    docs.reset();
    expect(docs.get('u1')).toBeUndefined();
    expect(rows()).toEqual([]);
  });

  it('writes what waits once writeEvery documents changed, and reads a written one back when it changes again', () => {
    const { table, rows, nameWrites, stored } = setUp();
    stored('u1', { name: 'Ada', grade: '7', position: 1 });
    const docs = table(2);
    docs.put('u1', { ...docs.get('u1')!, grade: '8', position: 2 });
    expect(rows()).toMatchObject([{ id: 'u1', grade: '7' }]);
    docs.put('u2', { name: 'Bo', grade: '3', position: 3 });
    // two waited: both written, in the changed columns only
    expect(rows()).toMatchObject([
      { id: 'u1', grade: '8', position: 2 },
      { id: 'u2', grade: '3', position: 3 },
    ]);
    expect(nameWrites()).toEqual([]);
    // read back as written, and compared with that when written again
    docs.put('u1', { ...docs.get('u1')!, name: 'Ada L.', position: 4 });
    docs.flush();
    expect(rows()).toMatchObject([{ id: 'u1', name: 'Ada L.', grade: '8', position: 4 }, { id: 'u2' }]);
    expect(nameWrites()).toEqual(['u1']);
  });

  describe('with a side table', () => {
    const withSide = () => {
      const { db, stored } = setUp();
      db.exec(`
        CREATE TABLE people_names (id TEXT PRIMARY KEY, name TEXT, initial TEXT) WITHOUT ROWID;
        CREATE TABLE side_writes (id TEXT);
        CREATE TRIGGER people_names_set AFTER UPDATE ON people_names BEGIN INSERT INTO side_writes VALUES (new.id); END;
      `);
      const side = { table: 'people_names', columns: ['name', 'initial'], extract: (p: Person) => [p.name, p.name.slice(0, 1)] };
      const docs = (writeEvery?: number) => new DocTable<Person>(db, 'people', ['grade', 'position'], (p) => [p.grade, p.position], { side, writeEvery });
      const names = () => db.prepare('SELECT id, name, initial FROM people_names ORDER BY id').all();
      const sideWrites = () => db.prepare('SELECT id FROM side_writes').pluck().all();
      return { db, docs, names, sideWrites, stored };
    };

    it('keeps its columns of each document there, by the same id', () => {
      const { db, docs, names } = withSide();
      const table = docs();
      table.put('u1', { name: 'Ada', grade: '7', position: 1 });
      table.put('u2', { name: 'Bo', grade: '3', position: 2 });
      table.flush();
      expect(names()).toEqual([
        { id: 'u1', name: 'Ada', initial: 'A' },
        { id: 'u2', name: 'Bo', initial: 'B' },
      ]);
      expect(db.prepare('SELECT id, grade FROM people ORDER BY id').all()).toEqual([
        { id: 'u1', grade: '7' },
        { id: 'u2', grade: '3' },
      ]);
    });

    it('rewrites a side row only when one of its columns changed', () => {
      const { docs, names, sideWrites } = withSide();
      const first = docs();
      first.put('u1', { name: 'Ada', grade: '7', position: 1 });
      first.flush();

      const table = docs();
      table.put('u1', { ...table.get('u1')!, grade: '8', position: 2 });
      table.flush();
      expect(sideWrites()).toEqual([]);

      table.put('u1', { ...table.get('u1')!, name: 'Eda', position: 3 });
      table.flush();
      expect(names()).toEqual([{ id: 'u1', name: 'Eda', initial: 'E' }]);
      expect(sideWrites()).toEqual(['u1']);
    });

    it('writes a side row whole for a document put over a stored one without being read first', () => {
      const { docs, names } = withSide();
      const first = docs();
      first.put('u1', { name: 'Ada', grade: '7', position: 1 });
      first.flush();
      const table = docs();
      table.put('u1', { name: 'Bea', grade: '7', position: 2 });
      table.flush();
      expect(names()).toEqual([{ id: 'u1', name: 'Bea', initial: 'B' }]);
    });

    it('compares with what it wrote when writeEvery wrote a document mid-batch and it changes again', () => {
      const { docs, names, sideWrites } = withSide();
      const table = docs(1);
      table.put('u1', { name: 'Ada', grade: '7', position: 1 }); // written at once
      expect(names()).toEqual([{ id: 'u1', name: 'Ada', initial: 'A' }]);
      table.put('u1', { ...table.get('u1')!, grade: '8', position: 2 });
      expect(sideWrites()).toEqual([]);
      table.put('u1', { ...table.get('u1')!, name: 'Eda', position: 3 });
      table.flush();
      expect(names()).toEqual([{ id: 'u1', name: 'Eda', initial: 'E' }]);
      expect(sideWrites()).toEqual(['u1']);
    });

    it('forgets what a rolled-back batch wrote there', () => {
      const { db, docs, names } = withSide();
      const table = docs();
      expect(() =>
        db.transaction(() => {
          table.put('u1', { name: 'Ada', grade: '7', position: 1 });
          table.flush();
          throw new Error('the batch failed');
        })(),
      ).toThrow('the batch failed');
      table.reset();
      expect(names()).toEqual([]);
      expect(table.get('u1')).toBeUndefined();
    });
  });
});
