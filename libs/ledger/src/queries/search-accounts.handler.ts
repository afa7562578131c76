import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { personalAccessOf } from '../access/viewer';
import type { AccessLog, AccountsFound, ReadModels } from '../ports/read-models.port';
import type { Clock } from '../ports/clock.port';
import { ACCESS_LOG, CLOCK, READ_MODELS } from '../ports/tokens';
import { SearchAccountsQuery } from './read-queries';
import { accountAnswer, isStudent, type AccountSearchPage } from './read-answers';
import { checkRecorded } from './check-recorded';
import { LoggingHandler } from './logging-handler';

@QueryHandler(SearchAccountsQuery)
export class SearchAccountsHandler extends LoggingHandler implements IQueryHandler<SearchAccountsQuery, AccountSearchPage> {
  constructor(@Inject(READ_MODELS) private readonly models: ReadModels, @Inject(ACCESS_LOG) log: AccessLog, @Inject(CLOCK) clock: Clock) {
    super(log, clock);
  }
  /** @throws NotFound for a `districtId` the ledger has never recorded: "no account matches" would read as a search that missed */
  async execute({ text, viewer, options }: SearchAccountsQuery): Promise<AccountSearchPage> {
    const access = personalAccessOf(viewer.role);
    const found = access === 'none' ? await this.byCleverId(text, options) : await this.models.searchAccounts(text, options);
    if (found.items.length === 0 && options.after === undefined) await checkRecorded(this.models, { districtId: options.districtId });
    await this.logAccess(viewer, found.items.filter(isStudent).map((a) => a.id));
    return {
      items: found.items.map((a) => accountAnswer(a, access)),
      next: found.next,
      searchedBy: access === 'none' ? 'clever id' : 'name or identifier',
      foundByFormer: found.foundByFormer,
    };
  }

  /**
   * A role that may see no personal data finds an account by its Clever id alone. A match by
   * name, email or SIS number would tell it whose they are (and a search page's order, and its
   * cursor, follow names), though it is shown none of them.
   */
  private async byCleverId(text: string, options: SearchAccountsQuery['options']): Promise<AccountsFound> {
    const id = text.trim();
    const account = options.after === undefined ? ((await this.models.account(id)) ?? (await this.models.account(id.toLowerCase()))) : null;
    const inDistrict = account !== null && (options.districtId === undefined || account.districtId === options.districtId);
    return { items: inDistrict ? [account] : [], next: null, foundByFormer: [] };
  }
}
