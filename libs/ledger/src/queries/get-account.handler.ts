import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { personalAccessOf } from '../access/viewer';
import type { AccessLog, ReadModels } from '../ports/read-models.port';
import type { Clock } from '../ports/clock.port';
import { ACCESS_LOG, CLOCK, READ_MODELS } from '../ports/tokens';
import { recordNotFoundIn } from './record-not-found';
import { GetAccountQuery } from './read-queries';
import { accountAnswer, isStudent, type AccountAnswer } from './read-answers';
import { LoggingHandler } from './logging-handler';

@QueryHandler(GetAccountQuery)
export class GetAccountHandler extends LoggingHandler implements IQueryHandler<GetAccountQuery, AccountAnswer> {
  constructor(@Inject(READ_MODELS) private readonly models: ReadModels, @Inject(ACCESS_LOG) log: AccessLog, @Inject(CLOCK) clock: Clock) {
    super(log, clock);
  }
  async execute({ id, viewer }: GetAccountQuery): Promise<AccountAnswer> {
    const account = await this.models.account(id);
    if (!account) throw await recordNotFoundIn(this.models, 'user', id);
    if (isStudent(account)) await this.logAccess(viewer, [account.id]);
    return accountAnswer(account, personalAccessOf(viewer.role));
  }
}
