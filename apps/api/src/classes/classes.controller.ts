import { Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { GetRosterAsOfQuery, GetTimelineQuery, SearchClassesQuery, VIEWER_ROLES, type ClassSearchHit, type Page, type RosterAnswer, type TimelineEntry, type Viewer } from '@roster-ledger/ledger';
import { CurrentViewer } from '../auth/current-viewer.decorator';
import { Roles } from '../auth/roles.decorator';
import { AsOfQueryDto } from '../common/as-of-query.dto';
import { IdParamDto } from '../common/id-param.dto';
import { PageQueryDto } from '../common/page-query.dto';
import { TimelinePageSchema } from '../common/timeline.schema';
import { ApiProblemResponse } from '../openapi/problem-response.decorator';
import { RosterSchema } from './roster.schema';
import { ClassPageSchema } from './class-search.schema';
import { SearchClassesQueryDto } from './search-classes-query.dto';
import { ApiIdParam } from '../openapi/id-param.decorator';

/** A class (Clever section): find it, who was in it at any moment, and how it changed. */
@ApiTags('classes')
@Controller('classes')
@Roles(...VIEWER_ROLES)
export class ClassesController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @ApiOperation({ summary: 'Search classes by Clever id, SIS id, section number or a part of their name (for every role, as class names are on timelines and rosters; no student data)' })
  @ApiOkResponse({ type: ClassPageSchema })
  @ApiProblemResponse(404, 'NOT_FOUND: `district` is one the ledger has never recorded')
  search(@Query() query: SearchClassesQueryDto): Promise<Page<ClassSearchHit>> {
    return this.queries.execute<SearchClassesQuery, Page<ClassSearchHit>>(new SearchClassesQuery(query.q, { districtId: query.district, limit: query.limit, after: query.after }));
  }

  @Get(':id/roster')
  @ApiOperation({ summary: 'The roster of a class at a moment (default: now): teachers and students, each since when and by which sync' })
  @ApiOkResponse({ type: RosterSchema })
  @ApiProblemResponse(404, "NOT_FOUND: the ledger has never recorded this class (the detail says so when the id is an account's or a school's)")
  @ApiIdParam('class')
  roster(@Param() { id }: IdParamDto, @Query() { asOf }: AsOfQueryDto, @CurrentViewer() viewer: Viewer): Promise<RosterAnswer> {
    return this.queries.execute<GetRosterAsOfQuery, RosterAnswer>(new GetRosterAsOfQuery(id, asOf, viewer));
  }

  @Get(':id/timeline')
  @ApiOperation({ summary: "A class's timeline: shares, updates, enrollments and teacher changes, oldest first, each naming the student or teacher" })
  @ApiOkResponse({ type: TimelinePageSchema })
  @ApiProblemResponse(404, "NOT_FOUND: the ledger has never recorded this class (the detail says so when the id is an account's or a school's)")
  @ApiIdParam('class')
  timeline(@Param() { id }: IdParamDto, @Query() page: PageQueryDto, @CurrentViewer() viewer: Viewer): Promise<Page<TimelineEntry>> {
    return this.queries.execute<GetTimelineQuery, Page<TimelineEntry>>(new GetTimelineQuery('section', id, viewer, { after: page.after, limit: page.limit }));
  }
}
