import type { QueryBus } from '@nestjs/cqrs';
import type { SyncSummary } from '@roster-ledger/domain';
import type { Viewer } from '../access/viewer';
import { SyncNotFound } from '../errors/ledger-errors';
import type { AuditFilter, LoggedChange, Page } from '../ports/read-models.port';
import { GetSyncQuery } from './get-sync.query';
import { GetAuditFeedQuery } from './read-queries';
import { terminalSafeJson } from './terminal-safe-json';

export type AuditExportFormat = 'csv' | 'json';

/**
 * The CSV's columns. Those added later come after the others, so that the columns of exports made
 * before them stay where they were. `last_known`: on a removal, the record as it stood just
 * before, and on a share again, as it stood when it was removed (see LoggedChange.lastKnown), as
 * JSON; empty on any other change. `sync_requested_by` and `sync_approved_by`: see
 * ExportedChange. `source` and `clever_event_id`: see LoggedChange (where a change came from,
 * down to the Clever event an events sync recorded it from).
 */
const CSV_COLUMNS = [
  'position',
  'observed_at',
  'recorded_at',
  'clever_last_modified',
  'sync_id',
  'record_type',
  'type',
  'stream_id',
  'data',
  'last_known',
  'sync_requested_by',
  'sync_approved_by',
  'source',
  'clever_event_id',
];

/**
 * A change as the export writes it: the people behind its sync beside it, so that the file
 * compliance hands on answers who ran the sync that recorded a change and, for a sync the
 * mass-change guard held, who approved it, without a second look-up per sync.
 */
export type ExportedChange = LoggedChange & {
  /** Who asked for the sync that recorded it (a CLI user, an API key's holder, the schedule); null for a change of no sync. */
  syncRequestedBy: string | null;
  /** Who approved it, when the mass-change guard held it; null otherwise. */
  syncApprovedBy: string | null;
};

/**
 * A text a spreadsheet would run as a formula when the CSV is opened (OWASP's list of leading
 * characters), quoted or not. Every cell the export writes starts with a digit, a letter or `{`
 * but text a person gave as it came (the name given to `syncs approve --by`, an API key's name):
 * such a cell gets a `'` in front, which spreadsheets show as text.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/** A cell: text as it is, a value (the event data, last_known) as terminal-safe JSON, as the JSON export writes it. */
function csvCell(value: unknown): string {
  const raw = value === null || value === undefined ? '' : typeof value === 'string' ? value : terminalSafeJson(value);
  const text = FORMULA_START.test(raw) ? `'${raw}` : raw;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csvLine(c: ExportedChange): string {
  return [c.position, c.observedAt, c.recordedAt, c.cleverLastModified, c.syncId, c.recordType, c.type, c.streamId, c.data, c.lastKnown, c.syncRequestedBy, c.syncApprovedBy, c.source, c.cleverEventId]
    .map(csvCell)
    .join(',');
}

/** The people behind each sync, looked up once per sync of the export (an export holds few syncs and many changes). */
function syncPeople(queries: QueryBus): (change: LoggedChange) => Promise<ExportedChange> {
  const known = new Map<string, Promise<Pick<ExportedChange, 'syncRequestedBy' | 'syncApprovedBy'>>>();
  const peopleOf = (syncId: string) =>
    queries.execute<GetSyncQuery, SyncSummary>(new GetSyncQuery(syncId)).then(
      (sync) => ({ syncRequestedBy: sync.requestedBy, syncApprovedBy: sync.approvedBy }),
      (error: unknown) => {
        // the syncs read model not caught up with the audit's: the change still goes out
        if (error instanceof SyncNotFound) return { syncRequestedBy: null, syncApprovedBy: null };
        throw error;
      },
    );
  return async (change) => {
    if (change.syncId === null) return { ...change, syncRequestedBy: null, syncApprovedBy: null };
    let people = known.get(change.syncId);
    if (people === undefined) known.set(change.syncId, (people = peopleOf(change.syncId)));
    return { ...change, ...(await people) };
  };
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
  /** Each change as the reader is to see it, beyond the query's redaction (the API cuts server paths). */
  shown?: (change: LoggedChange) => LoggedChange;
  /**
   * Told of each page's changes before they are written, and awaited: what a caller reports of
   * the export when it ends, or writes to the access log beyond what the query does (before the
   * page leaves, as the query logs its own reads: a reader that stops mid-page has seen some).
   */
  onPage?: (changes: readonly LoggedChange[]) => void | Promise<void>;
  /** The students a page's sync events name beside a personal field, as GetAuditFeedQuery takes them. */
  namedInFindings?: (changes: readonly LoggedChange[]) => string[];
  /**
   * A CSV starts with a UTF-8 byte order mark: Excel, opening a CSV without one, reads it in the
   * machine's legacy code page, and every accented name comes out garbled (`PeÃ±a`). Off by
   * default: other readers of CSV take the mark for part of the first column's name.
   */
  bom?: boolean;
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
  { pageSize = 1_000, after, shown = (change) => change, onPage, namedInFindings, bom = false }: AuditExportOptions = {},
): AsyncGenerator<string> {
  const withPeople = syncPeople(queries);
  const pageAfter = async (after: number | undefined, first = false): Promise<Page<ExportedChange>> => {
    const page = await queries.execute<GetAuditFeedQuery, Page<LoggedChange>>(new GetAuditFeedQuery(filter, viewer, { after, limit: pageSize, first }, namedInFindings));
    return { items: await Promise.all(page.items.map((change) => withPeople(shown(change)))), next: page.next };
  };
  // the first page, with the people of its syncs, before the opening: an export the query refuses
  // (a reversed range, an unknown district, even when it starts after a position) writes nothing
  let page = await pageAfter(after, true);
  yield format === 'csv' ? `${bom ? '\ufeff' : ''}${CSV_COLUMNS.join(',')}\n` : '[';
  let first = true;
  for (;;) {
    if (page.items.length > 0) {
      await onPage?.(page.items);
      yield format === 'csv'
        ? page.items.map((c) => `${csvLine(c)}\n`).join('')
        : page.items.map((c, i) => `${first && i === 0 ? '\n' : ',\n'}${terminalSafeJson(c)}`).join('');
      first = false;
    }
    if (page.next === null) break;
    page = await pageAfter(Number(page.next));
  }
  if (format === 'json') yield first ? ']\n' : '\n]\n';
}
