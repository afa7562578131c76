import type { QueryBus } from '@nestjs/cqrs';
import type { Viewer, ViewerRole } from '../access/viewer';
import type { AccessLog, AccessLogEntry, AuditFilter, LoggedChange, ReadModels } from '../ports/read-models.port';
import type { SyncSummary } from '@roster-ledger/domain';
import { SyncNotFound } from '../errors/ledger-errors';
import { exportAudit, type AuditExportFormat, type ExportedChange } from './audit-export';
import { GetSyncQuery } from './get-sync.query';
import { GetAuditFeedHandler } from './get-audit-feed.handler';

/**
 * The audit export as compliance, support and engineers get it: through the audit query (which
 * redacts by role and writes the access log), over a fake of the read models port holding a
 * student's removal and a class's, each with the version it removed.
 */
const change = (position: number, over: Partial<LoggedChange>): LoggedChange => ({
  position,
  streamId: '',
  type: '',
  syncId: 'sync-2',
  districtId: 'd1',
  observedAt: '2025-10-02T06:00:00.000Z',
  recordedAt: '2025-10-02T06:00:01.000Z',
  cleverLastModified: null,
  source: 'snapshot',
  cleverEventId: null,
  data: {},
  ...over,
});

const FEED: LoggedChange[] = [
  change(10, {
    source: 'clever-events',
    cleverEventId: '66d1f0c2e9b1d4a001234567',
    streamId: 'user-u1',
    type: 'StudentRemoved',
    recordType: 'student',
    data: { id: 'u1' },
    lastKnown: {
      record: { school: 's1', grade: '10' },
      personal: { name: { first: 'Ada', last: 'King' }, email: 'ada@example.org', sis_id: 'SIS-1', race: 'Asian', dob: '2009-01-02' },
    },
  }),
  change(11, {
    streamId: 'section-sec1',
    type: 'SectionRemoved',
    recordType: 'section',
    data: { id: 'sec1' },
    lastKnown: { record: { name: 'Algebra 1 (A)', school: 's1' }, personal: {} },
  }),
  change(12, { streamId: 'section-sec2', type: 'StudentUnenrolled', recordType: 'enrollment', data: { sectionId: 'sec2', studentId: 'u2' } }),
  // Clever's last_modified is taken as the district sent it: here, a formula
  change(13, { streamId: 'school-s9', type: 'SchoolShared', recordType: 'school', cleverLastModified: '=HYPERLINK("http://evil.example/?x","click")', data: { id: 's9' } }),
  // a sync the guard held, then approved; and one the syncs read model has not caught up with
  change(14, { streamId: 'user-u3', type: 'StudentRemoved', recordType: 'student', syncId: 'sync-3', data: { id: 'u3' } }),
  change(15, { streamId: 'user-u4', type: 'StudentRemoved', recordType: 'student', syncId: 'sync-4', data: { id: 'u4' } }),
];

/** The syncs the feed's changes name, as the syncs read model has them. */
const SYNCS: Record<string, Partial<SyncSummary>> = {
  'sync-2': { syncId: 'sync-2', requestedBy: 'cli:ops', approvedBy: null },
  'sync-3': { syncId: 'sync-3', requestedBy: 'schedule', approvedBy: 'dana (compliance lead)' },
};

function exporter(feed: LoggedChange[] = FEED) {
  const logged: AccessLogEntry[] = [];
  const models = {
    atOneMoment: (read: () => Promise<unknown>) => read(),
    audit: async (filter: AuditFilter, { after, limit }: { after?: number; limit: number }) =>
      structuredClone(feed.filter((c) => (filter.districtId === undefined || c.districtId === filter.districtId) && c.position > (after ?? 0)).slice(0, limit)),
  } as Partial<ReadModels> as ReadModels;
  const log: AccessLog = { record: async (entry) => void logged.push(entry), query: async () => ({ items: [], next: null }) };
  // the log ends at the feed's last change
  const handler = new GetAuditFeedHandler(models, log, { now: () => new Date('2025-10-03T00:00:00.000Z') }, { headPosition: async () => Math.max(...feed.map((c) => c.position)) });
  const syncLookups: string[] = [];
  const sync = async ({ syncId }: GetSyncQuery) => {
    syncLookups.push(syncId);
    if (SYNCS[syncId] === undefined) throw new SyncNotFound(syncId);
    return SYNCS[syncId];
  };
  const queries = {
    execute: (query: Parameters<GetAuditFeedHandler['execute']>[0] | GetSyncQuery) => (query instanceof GetSyncQuery ? sync(query) : handler.execute(query)),
  } as unknown as QueryBus;
  const run = async (role: ViewerRole, format: AuditExportFormat, after?: number, districtId = 'd1') => {
    const viewer: Viewer = { name: 'pat', role, via: 'cli audit export' };
    let text = '';
    // a page of two: the removals come on different pages of one export as well
    for await (const chunk of exportAudit(queries, { districtId }, viewer, format, { pageSize: 2, after })) text += chunk;
    return text;
  };
  return { run, logged, syncLookups, queries };
}

/** The cells of one CSV line (quoted cells with doubled quotes, as the export writes them). */
function cells(line: string): string[] {
  const out: string[] = [];
  for (let i = 0; i <= line.length; ) {
    if (line[i] === '"') {
      let cell = '';
      for (i++; i < line.length; i++) {
        if (line[i] === '"' && line[i + 1] === '"') (cell += '"'), i++;
        else if (line[i] === '"') break;
        else cell += line[i];
      }
      out.push(cell);
      i += 2;
    } else {
      const end = line.indexOf(',', i) === -1 ? line.length : line.indexOf(',', i);
      out.push(line.slice(i, end));
      i = end + 1;
    }
  }
  return out;
}

describe('audit export: what a removal says, to each role', () => {
  it("tells the caller of each page before it is written (a reader that stops mid-page has seen some of it), with a BOM only when asked", async () => {
    const { queries } = exporter();
    const told: number[][] = [];
    const viewer: Viewer = { name: 'pat', role: 'compliance', via: 'cli audit export' };
    const chunks = exportAudit(queries, { districtId: 'd1' }, viewer, 'csv', { pageSize: 2, bom: true, onPage: (changes) => void told.push(changes.map((c) => c.position)) });
    const header = await chunks.next();
    expect(header.value).toMatch(/^\ufeffposition,/);
    expect(told).toEqual([]);
    const page = await chunks.next();
    expect(told).toEqual([[10, 11]]);
    expect(String(page.value).split('\n')[0]).toMatch(/^10,/);
    await chunks.return(undefined);
  });

  it('exports only the changes after the position given, across pages, in both formats', async () => {
    const { run } = exporter();
    const csv = (await run('compliance', 'csv', 11)).trim().split('\n').map(cells);
    expect(csv.slice(1).map((row) => row[0])).toEqual(['12', '13', '14', '15']);
    expect((JSON.parse(await run('compliance', 'json', 10)) as LoggedChange[]).map((c) => c.position)).toEqual([11, 12, 13, 14, 15]);
    expect(JSON.parse(await run('compliance', 'json', 15))).toEqual([]);
  });

  it("refuses a position past the end of the log (another ledger's, a damaged file of positions): a nightly series would otherwise export nothing, forever, without a word", async () => {
    const { run } = exporter();
    expect(await run('compliance', 'json', 15)).toBe('[]\n');
    await expect(run('compliance', 'json', 16)).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining("16 is past the end of this ledger's log (its last position is 15)"),
    });
  });

  it('refuses a district the ledger never recorded when a position is given too, as without one: a mistyped district in a nightly export is not an empty feed', async () => {
    const { run } = exporter();
    await expect(run('compliance', 'csv', undefined, 'd-typo')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(run('compliance', 'csv', 11, 'd-typo')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // a district recorded, with nothing after the position: an empty export, no error
    expect(JSON.parse(await run('compliance', 'json', 15))).toEqual([]);
  });

  it("shows compliance, in a last_known column, the removed student's name and every personal field, and the class's name", async () => {
    const { run } = exporter();
    const [header, student, section, enrollment] = (await run('compliance', 'csv')).trim().split('\n').map(cells);
    expect(header).toEqual([
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
    ]);
    // where each change came from: the Clever event an events sync recorded the removal from
    expect([student, section].map((row) => [row![header!.indexOf('source')], row![header!.indexOf('clever_event_id')]])).toEqual([
      ['clever-events', '66d1f0c2e9b1d4a001234567'],
      ['snapshot', ''],
    ]);
    const lastKnown = (row: string[] | undefined) => JSON.parse(row![header!.indexOf('last_known')]!);
    expect(student!.slice(6, 9)).toEqual(['StudentRemoved', 'user-u1', '{"id":"u1"}']);
    expect(lastKnown(student)).toEqual(FEED[0]!.lastKnown);
    expect(lastKnown(section)).toEqual({ record: { name: 'Algebra 1 (A)', school: 's1' }, personal: {} });
    // a change that removed nothing has the column empty
    expect(enrollment![header!.indexOf('last_known')]).toBe('');
  });

  it("names beside each change who asked for its sync and, for a held sync, who approved it, looking each sync up once", async () => {
    const { run, syncLookups } = exporter();
    const [header, ...rows] = (await run('compliance', 'csv')).trim().split('\n').map(cells);
    const people = (position: string) => {
      const row = rows.find((r) => r[0] === position)!;
      return [row[header!.indexOf('sync_requested_by')], row[header!.indexOf('sync_approved_by')]];
    };
    expect(people('10')).toEqual(['cli:ops', '']);
    expect(people('14')).toEqual(['schedule', 'dana (compliance lead)']);
    // a sync the syncs read model does not hold yet: the change is exported all the same
    expect(people('15')).toEqual(['', '']);
    expect(syncLookups.sort()).toEqual(['sync-2', 'sync-3', 'sync-4']);
    const json = JSON.parse(await run('compliance', 'json')) as ExportedChange[];
    expect(json.find((c) => c.position === 14)).toMatchObject({ syncId: 'sync-3', syncRequestedBy: 'schedule', syncApprovedBy: 'dana (compliance lead)' });
    expect(json.find((c) => c.position === 10)).toMatchObject({ syncRequestedBy: 'cli:ops', syncApprovedBy: null });
  });

  it("writes nothing when the first page's syncs cannot be looked up: a refused export, not a file cut short", async () => {
    const queries = {
      execute: async (query: unknown) => {
        if (query instanceof GetSyncQuery) throw new Error('the syncs read model cannot be read');
        return { items: [change(1, { streamId: 'user-u1', type: 'StudentShared' })], next: null };
      },
    } as unknown as QueryBus;
    const chunks: string[] = [];
    const viewer: Viewer = { name: 'pat', role: 'compliance', via: 'cli audit export' };
    await expect(
      (async () => {
        for await (const chunk of exportAudit(queries, { districtId: 'd1' }, viewer, 'csv')) chunks.push(chunk);
      })(),
    ).rejects.toThrow('the syncs read model cannot be read');
    expect(chunks).toEqual([]);
  });

  it('writes a cell that a spreadsheet would run as a formula as text, with a quote in front; the JSON export as it is', async () => {
    const { run } = exporter();
    const rows = (await run('compliance', 'csv')).trim().split('\n').map(cells);
    const column = rows[0]!.indexOf('clever_last_modified');
    expect(rows.find((r) => r[0] === '13')![column]).toBe(`'=HYPERLINK("http://evil.example/?x","click")`);
    // the other cells (dates, ids, JSON) are never touched
    expect(rows.find((r) => r[0] === '10')!.slice(1, 3)).toEqual(['2025-10-02T06:00:00.000Z', '2025-10-02T06:00:01.000Z']);
    const json = JSON.parse(await run('compliance', 'json')) as LoggedChange[];
    expect(json.find((c) => c.position === 13)!.cleverLastModified).toBe('=HYPERLINK("http://evil.example/?x","click")');
  });

  it('writes the JSON export with what a terminal would act on (C1 controls, bidirectional overrides, line separators) as escapes, the same values to a JSON reader', async () => {
    const hostile = 'Lu\u009b31mcía\u007f \u202eevil\u2028Peña';
    const { run } = exporter([change(12, { streamId: 'school-s9', type: 'SchoolShared', recordType: 'school', data: { id: 's9', name: hostile } })]);
    const written = await run('compliance', 'json');
    expect(written).not.toMatch(/[\u007f-\u009f\u2028\u202e]/);
    expect(written).toContain('Lu\\u009b31mcía\\u007f \\u202eevil\\u2028Peña');
    expect((JSON.parse(written) as LoggedChange[])[0]!.data['name']).toBe(hostile);
  });

  it('leaves out what support may not see (demographics, birth date) and says so; engineers get no personal field, the class name still', async () => {
    const { run } = exporter();
    const asSupport = JSON.parse(await run('support', 'json')) as LoggedChange[];
    expect(asSupport[0]!.lastKnown).toEqual({
      record: { school: 's1', grade: '10' },
      personal: { name: { first: 'Ada', last: 'King' }, email: 'ada@example.org', sis_id: 'SIS-1' },
      personalRedacted: true,
    });
    const asEngineer = JSON.parse(await run('engineer', 'json')) as LoggedChange[];
    expect(asEngineer[0]!.lastKnown).toEqual({ record: { school: 's1', grade: '10' }, personal: {}, personalRedacted: true });
    expect(asEngineer[1]!.lastKnown).toEqual({ record: { name: 'Algebra 1 (A)', school: 's1' }, personal: {} });
    expect(asEngineer[2]).not.toHaveProperty('lastKnown');
  });

  it("writes the removed student to the access log for a role shown their data, and not for one shown none", async () => {
    const { run, logged } = exporter();
    await run('support', 'csv');
    expect(logged.map((e) => [e.role, e.studentIds])).toEqual([['support', ['u1']]]);
    await run('engineer', 'csv');
    expect(logged).toHaveLength(1);
  });
});
