import { Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { GetTimelineQuery, VIEWER_ROLES, type Page, type TimelineEntry, type TimelineKind, type Viewer } from '@roster-ledger/ledger';
import { CurrentViewer } from '../auth/current-viewer.decorator';
import { Roles } from '../auth/roles.decorator';
import { IdParamDto } from '../common/id-param.dto';
import { PageQueryDto } from '../common/page-query.dto';
import { TimelinePageSchema } from '../common/timeline.schema';
import { ApiProblemResponse } from '../openapi/problem-response.decorator';
import { ApiIdParam } from '../openapi/id-param.decorator';

const NOT_FOUND = (kind: string) => `NOT_FOUND: the ledger has never recorded this ${kind} (the detail says so when the id is another kind of record's)`;

/**
 * The history of the records that are neither a person nor a class: a school, a district, a term
 * and a course, each with the people and classes that joined, changed or left it, as the CLI's
 * `timeline school|district|term|course <id>` reads them. A person's and a class's timelines live
 * with their other questions (`/accounts`, `/classes`).
 */
@Controller()
@Roles(...VIEWER_ROLES)
export class RecordTimelinesController {
  constructor(private readonly queries: QueryBus) {}

  @Get('schools/:id/timeline')
  @ApiTags('schools')
  @ApiOperation({ summary: "A school's timeline, oldest first, each change naming the person or class it is about" })
  @ApiOkResponse({ type: TimelinePageSchema })
  @ApiProblemResponse(404, NOT_FOUND('school'))
  @ApiIdParam('school')
  school(@Param() { id }: IdParamDto, @Query() page: PageQueryDto, @CurrentViewer() viewer: Viewer): Promise<Page<TimelineEntry>> {
    return this.timeline('school', id, page, viewer);
  }

  @Get('districts/:id/timeline')
  @ApiTags('districts')
  @ApiOperation({ summary: "A district's timeline, oldest first: its sharing, changes and removal (each school, person and class has its own)" })
  @ApiOkResponse({ type: TimelinePageSchema })
  @ApiProblemResponse(404, NOT_FOUND('district'))
  @ApiIdParam('district')
  district(@Param() { id }: IdParamDto, @Query() page: PageQueryDto, @CurrentViewer() viewer: Viewer): Promise<Page<TimelineEntry>> {
    return this.timeline('district', id, page, viewer);
  }

  @Get('terms/:id/timeline')
  @ApiTags('terms')
  @ApiOperation({ summary: "A term's timeline, oldest first: its sharing, changes of name or dates, and removal" })
  @ApiOkResponse({ type: TimelinePageSchema })
  @ApiProblemResponse(404, NOT_FOUND('term'))
  @ApiIdParam('term')
  term(@Param() { id }: IdParamDto, @Query() page: PageQueryDto, @CurrentViewer() viewer: Viewer): Promise<Page<TimelineEntry>> {
    return this.timeline('term', id, page, viewer);
  }

  @Get('courses/:id/timeline')
  @ApiTags('courses')
  @ApiOperation({ summary: "A course's timeline, oldest first: its sharing, changes and removal" })
  @ApiOkResponse({ type: TimelinePageSchema })
  @ApiProblemResponse(404, NOT_FOUND('course'))
  @ApiIdParam('course')
  course(@Param() { id }: IdParamDto, @Query() page: PageQueryDto, @CurrentViewer() viewer: Viewer): Promise<Page<TimelineEntry>> {
    return this.timeline('course', id, page, viewer);
  }

  private timeline(kind: TimelineKind, id: string, page: PageQueryDto, viewer: Viewer): Promise<Page<TimelineEntry>> {
    return this.queries.execute<GetTimelineQuery, Page<TimelineEntry>>(new GetTimelineQuery(kind, id, viewer, { after: page.after, limit: page.limit }));
  }
}
