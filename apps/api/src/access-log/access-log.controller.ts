import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AUDIT_READERS, GetAccessLogQuery, type AccessLogEntry, type Page } from '@roster-ledger/ledger';
import { Roles } from '../auth/roles.decorator';
import { ApiProblemResponse } from '../openapi/problem-response.decorator';
import { AccessLogQueryDto } from './access-log-query.dto';
import { AccessLogSchema } from './access-log-entry.schema';

/** Who read which students' personal data, when, through which endpoint. */
@ApiTags('access-log')
@Controller('access-log')
@Roles(...AUDIT_READERS)
export class AccessLogController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @ApiOperation({ summary: 'Reads of students’ personal data, newest first, a page at a time (pass `next` as `after`)' })
  @ApiOkResponse({ type: AccessLogSchema })
  @ApiProblemResponse(400, 'INVALID_REQUEST: a bad date, or a range that holds no moment (`from` not before `to`; a date-only `to` includes its whole day), or an `after` past the newest entry')
  @ApiProblemResponse(404, 'NOT_FOUND: the `student` filtered on is no account the read models know (the access log names students by their account id)')
  list(@Query() q: AccessLogQueryDto): Promise<Page<AccessLogEntry>> {
    return this.queries.execute<GetAccessLogQuery, Page<AccessLogEntry>>(new GetAccessLogQuery(q.toFilter()));
  }
}
