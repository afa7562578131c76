import type { QueryBus } from '@nestjs/cqrs';
import type { Viewer } from '../access/viewer';
import type { AuditFilter, LoggedChange, Page } from '../ports/read-models.port';
import { GetAuditFeedQuery } from './read-queries';

export type AuditExportFormat = 'csv' | 'json';

/**
 * The CSV's columns. `last_known` comes last, so that the columns of exports made before it stay
 * where they were: on a removal, the record as it stood just before, and on a share again, as it
 * stood when it was removed (see LoggedChange.lastKnown), as JSON; empty on any other change.
 */
const CSV_COLUMNS = ['position', 'observed_at', 'recorded_at', 'clever_last_modified', 'sync_id', 'record_type', 'type', 'stream_id', 'data', 'last_known'];

/**
 * A text a spreadsheet would run as a formula when the CSV is opened (OWASP's list of leading
 * characters), quoted or not. Every cell the export writes starts with a digit, a letter or `{`
 * but text taken from the district as it came (Clever's `last_modified` is not checked to be a
 * date): such a cell gets a `'` in front, which spreadsheets show as text.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

function csvCell(value: unknown): string {
  const raw = value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  const text = FORMULA_START.test(raw) ? `'${raw}` : raw;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csvLine(c: LoggedChange): string {
  return [c.position, c.observedAt, c.recordedAt, c.cleverLastModified, c.syncId, c.recordType, c.type, c.streamId, c.data, c.lastKnown].map(csvCell).join(',');
}

/** How an export reads the feed. */
export interface AuditExportOptions {
  /** Changes read at a time (default 1,000). */
  pageSize?: number;
  /**
   * Only the changes after this log position: the last `position` of the export before, so that
   * exports taken one after another hold every change once. Times cannot do that: a held sync's
   * changes are observed when it read Clever, and recorded (at positions after) when approved.
   */
  after?: number;
}

/**
 * The whole filtered audit feed as CSV lines or one JSON array, a page at a time, so an export of
 * any size streams with bounded memory. Each page goes through the audit query, so it is redacted
 * for the viewer and written to the access log like any other read.
 */
export async function* exportAudit(
  queries: QueryBus,
  filter: AuditFilter,
  viewer: Viewer,
  format: AuditExportFormat,
  { pageSize = 1_000, after }: AuditExportOptions = {},
): AsyncGenerator<string> {
  const pageAfter = (after: number | undefined, first = false) =>
    queries.execute<GetAuditFeedQuery, Page<LoggedChange>>(new GetAuditFeedQuery(filter, viewer, { after, limit: pageSize, first }));
  // the first page before the opening: an export the query refuses (a reversed range, an unknown
  // district, even when it starts after a position) writes nothing
  let page = await pageAfter(after, true);
  yield format === 'csv' ? `${CSV_COLUMNS.join(',')}\n` : '[';
  let first = true;
  for (;;) {
    if (page.items.length > 0) {
      yield format === 'csv'
        ? page.items.map((c) => `${csvLine(c)}\n`).join('')
        : page.items.map((c, i) => `${first && i === 0 ? '\n' : ',\n'}${JSON.stringify(c)}`).join('');
      first = false;
    }
    if (page.next === null) break;
    page = await pageAfter(Number(page.next));
  }
  if (format === 'json') yield first ? ']\n' : '\n]\n';
}
