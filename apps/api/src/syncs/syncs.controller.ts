import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { SyncSummary } from '@roster-ledger/domain';
import { ApproveSyncCommand, DiscardSyncCommand, GetSyncQuery, ListSyncsQuery, VIEWER_ROLES, type Viewer } from '@roster-ledger/ledger';
import { CurrentViewer } from '../auth/current-viewer.decorator';
import { Roles } from '../auth/roles.decorator';
import { IdParamDto } from '../common/id-param.dto';
import { itemList, type ItemList } from '../common/item-list';
import { ProblemSchema } from '../openapi/problem.schema';
import { ListSyncsQueryDto } from './list-syncs-query.dto';
import { SyncListSchema, SyncSummarySchema } from './sync-summary.schema';

/** Syncs: what each run did, and the decision on a held one (who decides is the API key's holder). */
@ApiTags('syncs')
@Controller('syncs')
export class SyncsController {
  constructor(
    private readonly queries: QueryBus,
    private readonly commands: CommandBus,
  ) {}

  @Get()
  @Roles(...VIEWER_ROLES)
  @ApiOperation({ summary: 'Syncs, newest first' })
  @ApiOkResponse({ type: SyncListSchema })
  async list(@Query() query: ListSyncsQueryDto): Promise<ItemList<SyncSummary>> {
    return itemList(await this.queries.execute<ListSyncsQuery, SyncSummary[]>(new ListSyncsQuery(query.district, query.limit)));
  }

  @Get(':id')
  @Roles(...VIEWER_ROLES)
  @ApiOperation({ summary: 'What one sync did: counts per event type, skipped, unresolved, holds, failure' })
  @ApiOkResponse({ type: SyncSummarySchema })
  @ApiNotFoundResponse({ type: ProblemSchema })
  get(@Param() { id }: IdParamDto): Promise<SyncSummary> {
    return this.queries.execute<GetSyncQuery, SyncSummary>(new GetSyncQuery(id));
  }

  @Post(':id/approve')
  @HttpCode(200)
  @Roles('admin', 'engineer')
  @ApiOperation({ summary: 'Apply a held sync exactly as previewed (by = the API key holder)' })
  @ApiOkResponse({ type: SyncSummarySchema })
  @ApiNotFoundResponse({ type: ProblemSchema })
  @ApiConflictResponse({ type: ProblemSchema, description: 'SYNC_NOT_HELD, or HELD_SYNC_OUTDATED when the ledger moved on since it was held' })
  approve(@Param() { id }: IdParamDto, @CurrentViewer() viewer: Viewer): Promise<SyncSummary> {
    return this.commands.execute<ApproveSyncCommand, SyncSummary>(new ApproveSyncCommand(id, viewer.name));
  }

  @Post(':id/discard')
  @HttpCode(200)
  @Roles('admin', 'engineer')
  @ApiOperation({ summary: 'Drop a held sync; nothing is applied (by = the API key holder)' })
  @ApiOkResponse({ type: SyncSummarySchema })
  @ApiNotFoundResponse({ type: ProblemSchema })
  @ApiConflictResponse({ type: ProblemSchema, description: 'SYNC_NOT_HELD' })
  discard(@Param() { id }: IdParamDto, @CurrentViewer() viewer: Viewer): Promise<SyncSummary> {
    return this.commands.execute<DiscardSyncCommand, SyncSummary>(new DiscardSyncCommand(id, viewer.name));
  }
}
