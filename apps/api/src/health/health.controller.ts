import { Controller, Get, Res, type OnModuleDestroy } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { GetProjectionStatusQuery, type ProjectionStatus } from '@roster-ledger/ledger';
import type { Response } from 'express';
import { Public } from '../auth/roles.decorator';
import { readinessOf, READY_MAX_LAG_EVENTS, type Readiness } from './readiness';
import { LivenessSchema, ReadinessSchema } from './readiness.schema';

/** Probes for a process supervisor or load balancer: no key needed, no personal data shown. */
@ApiTags('health')
@Controller('health')
@Public()
export class HealthController implements OnModuleDestroy {
  /** Set as shutdown begins, before running syncs are waited for: a load balancer should send no more requests meanwhile. */
  private stopping = false;

  constructor(private readonly queries: QueryBus) {}

  onModuleDestroy(): void {
    this.stopping = true;
  }

  @Get('live')
  @ApiOperation({ summary: 'The process is up (always 200 while it runs)' })
  @ApiOkResponse({ type: LivenessSchema })
  live(): { status: 'live' } {
    return { status: 'live' };
  }

  // `/health` is readiness too: a process that answers is live, and what else there is to know
  // of its health is whether its read models keep up
  @Get(['ready', ''])
  @ApiOperation({
    summary: `Ready to serve: every projection running and under ${READY_MAX_LAG_EVENTS} events behind the log (also at /health)`,
  })
  @ApiOkResponse({ type: ReadinessSchema })
  @ApiServiceUnavailableResponse({ type: ReadinessSchema, description: 'not ready; the same body says why' })
  async ready(@Res({ passthrough: true }) response: Response): Promise<Readiness> {
    const readiness = readinessOf(await this.queries.execute<GetProjectionStatusQuery, ProjectionStatus[]>(new GetProjectionStatusQuery()), READY_MAX_LAG_EVENTS, this.stopping);
    response.status(readiness.ready ? 200 : 503);
    return readiness;
  }
}
