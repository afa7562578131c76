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

  it('files an event of a record met again, after its entry left memory, under the schools it has (read back from the table)', () => {
    // two entries at most in memory: the third share's flush forgets all three
    const schools = new EntitySchools(db, 'schools', 2);
    db.transaction(() => {
      expect(schools.follow(shared('a', 'school-1', 1))).toEqual(['school-1']);
      expect(schools.follow(shared('b', 'school-2', 2))).toEqual(['school-2']);
      expect(schools.follow(shared('c', 'school-3', 3))).toEqual(['school-3']);
      schools.flush();
    })();
    expect(schools.follow(enrolled('a', 4))).toEqual(['school-1']);
    expect(schools.follow(shared('a', 'school-1', 1))).toBeNull();
  });

  it('reads back the entry another writer put in the table', () => {
    const other = new EntitySchools(db, 'schools');
    const mine = new EntitySchools(db, 'schools');
    db.transaction(() => {
      other.follow(shared('a', 'school-1', 1));
      other.flush();
    })();
    // as the fold does to a writer whose checkpoint another process moved
    mine.reset();
    expect(mine.follow(enrolled('a', 2))).toEqual(['school-1']);
  });
});
