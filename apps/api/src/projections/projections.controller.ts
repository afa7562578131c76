import { Body, Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiAcceptedResponse, ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { GetProjectionStatusQuery, VIEWER_ROLES, type ProjectionStatus, type Viewer } from '@roster-ledger/ledger';
import type { Response } from 'express';
import { CurrentViewer } from '../auth/current-viewer.decorator';
import { Roles } from '../auth/roles.decorator';
import { IdParamDto } from '../common/id-param.dto';
import { itemList, type ItemList } from '../common/item-list';
import { ApiProblemResponse } from '../openapi/problem-response.decorator';
import type { ProjectionJob } from './projection-job';
import { ProjectionJobListSchema, ProjectionJobSchema } from './projection-job.schema';
import { ProjectionJobs } from './projection-jobs';
import { ProjectionStatusListSchema } from './projection-status.schema';
import { RebuildRequestDto } from './rebuild-request.dto';
import { VerifyRequestDto } from './verify-request.dto';
import { ApiIdParam } from '../openapi/id-param.decorator';
import { ApiBodyProblems } from '../openapi/body-problems.decorator';
import { jobForViewer, statusForViewer } from './projections-for-viewer';

/**
 * The read models: how far behind the log each one is, and rebuilds and verifications, which
 * run in the background (202 with the job's status URL in `Location`).
 */
@ApiTags('projections')
@Controller('projections')
export class ProjectionsController {
  constructor(
    private readonly queries: QueryBus,
    private readonly jobs: ProjectionJobs,
  ) {}

  @Get()
  @Roles(...VIEWER_ROLES)
  @ApiOperation({ summary: "Each projection's position, the log's head, the lag and the status" })
  @ApiOkResponse({ type: ProjectionStatusListSchema })
  async status(@CurrentViewer() viewer: Viewer): Promise<ItemList<ProjectionStatus>> {
    const statuses = await this.queries.execute<GetProjectionStatusQuery, ProjectionStatus[]>(new GetProjectionStatusQuery());
    return itemList(statuses.map((status) => statusForViewer(status, viewer)));
  }

  @Post('rebuild')
  @ApiBodyProblems()
  @HttpCode(202)
  @Roles('admin', 'engineer')
  @ApiOperation({
    summary: 'Rebuild projections from the log beside the live tables, then swap them in (or compare, with dryRun)',
    description: 'Send `names` (`{"names": ["accounts"]}`) or `{"all": true}`, exactly one: an empty or missing `names` without `all` rebuilds nothing and is refused.',
  })
  @ApiAcceptedResponse({ type: ProjectionJobSchema, description: 'started; poll the job at `Location` / `statusUrl`' })
  @ApiProblemResponse(400, 'INVALID_REQUEST (neither names nor all, both, or a bad body) or UNKNOWN_PROJECTION')
  @ApiProblemResponse(409, 'PROJECTION_JOB_RUNNING: one job at a time')
  async rebuild(@Body() body: RebuildRequestDto, @CurrentViewer() viewer: Viewer, @Res({ passthrough: true }) response: Response): Promise<ProjectionJob> {
    // the jobs' and the ledger's own convention: no names means every projection
    const job = await this.jobs.start('rebuild', body.all === true ? [] : (body.names ?? []), body.dryRun ?? false, viewer.name);
    response.location(job.statusUrl);
    return job;
  }

  @Post('verify')
  @ApiBodyProblems()
  @HttpCode(202)
  @Roles('admin', 'engineer')
  @ApiOperation({ summary: 'Compare each live read model with one rebuilt from the log', description: 'No body, or no `names`, verifies every read model.' })
  @ApiBody({ type: VerifyRequestDto, required: false })
  @ApiAcceptedResponse({ type: ProjectionJobSchema, description: 'started; poll the job at `Location` / `statusUrl`' })
  @ApiProblemResponse(400, 'INVALID_REQUEST (a bad body) or UNKNOWN_PROJECTION')
  @ApiProblemResponse(409, 'PROJECTION_JOB_RUNNING: one job at a time')
  async verify(@Body() body: VerifyRequestDto, @CurrentViewer() viewer: Viewer, @Res({ passthrough: true }) response: Response): Promise<ProjectionJob> {
    const job = await this.jobs.start('verify', body.names ?? [], false, viewer.name);
    response.location(job.statusUrl);
    return job;
  }

  @Get('jobs')
  @Roles(...VIEWER_ROLES)
  @ApiOperation({ summary: 'Rebuilds and verifications since the server started, newest first' })
  @ApiOkResponse({ type: ProjectionJobListSchema })
  listJobs(@CurrentViewer() viewer: Viewer): ItemList<ProjectionJob> {
    return itemList(this.jobs.list().map((job) => jobForViewer(job, viewer)));
  }

  @Get('jobs/:id')
  @Roles(...VIEWER_ROLES)
  @ApiOperation({ summary: 'One job: running (with progress), succeeded (with its result) or failed (with its error)' })
  @ApiOkResponse({ type: ProjectionJobSchema })
  @ApiProblemResponse(404, 'PROJECTION_JOB_NOT_FOUND (jobs live in memory until a restart)')
  @ApiIdParam('job')
  job(@Param() { id }: IdParamDto, @CurrentViewer() viewer: Viewer): ProjectionJob {
    return jobForViewer(this.jobs.get(id), viewer);
  }
}

