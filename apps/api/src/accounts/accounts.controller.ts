import { Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  GetAccountQuery,
  GetClassesAsOfQuery,
  GetTimelineQuery,
  SearchAccountsQuery,
  VIEWER_ROLES,
  type AccountAnswer,
  type AccountSearchPage,
  type Page,
  type TimelineEntry,
  type Viewer,
} from '@roster-ledger/ledger';
import { CurrentViewer } from '../auth/current-viewer.decorator';
import { Roles } from '../auth/roles.decorator';
import { AsOfQueryDto } from '../common/as-of-query.dto';
import { IdParamDto } from '../common/id-param.dto';
import { PageQueryDto } from '../common/page-query.dto';
import { TimelinePageSchema } from '../common/timeline.schema';
import { ApiProblemResponse } from '../openapi/problem-response.decorator';
import { AccountPageSchema, AccountSchema } from './account.schema';
import { ClassesAsOfSchema } from './classes-as-of.schema';
import { SearchAccountsQueryDto } from './search-accounts-query.dto';
import { ApiIdParam } from '../openapi/id-param.decorator';

/** Support's questions about a person: find them, see them, their history, their classes at a date. */
@ApiTags('accounts')
@Controller('accounts')
@Roles(...VIEWER_ROLES)
export class AccountsController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @ApiOperation({ summary: 'Search accounts by name, email, SIS id, student number, state id, username or Clever id' })
  @ApiOkResponse({ type: AccountPageSchema })
  @ApiProblemResponse(404, 'NOT_FOUND: `district` is one the ledger has never recorded')
  search(@Query() query: SearchAccountsQueryDto, @CurrentViewer() viewer: Viewer): Promise<AccountSearchPage> {
    return this.queries.execute<SearchAccountsQuery, AccountSearchPage>(
      new SearchAccountsQuery(query.q, viewer, { districtId: query.district, limit: query.limit, after: query.after }),
    );
  }

  @Get(':id')
  @ApiOperation({ summary: 'One account: roles, status, when first shared and removed, personal fields the role may see' })
  @ApiOkResponse({ type: AccountSchema })
  @ApiProblemResponse(404, "NOT_FOUND: the ledger has never recorded this account (the detail says so when the id is a class's or a school's)")
  @ApiIdParam('account')
  get(@Param() { id }: IdParamDto, @CurrentViewer() viewer: Viewer): Promise<AccountAnswer> {
    return this.queries.execute<GetAccountQuery, AccountAnswer>(new GetAccountQuery(id, viewer));
  }

  @Get(':id/timeline')
  @ApiOperation({ summary: "A user's timeline: every change to them and their enrollments (naming each class), oldest first, with both clocks and the sync" })
  @ApiOkResponse({ type: TimelinePageSchema })
  @ApiProblemResponse(404, "NOT_FOUND: the ledger has never recorded this account (the detail says so when the id is a class's or a school's)")
  @ApiIdParam('account')
  timeline(@Param() { id }: IdParamDto, @Query() page: PageQueryDto, @CurrentViewer() viewer: Viewer): Promise<Page<TimelineEntry>> {
    return this.queries.execute<GetTimelineQuery, Page<TimelineEntry>>(new GetTimelineQuery('user', id, viewer, { after: page.after, limit: page.limit }));
  }

  @Get(':id/classes')
  @ApiOperation({ summary: 'The classes a student or teacher was in at a moment (default: now)' })
  @ApiOkResponse({ type: ClassesAsOfSchema })
  @ApiProblemResponse(404, "NOT_FOUND: the ledger has never recorded this account (the detail says so when the id is a class's or a school's)")
  @ApiIdParam('account')
  classes(@Param() { id }: IdParamDto, @Query() { asOf }: AsOfQueryDto, @CurrentViewer() viewer: Viewer): Promise<ClassesAsOfSchema> {
    return this.queries.execute<GetClassesAsOfQuery, ClassesAsOfSchema>(new GetClassesAsOfQuery(id, asOf, viewer));
  }
}
