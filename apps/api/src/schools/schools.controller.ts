import { Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { GetTimelineQuery, VIEWER_ROLES, type Page, type TimelineEntry, type Viewer } from '@roster-ledger/ledger';
import { CurrentViewer } from '../auth/current-viewer.decorator';
import { Roles } from '../auth/roles.decorator';
import { IdParamDto } from '../common/id-param.dto';
import { PageQueryDto } from '../common/page-query.dto';
import { TimelinePageSchema } from '../common/timeline.schema';
import { ApiProblemResponse } from '../openapi/problem-response.decorator';
import { ApiIdParam } from '../openapi/id-param.decorator';

/** A school's history: the school itself, and the people and classes that joined, changed or left it. */
@ApiTags('schools')
@Controller('schools')
@Roles(...VIEWER_ROLES)
export class SchoolsController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':id/timeline')
  @ApiOperation({ summary: "A school's timeline, oldest first, each change naming the person or class it is about" })
  @ApiOkResponse({ type: TimelinePageSchema })
  @ApiProblemResponse(404, "NOT_FOUND: the ledger has never recorded this school (the detail says so when the id is an account's or a class's)")
  @ApiIdParam('school')
  timeline(@Param() { id }: IdParamDto, @Query() page: PageQueryDto, @CurrentViewer() viewer: Viewer): Promise<Page<TimelineEntry>> {
    return this.queries.execute<GetTimelineQuery, Page<TimelineEntry>>(new GetTimelineQuery('school', id, viewer, { after: page.after, limit: page.limit }));
  }
}
