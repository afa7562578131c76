import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { InvalidInput } from '@roster-ledger/domain';
import { studentsNamedInSyncEvents } from '@roster-ledger/clever';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { AUDIT_READERS, GetAuditFeedQuery, type LoggedChange, type Page, type Viewer } from '@roster-ledger/ledger';
import type { Response } from 'express';
import { CurrentViewer } from '../auth/current-viewer.decorator';
import { Roles } from '../auth/roles.decorator';
import { AuditExportChangeSchema, AuditPageSchema } from '../common/change.schema';
import { IdParamDto } from '../common/id-param.dto';
import { ApiProblemResponse } from '../openapi/problem-response.decorator';
import { AuditExportQueryDto } from './audit-export-query.dto';
import { AuditExporter } from './audit-exporter';
import { AuditQueryDto } from './audit-query.dto';
import { changeForViewer } from '../syncs/sync-for-viewer';
import { ApiIdParam } from '../openapi/id-param.decorator';

/** Compliance's feed of a district: who was added, removed, changed, when, by which sync, before and after. */
@ApiTags('audit')
@Controller('districts/:id/audit')
@Roles(...AUDIT_READERS)
export class AuditController {
  constructor(
    private readonly queries: QueryBus,
    private readonly exporter: AuditExporter,
  ) {}

  @Get()
  @ApiOperation({ summary: "A district's audit feed, filtered, a page at a time in log order (pass `next` as `after`)" })
  @ApiOkResponse({ type: AuditPageSchema })
  @ApiProblemResponse(400, 'INVALID_REQUEST: an unknown type, event types that can never be of the `recordTypes` asked for, a bad date, or a range that holds no moment (`from` not before `to`; a date-only `to` includes its whole day), or an `after` past the end of the log (a position of another ledger, say)')
  @ApiProblemResponse(404, 'NOT_FOUND: the ledger has never recorded this district, or (in it) the `sync` or `school` filtered on')
  @ApiIdParam('district')
  async feed(@Param() { id }: IdParamDto, @Query() query: AuditQueryDto, @CurrentViewer() viewer: Viewer): Promise<Page<LoggedChange>> {
    const page = await this.queries.execute<GetAuditFeedQuery, Page<LoggedChange>>(
      // the students a sync event's findings name beside a personal field: logged with the rest the page shows
      new GetAuditFeedQuery(query.toFilter(id), viewer, { after: query.after, limit: query.limit }, studentsNamedInSyncEvents),
    );
    return { ...page, items: page.items.map((change) => changeForViewer(change, viewer)) };
  }

  @Get('export')
  @ApiOperation({
    summary: 'The whole filtered feed as a download, streamed',
    description:
      'The same export as `roster-ledger audit export`. CSV columns: position, observed_at, recorded_at, clever_last_modified, sync_id, ' +
      'record_type, type, stream_id, data (the event data as JSON, redacted for the role), last_known (on a removal: the record as it stood ' +
      'just before; on a share again: as it stood when removed; as JSON, redacted for the role; empty on other changes), sync_requested_by (who asked for the sync that recorded it), ' +
      'sync_approved_by (who approved that sync, when the mass-change guard held it; empty otherwise), ' +
      'source (clever-api, clever-events, snapshot or sftp-csv: where the sync read it), clever_event_id (the Clever event an events sync recorded it from; empty otherwise). ' +
      'JSON: one array of feed items, each with `syncRequestedBy` and `syncApprovedBy`.',
  })
  // each format its own media type and schema (ApiProduces would declare every answer in both, the problems too)
  @ApiExtraModels(AuditExportChangeSchema)
  @ApiOkResponse({
    description: 'an attachment: audit-<district>-<date>.csv (format=csv, the default) or .json (format=json)',
    headers: { 'Content-Disposition': { description: 'attachment; filename="audit-<district>-<date>.<format>"', schema: { type: 'string' } } },
    content: {
      'text/csv': { schema: { type: 'string', description: 'format=csv: a header line, then one line per change' } },
      'application/json': { schema: { type: 'array', description: 'format=json: every change of the feed', items: { $ref: getSchemaPath(AuditExportChangeSchema) } } },
    },
  })
  @ApiProblemResponse(400, 'as for the feed; nothing is sent but the problem')
  @ApiProblemResponse(404, 'NOT_FOUND: the ledger has never recorded this district, or (in it) the `sync` or `school` filtered on')
  @ApiIdParam('district')
  async export(@Param() { id }: IdParamDto, @Query() query: AuditExportQueryDto, @CurrentViewer() viewer: Viewer, @Res() response: Response): Promise<void> {
    const day = new Date().toISOString().slice(0, 10);
    if (query.bom === 'true' && query.format === 'json') throw new InvalidInput('bom is for a CSV export (for Excel): JSON has none', { field: 'bom' });
    await this.exporter.export(query.toFilter(id), viewer, query.format, response, `audit-${id}-${day}`, { after: query.after, bom: query.bom === 'true' });
  }
}
