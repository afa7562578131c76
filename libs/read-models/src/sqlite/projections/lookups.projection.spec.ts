import { lookupsProjection } from './lookups.projection';
import { DISTRICT, EventLog, namedRecord, readModels, removed, sectionRecord, studentRecord, syncStarted, updated } from '../../spec-support/read-model-harness';

const KINDS = [
  ['school', 'School'],
  ['term', 'Term'],
  ['course', 'Course'],
  ['district', 'District'],
] as const;

describe('lookups projection: schools, terms, courses and districts by id, for names and status', () => {
  const rm = readModels(lookupsProjection);

  describe.each(KINDS)('%s', (kind, prefix) => {
    const name = (id: string) => rm().models.names([{ kind, id }]);

    it(`${prefix}Shared: known by name, active`, async () => {
      const log = new EventLog();
      rm().when(log.append(`${kind}-x1`, `${prefix}Shared`, namedRecord('x1', 'First name')));
      expect(await name('x1')).toEqual([{ id: 'x1', kind, name: 'First name', active: true }]);
      expect(rm().rows('lookups')).toEqual([
        expect.objectContaining({ id: `${kind}-x1`, kind, district_id: DISTRICT, active: 1, name: 'First name', position: 1 }),
      ]);
    });

    it(`${prefix}Updated: the new name`, async () => {
      const log = new EventLog();
      rm().given([log.append(`${kind}-x1`, `${prefix}Shared`, namedRecord('x1', 'First name'))]);
      rm().when(log.append(`${kind}-x1`, `${prefix}Updated`, updated('x1', { name: { from: 'First name', to: 'Second name' } })));
      expect(await name('x1')).toEqual([{ id: 'x1', kind, name: 'Second name', active: true }]);
    });

    it(`${prefix}Removed: still named, no longer active; ${prefix}Shared again: active`, async () => {
      const log = new EventLog();
      rm().given([log.append(`${kind}-x1`, `${prefix}Shared`, namedRecord('x1', 'First name'))]);
      rm().when(log.append(`${kind}-x1`, `${prefix}Removed`, removed('x1')));
      expect(await name('x1')).toEqual([{ id: 'x1', kind, name: 'First name', active: false }]);

      rm().when(log.append(`${kind}-x1`, `${prefix}Shared`, namedRecord('x1', 'Back again', true)));
      expect(await name('x1')).toEqual([{ id: 'x1', kind, name: 'Back again', active: true }]);
    });
  });

  it('answers several ids at once, leaving out the unknown ones and ids asked under another kind', async () => {
    const log = new EventLog();
    rm().when(
      log.append('school-s1', 'SchoolShared', namedRecord('s1', 'Lincoln High')),
      log.append('term-t1', 'TermShared', namedRecord('t1', 'Fall 2024')),
      log.append('course-c1', 'CourseShared', namedRecord('c1', 'Algebra I')),
    );
    expect(
      await rm().models.names([
        { kind: 'course', id: 'c1' },
        { kind: 'school', id: 'nope' },
        { kind: 'term', id: 's1' },
        { kind: 'school', id: 's1' },
        { kind: 'term', id: 't1' },
      ]),
    ).toEqual([
      { id: 'c1', kind: 'course', name: 'Algebra I', active: true },
      { id: 's1', kind: 'school', name: 'Lincoln High', active: true },
      { id: 't1', kind: 'term', name: 'Fall 2024', active: true },
    ]);
  });

  it('ignores users, sections and syncs, and updates of a record it never saw shared', async () => {
    const log = new EventLog();
    rm().when(
      log.append('user-u1', 'StudentShared', studentRecord('u1')),
      log.append('section-sec1', 'SectionShared', sectionRecord('sec1')),
      log.append('sync-s1', 'SyncStarted', syncStarted('s1', '2024-09-01T00:00:00.000Z')),
      log.append('school-s9', 'SchoolUpdated', updated('s9', { name: { from: 'a', to: 'b' } })),
      log.append('school-s8', 'SchoolRemoved', removed('s8')),
    );
    expect(rm().rows('lookups')).toEqual([]);
  });
});
