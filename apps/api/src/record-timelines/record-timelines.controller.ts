import { applyDecorators, Controller, Get, Param, Query } from '@nestjs/common';
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

/** A `GET /<collection>/:id/timeline` of one kind of record, documented as such. */
const RecordTimeline = (collection: string, kind: 'school' | 'district' | 'term' | 'course', summary: string) =>
  applyDecorators(
    Get(`${collection}/:id/timeline`),
    ApiTags(collection),
    ApiOperation({ summary }),
    ApiOkResponse({ type: TimelinePageSchema }),
    ApiProblemResponse(404, `NOT_FOUND: the ledger has never recorded this ${kind} (the detail says so when the id is another kind of record's)`),
    ApiIdParam(kind),
  );

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

  @RecordTimeline('schools', 'school', "A school's timeline, oldest first, each change naming the person or class it is about")
  school(@Param() { id }: IdParamDto, @Query() page: PageQueryDto, @CurrentViewer() viewer: Viewer): Promise<Page<TimelineEntry>> {
    return this.timeline('school', id, page, viewer);
  }

  @RecordTimeline('districts', 'district', "A district's timeline, oldest first: its sharing, changes and removal (each school, person and class has its own)")
  district(@Param() { id }: IdParamDto, @Query() page: PageQueryDto, @CurrentViewer() viewer: Viewer): Promise<Page<TimelineEntry>> {
    return this.timeline('district', id, page, viewer);
  }

  @RecordTimeline('terms', 'term', "A term's timeline, oldest first: its sharing, changes of name or dates, and removal")
  term(@Param() { id }: IdParamDto, @Query() page: PageQueryDto, @CurrentViewer() viewer: Viewer): Promise<Page<TimelineEntry>> {
    return this.timeline('term', id, page, viewer);
  }

  @RecordTimeline('courses', 'course', "A course's timeline, oldest first: its sharing, changes and removal")
  course(@Param() { id }: IdParamDto, @Query() page: PageQueryDto, @CurrentViewer() viewer: Viewer): Promise<Page<TimelineEntry>> {
    return this.timeline('course', id, page, viewer);
  }

  private timeline(kind: TimelineKind, id: string, page: PageQueryDto, viewer: Viewer): Promise<Page<TimelineEntry>> {
    return this.queries.execute<GetTimelineQuery, Page<TimelineEntry>>(new GetTimelineQuery(kind, id, viewer, { after: page.after, limit: page.limit }));
  }
}
