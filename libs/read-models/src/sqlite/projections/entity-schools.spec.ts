import { recorded } from '../../spec-support/read-model-harness';
import { openReadModelDatabase, type Db } from '../read-model-database';
import { EntitySchools } from './entity-schools';

describe('EntitySchools: the schools of each record, kept in a table of its own', () => {
  let db: Db;
  beforeEach(() => {
    db = openReadModelDatabase(':memory:');
    EntitySchools.create(db, 'schools');
  });
  afterEach(() => db.close());

  const shared = (id: string, school: string, position: number) =>
    recorded(`section-${id}`, 0, position, 'SectionShared', { id, record: { id, school, schools: [] } });
  const enrolled = (id: string, position: number) => recorded(`section-${id}`, 1, position, 'StudentEnrolled', { sectionId: id, studentId: 'u1' });

  it('files an event of a record met again, after its entry left memory, under the schools its row holds', () => {
    // two entries at most in memory: the third share's flush forgets all three
    const schools = new EntitySchools(db, 'schools', 2);
    db.transaction(() => {
      expect(schools.follow(shared('a', 'school-1', 1))).toEqual(['school-1']);
      expect(schools.follow(shared('b', 'school-2', 2))).toEqual(['school-2']);
      expect(schools.follow(shared('c', 'school-3', 3))).toEqual(['school-3']);
      schools.flush();
    })();
    // what the row holds is what the next event of the record is filed under (not a copy kept in memory)
    db.prepare('UPDATE schools SET schools = ? WHERE stream_id = ?').run(JSON.stringify({ section: { school: 'school-9', schools: [] } }), 'section-a');
    expect(schools.follow(enrolled('a', 4))).toEqual(['school-9']);
    expect(schools.follow(shared('a', 'school-1', 1))).toBeNull();
  });

  it('reads back, once reset, the entry another writer put in the table', () => {
    const mine = new EntitySchools(db, 'schools');
    const other = new EntitySchools(db, 'schools');
    expect(mine.follow(enrolled('a', 1))).toEqual([]);
    db.transaction(() => {
      other.follow(shared('a', 'school-1', 2));
      other.flush();
    })();
    // what it keeps in memory is out of date until the fold resets it (as it does a writer whose checkpoint another process moved)
    expect(mine.follow(enrolled('a', 3))).toEqual([]);
    mine.reset();
    expect(mine.follow(enrolled('a', 4))).toEqual(['school-1']);
  });
});
