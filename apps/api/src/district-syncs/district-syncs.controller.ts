import { Body, Controller, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Viewer } from '@roster-ledger/ledger';
import type { Response } from 'express';
import { CurrentViewer } from '../auth/current-viewer.decorator';
import { Roles } from '../auth/roles.decorator';
import { IdParamDto } from '../common/id-param.dto';
import { ApiProblemResponse } from '../openapi/problem-response.decorator';
import { DistrictSyncRunner } from './district-sync-runner';
import { StartSyncRequestDto } from './start-sync-request.dto';
import { SyncStartedSchema } from './sync-started.schema';
import { ApiIdParam } from '../openapi/id-param.decorator';
import { ApiBodyProblems } from '../openapi/body-problems.decorator';

/** Syncing a district connected to Clever, on request: it runs in the background; its detail shows progress. */
@ApiTags('syncs')
@Controller('districts')
export class DistrictSyncsController {
  constructor(private readonly runner: DistrictSyncRunner) {}

  @Post(':id/syncs')
  @ApiBodyProblems()
  @HttpCode(202)
  @Roles('admin', 'engineer')
  @ApiOperation({ summary: 'Sync a district from Clever now (full, or events after its cursor); requestedBy = the API key holder' })
  @ApiAcceptedResponse({ type: SyncStartedSchema, description: 'running; follow it at `Location` / `statusUrl`' })
  @ApiProblemResponse(404, 'DISTRICT_NOT_CONFIGURED: the configuration does not connect this district')
  @ApiProblemResponse(409, 'SYNC_ALREADY_RUNNING (one sync at a time per district), or HELD_SYNC_PENDING')
  @ApiProblemResponse(500, "CLEVER_TOKEN_MISSING: the variable holding the district's token is not set on the server")
  @ApiProblemResponse(503, 'SERVER_STOPPING: the server is shutting down and starts no new sync; ask again once it is back')
  @ApiIdParam('district')
  async start(
    @Param() { id }: IdParamDto,
    @Body() body: StartSyncRequestDto,
    @CurrentViewer() viewer: Viewer,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SyncStartedSchema> {
    const { syncId } = await this.runner.start(id, body.mode, viewer.name, 'api');
    const statusUrl = `/syncs/${syncId}`;
    response.location(statusUrl);
    return { syncId, status: 'running', statusUrl, mode: body.mode };
  }
}
