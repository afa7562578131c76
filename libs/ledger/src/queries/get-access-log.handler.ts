import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { AccessLog, AccessLogEntry, Page, ReadModels } from '../ports/read-models.port';
import { ACCESS_LOG, READ_MODELS } from '../ports/tokens';
import { recordNotFound } from './record-not-found';
import { GetAccessLogQuery } from './read-queries';

@QueryHandler(GetAccessLogQuery)
export class GetAccessLogHandler implements IQueryHandler<GetAccessLogQuery, Page<AccessLogEntry>> {
  constructor(
    @Inject(ACCESS_LOG) private readonly log: AccessLog,
    @Inject(READ_MODELS) private readonly models: ReadModels,
  ) {}
  async execute({ filter }: GetAccessLogQuery): Promise<Page<AccessLogEntry>> {
    const page = await this.log.query(filter);
    // "no reads" of an id that names no account (a SIS id, a stream's name) is not "nobody read it"
    const { studentId } = filter;
    if (page.items.length === 0 && filter.after === undefined && studentId !== undefined && (await this.models.account(studentId)) === null) {
      throw recordNotFound('user', studentId, 'the access log names students by their account id, as search gives it (search finds it by name, email or SIS id)');
    }
    return page;
  }
}
