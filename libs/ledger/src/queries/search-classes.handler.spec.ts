import type { ClassFound, ReadModels } from '../ports/read-models.port';
import { SearchClassesHandler } from './read-queries.handler';
import { SearchClassesQuery } from './read-queries';

/** A class search names each class's school, read in one look-up for the page: an id alone tells support nothing. */
describe('SearchClassesHandler', () => {
  const found = (id: string, schoolId: string | null): ClassFound => ({
    id, districtId: 'd1', status: 'active', name: `Class ${id}`, sisId: null, sectionNumber: null, schoolId, termId: null, courseId: null,
  });
  const looked: string[][] = [];
  const models: Partial<ReadModels> = {
    atOneMoment: (read) => read(),
    searchClasses: async () => ({ items: [found('c1', 's1'), found('c2', 's1'), found('c3', 's9'), found('c4', null)], next: 'n' }),
    names: async (ids) => (looked.push(ids.map((r) => `${r.kind}-${r.id}`)), ids.some((r) => r.id === 's1') ? [{ id: 's1', kind: 'school', name: 'North High', active: true }] : []),
  };

  it("adds each class's school name (null where the ledger has none), asking for each school once", async () => {
    const page = await new SearchClassesHandler(models as ReadModels).execute(new SearchClassesQuery('class', { limit: 4 }));
    expect(page.items.map((c) => [c.id, c.schoolName])).toEqual([['c1', 'North High'], ['c2', 'North High'], ['c3', null], ['c4', null]]);
    expect(page.next).toBe('n');
    expect(looked).toEqual([['school-s1', 'school-s9']]);
  });
});
