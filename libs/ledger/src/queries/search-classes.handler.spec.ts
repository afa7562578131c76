import type { ClassFound, ReadModels } from '../ports/read-models.port';
import { SearchClassesHandler } from './search-classes.handler';
import { SearchClassesQuery } from './read-queries';

/** A class search names each class's school, read in one look-up for the page: an id alone tells support nothing. */
describe('SearchClassesHandler', () => {
  const found = (id: string, schoolId: string | null): ClassFound => ({
    id, districtId: 'd1', status: 'active', name: `Class ${id}`, sisId: null, sectionNumber: null, schoolId, termId: null, courseId: null,
  });
  const looked: string[][] = [];
  const models: Partial<ReadModels> = {
    atOneMoment: (read) => read(),
    searchClasses: async () => ({ items: [found('c1', 's1'), found('c2', 's1'), found('c3', 's9'), found('c4', null), found('c5', 's2')], next: 'n' }),
    names: async (ids) => (
      looked.push(ids.map((r) => `${r.kind}-${r.id}`)),
      [{ id: 's1', kind: 'school', name: 'North High', active: true }, { id: 's2', kind: 'school', name: 'Old Annex', active: false }].filter((s) => ids.some((r) => r.id === s.id))
    ),
  };

  it("adds each class's school name and status (null and unknown where the ledger has none), asking for each school once", async () => {
    const page = await new SearchClassesHandler(models as ReadModels).execute(new SearchClassesQuery('class', { limit: 5 }));
    expect(page.items.map((c) => [c.id, c.schoolName, c.schoolStatus])).toEqual([
      ['c1', 'North High', 'active'], ['c2', 'North High', 'active'], ['c3', null, 'unknown'], ['c4', null, 'unknown'], ['c5', 'Old Annex', 'removed'],
    ]);
    expect(page.next).toBe('n');
    expect(looked).toEqual([['school-s1', 'school-s9', 'school-s2']]);
  });
});
