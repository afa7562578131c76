import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { Page, ReadModels } from '../ports/read-models.port';
import { READ_MODELS } from '../ports/tokens';
import { SearchClassesQuery } from './read-queries';
import type { ClassSearchHit } from './read-answers';
import { checkRecorded } from './check-recorded';

@QueryHandler(SearchClassesQuery)
export class SearchClassesHandler implements IQueryHandler<SearchClassesQuery, Page<ClassSearchHit>> {
  constructor(@Inject(READ_MODELS) private readonly models: ReadModels) {}
  /**
   * No student's data (a class's name is shown to every role, on timelines and rosters too), so no access log entry.
   * @throws NotFound for a `districtId` the ledger has never recorded: "no class matches" would read as a search that missed
   */
  async execute({ text, options }: SearchClassesQuery): Promise<Page<ClassSearchHit>> {
    const { found, schools } = await this.models.atOneMoment(async () => {
      const found = await this.models.searchClasses(text, options);
      if (found.items.length === 0 && options.after === undefined) await checkRecorded(this.models, { districtId: options.districtId });
      // the schools' names in one look-up for the page: an id alone tells support nothing
      const ids = [...new Set(found.items.map((c) => c.schoolId).filter((id): id is string => id !== null))];
      return { found, schools: ids.length === 0 ? [] : await this.models.names(ids.map((id) => ({ kind: 'school' as const, id }))) };
    });
    const named = new Map(schools.map((s) => [s.id, s]));
    return {
      items: found.items.map((c) => {
        const school = c.schoolId === null ? undefined : named.get(c.schoolId);
        return { ...c, schoolName: school?.name ?? null, schoolStatus: school === undefined ? 'unknown' : school.active ? 'active' : 'removed' };
      }),
      next: found.next,
    };
  }
}
