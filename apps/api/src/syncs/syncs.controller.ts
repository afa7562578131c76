import { Controller, Get, HttpCode, Logger, Param, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { summarizeSync, type SyncSummary } from '@roster-ledger/domain';
import { studentsNamedInFindings } from '@roster-ledger/clever';
import { DiscardSyncCommand, GetPendingChangesQuery, GetSyncQuery, ListSyncsQuery, NotFound, RecordAccessCommand, SyncNotFound, VIEWER_ROLES, type Page, type PendingChangesPage, type Viewer } from '@roster-ledger/ledger';
import { CurrentViewer } from '../auth/current-viewer.decorator';
import { Roles } from '../auth/roles.decorator';
import { IdParamDto } from '../common/id-param.dto';
import { ApiProblemResponse } from '../openapi/problem-response.decorator';
import { DistrictSyncRunner, type BackgroundSync } from '../district-syncs/district-sync-runner';
import { ListSyncsQueryDto } from './list-syncs-query.dto';
import { PendingChangesQueryDto } from './pending-changes-query.dto';
import { PendingChangesPageSchema } from './pending-changes.schema';
import { syncForViewer } from './sync-for-viewer';
import { SyncListSchema, SyncSummarySchema } from './sync-summary.schema';
import { ApiIdParam } from '../openapi/id-param.decorator';
import { ApiBodyProblems } from '../openapi/body-problems.decorator';

/** Syncs: what each run did, and the decision on a held one (who decides is the API key's holder). */
@ApiTags('syncs')
@Controller('syncs')
export class SyncsController {
  private readonly logger = new Logger('DistrictSyncs');
  constructor(
    private readonly queries: QueryBus,
    private readonly commands: CommandBus,
    private readonly runner: DistrictSyncRunner,
  ) {}

  @Get()
  @Roles(...VIEWER_ROLES)
  @ApiOperation({
    summary:
      'Syncs, newest first, a page at a time (pass `next` as `after`); the first page also holds the syncs this server has accepted and not recorded yet, as running (beyond `limit`)',
  })
  @ApiOkResponse({ type: SyncListSchema })
  @ApiProblemResponse(404, 'NOT_FOUND: `district` is one the ledger has never recorded a sync of, and that this server is not starting a sync of')
  async list(@Query() query: ListSyncsQueryDto, @CurrentViewer() viewer: Viewer): Promise<Page<SyncSummary>> {
    // a sync accepted with 202 is recorded only once its thread has started and read Clever's
    // newest event: a second or more in which its detail shows it, so the list does too
    const starting = query.after === undefined ? await this.unrecorded(query.district) : [];
    const page = await this.queries.execute<ListSyncsQuery, Page<SyncSummary>>(new ListSyncsQuery(query.district, query.limit, query.after, query.status)).catch((error: unknown) => {
      // the first sync of a district: none recorded yet, one on its way
      if (error instanceof NotFound && starting.length > 0) return { items: [], next: null };
      throw error;
    });
    // recorded meanwhile: listed once, as recorded
    const listed = new Set(page.items.map((sync) => sync.syncId));
    return { ...page, items: await this.shown([...starting.filter((sync) => !listed.has(sync.syncId)), ...page.items], viewer) };
  }

  /** The syncs this server runs whose start is not recorded yet, newest first, as their detail shows them. */
  private async unrecorded(districtId: string | undefined): Promise<SyncSummary[]> {
    const running = this.runner.runningSyncs().filter((sync) => districtId === undefined || sync.districtId === districtId);
    const recorded = await Promise.all(
      running.map((sync) =>
        this.queries.execute<GetSyncQuery, SyncSummary>(new GetSyncQuery(sync.syncId)).then(
          () => true,
          (error: unknown) => {
            if (error instanceof SyncNotFound) return false;
            throw error;
          },
        ),
      ),
    );
    return running.filter((_, i) => !recorded[i]).map(startingSummary);
  }

  @Get(':id')
  @Roles(...VIEWER_ROLES)
  @ApiOperation({ summary: 'What one sync did: counts per event type, skipped, unresolved, holds, failure; progress while it runs' })
  @ApiOkResponse({ type: SyncSummarySchema })
  @ApiProblemResponse(404, 'SYNC_NOT_FOUND: no such sync')
  @ApiIdParam('sync')
  async get(@Param() { id }: IdParamDto, @CurrentViewer() viewer: Viewer): Promise<SyncSummary & { progress?: SyncProgressView }> {
    return (await this.shown([await this.summaryOf(id)], viewer))[0]!;
  }

  /**
   * Syncs as `viewer` may see them, with the students their findings name beside a value of a
   * personal field written to the access log, as every answer showing a student's personal data is.
   */
  private async shown<T extends SyncSummary>(syncs: readonly T[], viewer: Viewer): Promise<T[]> {
    const seen = syncs.map((sync) => syncForViewer(sync, viewer));
    const students = [...new Set(seen.flatMap((sync) => studentsNamedInFindings(sync.unknownValuesAt)))];
    await this.commands.execute(new RecordAccessCommand(viewer, students));
    return seen;
  }

  /** A sync's summary, with its progress while this server runs it. */
  private async summaryOf(id: string): Promise<SyncSummary & { progress?: SyncProgressView }> {
    const background = this.runner.progressOf(id);
    const summary = await this.queries.execute<GetSyncQuery, SyncSummary>(new GetSyncQuery(id)).catch((error: unknown) => {
      // accepted (202) but not recorded yet: it is still reading Clever's newest event or opening the API
      if (error instanceof SyncNotFound && background) return null;
      throw error;
    });
    if (summary === null) return { ...startingSummary(background!), progress: progressView(background!) };
    // progress lives in this server's memory only: a sync run elsewhere (the CLI) shows none
    if (!background) return summary;
    if (summary.status === 'running') return { ...summary, progress: progressView(background) };
    // its outcome is recorded, but its thread still saves the district's state and holds its lock:
    // running until it lets go, so that a next sync asked for once this shows it ended is not refused
    return { ...summary, status: 'running', progress: { ...progressView(background), phase: 'writing' } };
  }

  @Get(':id/pending')
  @Roles(...VIEWER_ROLES)
  @ApiOperation({
    summary:
      "The changes a held sync would append, in order, a page at a time (pass `next` as `after`): who and what approving it would remove, add or change, each cut for the role as the audit feed is, the records it names by their names now",
  })
  @ApiOkResponse({ type: PendingChangesPageSchema })
  @ApiProblemResponse(404, 'SYNC_NOT_FOUND: no such sync')
  @ApiProblemResponse(409, 'SYNC_NOT_HELD: the sync is not held (a completed one\'s changes are in the audit feed, by its `sync` filter); HELD_SYNC_OUTDATED: its change set is not beside the ledger')
  @ApiIdParam('sync')
  pending(@Param() { id }: IdParamDto, @Query() query: PendingChangesQueryDto, @CurrentViewer() viewer: Viewer): Promise<PendingChangesPage> {
    return this.queries.execute<GetPendingChangesQuery, PendingChangesPage>(new GetPendingChangesQuery(id, viewer, { types: query.types, after: query.after, limit: query.limit }));
  }

  @Post(':id/approve')
  @ApiBodyProblems()
  @HttpCode(200)
  @Roles('admin', 'engineer')
  @ApiOperation({ summary: 'Apply a held sync exactly as previewed (by = the API key holder)' })
  @ApiOkResponse({ type: SyncSummarySchema })
  @ApiProblemResponse(404, 'SYNC_NOT_FOUND: no such sync')
  @ApiProblemResponse(
    409,
    'SYNC_NOT_HELD; HELD_SYNC_OUTDATED when the ledger moved on since it was held; SYNC_ALREADY_RUNNING while another decision on it, or a sync of its district, runs',
  )
  @ApiProblemResponse(500, 'applying it failed: the failure by its own code (DUPLICATE_EVENT_ID, say) and what failed; INTERNAL_ERROR for an error not raised on purpose')
  @ApiProblemResponse(503, 'SERVER_STOPPING: the server is shutting down and starts nothing new; ask again once it is back')
  @ApiIdParam('sync')
  async approve(@Param() { id }: IdParamDto, @CurrentViewer() viewer: Viewer): Promise<SyncSummary> {
    // in a worker thread: applying a term's rollover appends millions of events; answered as GET /syncs/:id shows it to this role
    return (await this.shown([await this.runner.approve(id, viewer.name)], viewer))[0]!;
  }

  @Post(':id/discard')
  @ApiBodyProblems()
  @HttpCode(200)
  @Roles('admin', 'engineer')
  @ApiOperation({ summary: 'Drop a held sync; nothing is applied (by = the API key holder)' })
  @ApiOkResponse({ type: SyncSummarySchema })
  @ApiProblemResponse(404, 'SYNC_NOT_FOUND: no such sync')
  @ApiProblemResponse(409, 'SYNC_NOT_HELD; SYNC_ALREADY_RUNNING while an approval of it, or a sync of its district, runs')
  @ApiProblemResponse(500, 'recording the discard failed (the ledger could not be written: a full disk, say), by its own code and what failed; INTERNAL_ERROR for an error not raised on purpose')
  @ApiIdParam('sync')
  async discard(@Param() { id }: IdParamDto, @CurrentViewer() viewer: Viewer): Promise<SyncSummary> {
    const discarded = await this.commands.execute<DiscardSyncCommand, SyncSummary>(new DiscardSyncCommand(id, viewer.name, 'api'));
    // a decision is said on the log, as an approval is
    this.logger.log(`held sync ${id} of district ${discarded.districtId ?? '-'} discarded by ${viewer.name}: nothing applied`);
    return (await this.shown([discarded], viewer))[0]!;
  }
}

interface SyncProgressView {
  phase: 'reading' | 'writing';
  records: number;
  updatedAt: string;
}

function progressView(sync: BackgroundSync): SyncProgressView {
  return { phase: sync.progress?.phase ?? 'reading', records: sync.progress?.records ?? 0, updatedAt: sync.progressAt ?? sync.startedAt };
}

/**
 * A sync this server started but has not recorded yet, as its summary will begin: folded by the
 * domain from the SyncStarted it is about to record, so it has every field a recorded one has.
 */
function startingSummary(sync: BackgroundSync): SyncSummary {
  return summarizeSync([
    {
      type: 'SyncStarted',
      data: {
        syncId: sync.syncId,
        districtId: sync.districtId,
        // an events sync that falls back to a full sync is recorded as clever-api
        source: sync.mode === 'events' ? 'clever-events' : 'clever-api',
        origin: `district ${sync.districtId} (starting)`,
        startedAt: sync.startedAt,
        requestedBy: sync.requestedBy,
        requestedVia: sync.requestedVia,
      },
    },
  ])!;
}
