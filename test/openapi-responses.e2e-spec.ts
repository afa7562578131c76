import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ViewerRole } from '@roster-ledger/ledger';
import type { SyncSummary } from '@roster-ledger/domain';
import { CatchUpProjectionsCommand, RunSyncCommand } from '@roster-ledger/ledger';
import { CLEVER_DEMO_DISTRICT_ID, CLEVER_DEMO_FOLDER, CleverStandIn, writeNextDaySnapshot, type NextDayChanges } from '@roster-ledger/testing';
import { createApiApplication } from '../apps/api/src/api-application';
import { ApiClient, TEST_KEYS, type ApiAnswer } from './support/api-client';
import { startApiTestServer, type ApiTestServer } from './support/api-test-server';
import { STAND_IN_TOKEN, standInConfig } from './support/clever-sync-runtime';
import { OpenApiResponses, type OpenApiDocument } from './support/openapi-document';

type Role = ViewerRole | null;
const ROLES: ViewerRole[] = ['admin', 'engineer', 'compliance', 'support'];
const EVERY: Role[] = [...ROLES, null];

interface Envelope {
  data: { data: Record<string, any> }[];
}
const readEnvelope = (folder: string, file: string): Envelope => JSON.parse(readFileSync(join(folder, file), 'utf8')) as Envelope;
const writeEnvelope = (folder: string, file: string, envelope: Envelope): void => writeFileSync(join(folder, file), JSON.stringify(envelope));

/**
 * Every answer the API sends is the one its OpenAPI document (`/docs-json`) declares for the path,
 * method, status and content type: real requests to every path and method of the document, as
 * each role whose answers differ, successes and refusals alike, each body checked with ajv against
 * the declared schema. A client generated from the document reads what the server sends.
 */
describe('answers as the OpenAPI document declares them (end to end)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'roster-ledger-openapi-'));
  const district = CLEVER_DEMO_DISTRICT_ID;
  let server: ApiTestServer;
  let oas: OpenApiResponses;
  let changes: NextDayChanges;
  let day1: SyncSummary;
  let day2: SyncSummary;
  let day3: SyncSummary;
  let between: string;
  /** A student removed on day 2 and shared again on day 3, and a class removed on day 3. */
  let returning: string;
  let removedClass: string;
  let held: string;
  let heldFolder: string;
  let school: string;
  let teacher: string;
  /** Each path and method of the document asked, as `GET /accounts/{id}`. */
  const asked = new Set<string>();
  /** The kinds of page answered: one with a `next`, and a last one. */
  const pages = new Set<'more' | 'last'>();

  beforeAll(async () => {
    server = await startApiTestServer(join(dir, 'ledger.db'));
    changes = writeNextDaySnapshot(CLEVER_DEMO_FOLDER, join(dir, 'next-day'));
    // day 3: the student day 2 removed is back (a share again, with what they were), a class is gone
    const third = join(dir, 'day-3');
    cpSync(join(dir, 'next-day'), third, { recursive: true });
    returning = changes.removedStudent;
    const demoUsers = readEnvelope(CLEVER_DEMO_FOLDER, 'users.json');
    const users = readEnvelope(third, 'users.json');
    users.data.push(demoUsers.data.find((u) => u.data['id'] === returning)!);
    writeEnvelope(third, 'users.json', users);
    const sections = readEnvelope(third, 'sections.json');
    const gone = sections.data.find((s) => ![changes.moved.fromSection, changes.moved.toSection, changes.teacherSwapped.section].includes(s.data['id']))!;
    removedClass = gone.data['id'];
    sections.data = sections.data.filter((s) => s !== gone);
    writeEnvelope(third, 'sections.json', sections);
    school = gone.data['school'];
    teacher = gone.data['teacher'];
    // and a day that would remove 150 students: the guard holds it
    heldFolder = join(dir, 'held');
    cpSync(third, heldFolder, { recursive: true });
    const leaving = new Set(users.data.filter((u) => u.data['roles']?.student && u.data['id'] !== returning).slice(0, 150).map((u) => u.data['id'] as string));
    writeEnvelope(heldFolder, 'users.json', { ...users, data: users.data.filter((u) => !leaving.has(u.data['id'])) });
    for (const s of sections.data) s.data['students'] = (s.data['students'] as string[]).filter((id) => !leaving.has(id));
    writeEnvelope(heldFolder, 'sections.json', sections);

    const run = (folder: string) => server.commands.execute<RunSyncCommand, SyncSummary>(new RunSyncCommand(folder, { requestedBy: 'e2e' }));
    day1 = await run(CLEVER_DEMO_FOLDER);
    day2 = await run(join(dir, 'next-day'));
    day3 = await run(third);
    const hold = await run(heldFolder);
    expect(hold.status).toBe('held');
    held = hold.syncId;
    await server.commands.execute(new CatchUpProjectionsCommand());
    between = new Date((Date.parse(day1.startedAt) + Date.parse(day2.startedAt)) / 2).toISOString();
    oas = new OpenApiResponses((await server.client.as(null).get<OpenApiDocument>('/docs-json')).body);
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  interface Ask {
    as: Role;
    method?: string;
    path: string;
    /** The status the request is there to show. */
    status: number;
    /** A JSON body, or a raw one with its content type. */
    body?: unknown;
    raw?: { contentType: string; text: string };
  }

  /** Sends a request as a role (null: no key), as the api-client does, with a raw body when asked. */
  async function send({ as, method = 'GET', path, body, raw }: Ask, client: ApiClient = server.client): Promise<ApiAnswer> {
    if (raw === undefined) return method === 'POST' ? client.as(as).post(path, body) : client.as(as).request(method, path);
    const headers: Record<string, string> = { 'Content-Type': raw.contentType };
    if (as !== null) headers['Authorization'] = `Bearer ${TEST_KEYS[as].key}`;
    const response = await fetch(`${client.base}${path}`, { method, headers, body: raw.text });
    const text = await response.text();
    const json = /json/.test(response.headers.get('content-type') ?? '') && text !== '';
    return { status: response.status, headers: response.headers, body: json ? JSON.parse(text) : text, text };
  }

  /** Asks each request in turn; what is wrong with each answer, one line each (none when all are as declared). */
  async function mismatches(asks: Ask[], client: ApiClient = server.client): Promise<string[]> {
    const found: string[] = [];
    for (const ask of asks) {
      const method = ask.method ?? 'GET';
      const answer = await send(ask, client);
      if (answer.status === 200 && typeof answer.body === 'object' && answer.body !== null && 'next' in answer.body) pages.add(answer.body.next === null ? 'last' : 'more');
      const template = oas.templateOf(ask.path);
      if (template !== null) asked.add(`${method} ${template}`);
      const request = `${method} ${ask.path} as ${ask.as ?? 'no key'}`;
      const wrong = answer.status !== ask.status ? `expected ${ask.status}` : oas.mismatch(method, ask.path, answer);
      if (wrong !== null) found.push(`${request} -> ${answer.status}: ${wrong}${answer.status !== ask.status ? ` (${answer.text.slice(0, 200)})` : ''}`);
    }
    return found;
  }

  const asEach = (roles: Role[], ask: Omit<Ask, 'as'>): Ask[] => roles.map((as) => ({ as, ...ask }));
  /** As each role: the allowed ones get `status`, the others 403, no key 401. */
  const byRole = (allowed: Role[], ask: Omit<Ask, 'as'>): Ask[] =>
    EVERY.map((as) => ({ as, ...ask, status: as === null ? 401 : allowed.includes(as) ? ask.status : 403 }));

  it('answers account searches, accounts, their timelines and classes as declared', async () => {
    const { name } = (await server.client.as('admin').get(`/accounts/${changes.addedStudent}`)).body.personal;
    expect(
      await mismatches([
        ...asEach(['admin', 'compliance', 'support'], { path: `/accounts?q=${encodeURIComponent(name.first)}&limit=1`, status: 200 }),
        ...asEach(['admin', 'compliance', 'support'], { path: `/accounts?q=${encodeURIComponent(`${name.first} ${name.last}`)}&district=${district}`, status: 200 }),
        { as: 'engineer', path: `/accounts?q=${changes.addedStudent}`, status: 200 },
        { as: 'support', path: `/accounts?q=nobody-at-all-here`, status: 200 },
        { as: 'support', path: `/accounts?q=a&limt=5`, status: 400 },
        { as: 'support', path: `/accounts?q=a&q=b`, status: 400 },
        { as: 'support', path: `/accounts?q=a&limit=0`, status: 400 },
        { as: 'support', path: `/accounts?q=a&district=000000000000000000000001`, status: 404 },
        { as: null, path: '/accounts?q=a', status: 401 },
        ...[changes.addedStudent, returning, changes.removedStudent, teacher, changes.demographicChanged.student].flatMap((id) => asEach(ROLES, { path: `/accounts/${id}`, status: 200 })),
        { as: 'support', path: '/accounts/000000000000000000000001', status: 404 },
        { as: 'support', path: `/accounts/user-${changes.addedStudent}`, status: 404 },
        { as: 'support', path: `/accounts/${removedClass}`, status: 404 },
        { as: 'support', path: `/accounts/${'x'.repeat(300)}`, status: 400 },
        { as: null, path: `/accounts/${teacher}`, status: 401 },
        ...[returning, teacher].flatMap((id) => asEach(ROLES, { path: `/accounts/${id}/timeline`, status: 200 })),
        { as: 'support', path: `/accounts/${returning}/timeline?limit=1`, status: 200 },
        { as: 'support', path: `/accounts/${returning}/timeline?after=abc`, status: 400 },
        { as: 'support', path: '/accounts/000000000000000000000001/timeline', status: 404 },
        { as: null, path: `/accounts/${returning}/timeline`, status: 401 },
        ...[changes.moved.student, teacher, returning].flatMap((id) => asEach(ROLES, { path: `/accounts/${id}/classes`, status: 200 })),
        ...asEach(ROLES, { path: `/accounts/${changes.moved.student}/classes?asOf=${between}`, status: 200 }),
        { as: 'support', path: `/accounts/${changes.addedStudent}/classes?asOf=2000-01-01`, status: 200 },
        { as: 'support', path: `/accounts/${changes.addedStudent}/classes?asOf=2999-01-01`, status: 200 },
        { as: 'support', path: `/accounts/${changes.addedStudent}/classes?asOf=yesterday`, status: 400 },
        { as: 'support', path: '/accounts/000000000000000000000001/classes', status: 404 },
        { as: null, path: `/accounts/${teacher}/classes`, status: 401 },
      ]),
    ).toEqual([]);
  });

  it('answers class searches, rosters and class and school timelines as declared', async () => {
    expect(
      await mismatches([
        ...asEach(ROLES, { path: '/classes?q=a&limit=2', status: 200 }),
        { as: 'support', path: `/classes?q=${removedClass}`, status: 200 },
        { as: 'support', path: `/classes?q=a&district=${district}`, status: 200 },
        { as: 'support', path: '/classes?q=nothing-is-called-this', status: 200 },
        { as: 'support', path: '/classes?q=a&after=nope', status: 400 },
        { as: 'support', path: '/classes?q=a&district=000000000000000000000001', status: 404 },
        { as: null, path: '/classes?q=a', status: 401 },
        ...[changes.moved.toSection, removedClass].flatMap((id) => asEach(ROLES, { path: `/classes/${id}/roster`, status: 200 })),
        ...asEach(ROLES, { path: `/classes/${changes.moved.fromSection}/roster?asOf=${between}`, status: 200 }),
        { as: 'support', path: `/classes/${removedClass}/roster?asOf=2000-01-01`, status: 200 },
        { as: 'support', path: `/classes/${removedClass}/roster?asOf=2999-12-31`, status: 200 },
        { as: 'support', path: `/classes/${removedClass}/roster?asOf=2026-02-30`, status: 400 },
        { as: 'support', path: `/classes/${changes.addedStudent}/roster`, status: 404 },
        { as: null, path: `/classes/${removedClass}/roster`, status: 401 },
        ...[changes.moved.toSection, removedClass, changes.teacherSwapped.section].flatMap((id) => asEach(ROLES, { path: `/classes/${id}/timeline`, status: 200 })),
        { as: 'support', path: `/classes/${removedClass}/timeline?limit=1`, status: 200 },
        { as: 'support', path: `/classes/${removedClass}/timeline?limit=1001`, status: 400 },
        { as: 'support', path: '/classes/000000000000000000000001/timeline', status: 404 },
        { as: null, path: `/classes/${removedClass}/timeline`, status: 401 },
        ...asEach(ROLES, { path: `/schools/${school}/timeline?limit=1000`, status: 200 }),
        { as: 'support', path: `/schools/${school}/timeline?limit=2`, status: 200 },
        { as: 'support', path: `/schools/${school}/timeline?after=`, status: 400 },
        { as: 'support', path: `/schools/${removedClass}/timeline`, status: 404 },
        { as: null, path: `/schools/${school}/timeline`, status: 401 },
        ...asEach(ROLES, { path: `/districts/${district}/timeline`, status: 200 }),
        { as: 'support', path: `/districts/${school}/timeline`, status: 404 },
        { as: null, path: `/districts/${district}/timeline`, status: 401 },
        // the demo district's files hold no terms or courses: their timelines answer 404 here (a stored log's spec reads them)
        ...['terms', 'courses'].flatMap((kind) => [
          { as: 'support' as const, path: `/${kind}/000000000000000000000001/timeline`, status: 404 },
          { as: 'support' as const, path: `/${kind}/000000000000000000000001/timeline?limit=0`, status: 400 },
          { as: null, path: `/${kind}/000000000000000000000001/timeline`, status: 401 },
        ]),
      ]),
    ).toEqual([]);
  });

  it('answers the audit feed and its export as declared', async () => {
    const feed = `/districts/${district}/audit`;
    const exported = `/districts/${district}/audit/export`;
    expect(
      await mismatches([
        ...byRole(['admin', 'compliance'], { path: `${feed}?sync=${day3.syncId}`, status: 200 }),
        ...asEach(['admin', 'compliance'], { path: `${feed}?types=StudentRemoved,StudentShared,SectionRemoved&from=${between}`, status: 200 }),
        ...asEach(['admin', 'compliance'], { path: `${feed}?recordTypes=sync&limit=1000`, status: 200 }),
        { as: 'compliance', path: `${feed}?limit=2`, status: 200 },
        { as: 'compliance', path: `${feed}?types=StudentShared&sync=${day2.syncId}&school=${school}`, status: 200 },
        { as: 'compliance', path: `${feed}?types=Nonsense`, status: 400 },
        { as: 'compliance', path: `${feed}?types=StudentShared&recordTypes=teacher`, status: 400 },
        { as: 'compliance', path: `${feed}?from=2026-12-02&to=2026-12-01`, status: 400 },
        { as: 'compliance', path: `${feed}?sync=nope`, status: 404 },
        { as: 'compliance', path: '/districts/000000000000000000000001/audit', status: 404 },
        ...byRole(['admin', 'compliance'], { path: `${exported}?format=json&from=${between}`, status: 200 }),
        { as: 'compliance', path: `${exported}?format=json&recordTypes=sync`, status: 200 },
        { as: 'compliance', path: `${exported}?format=csv&types=StudentRemoved`, status: 200 },
        { as: 'compliance', path: `${exported}?types=StudentRemoved&bom=true`, status: 200 },
        { as: 'compliance', path: `${exported}?format=json&bom=true`, status: 400 },
        { as: 'compliance', path: `${exported}?format=xml`, status: 400 },
        { as: 'compliance', path: '/districts/000000000000000000000001/audit/export', status: 404 },
      ]),
    ).toEqual([]);
  });

  it('answers the syncs, a held sync’s pending changes and the decisions on it as declared', async () => {
    const tooLarge = { contentType: 'application/json', text: JSON.stringify({ padding: 'x'.repeat(110_000) }) };
    expect(
      await mismatches([
        ...asEach(ROLES, { path: '/syncs', status: 200 }),
        { as: 'support', path: '/syncs?limit=1', status: 200 },
        { as: 'support', path: `/syncs?district=${district}&status=held`, status: 200 },
        { as: 'support', path: '/syncs?status=sleeping', status: 400 },
        { as: 'support', path: '/syncs?district=000000000000000000000001', status: 404 },
        { as: null, path: '/syncs', status: 401 },
        ...[day1.syncId, day3.syncId, held].flatMap((id) => asEach(ROLES, { path: `/syncs/${id}`, status: 200 })),
        { as: 'support', path: '/syncs/00000000-0000-4000-8000-000000000000', status: 404 },
        { as: null, path: `/syncs/${held}`, status: 401 },
        ...asEach(ROLES, { path: `/syncs/${held}/pending?limit=3`, status: 200 }),
        { as: 'support', path: `/syncs/${held}/pending?types=StudentRemoved&limit=1000`, status: 200 },
        { as: 'support', path: `/syncs/${held}/pending?types=Nonsense`, status: 400 },
        { as: 'support', path: `/syncs/${day1.syncId}/pending`, status: 409 },
        { as: 'support', path: '/syncs/00000000-0000-4000-8000-000000000000/pending', status: 404 },
        { as: null, path: `/syncs/${held}/pending`, status: 401 },
        ...['approve', 'discard'].flatMap((decision) => [
          ...byRole(['admin', 'engineer'], { method: 'POST', path: `/syncs/${day1.syncId}/${decision}`, status: 409 }),
          { as: 'admin' as Role, method: 'POST', path: `/syncs/00000000-0000-4000-8000-000000000000/${decision}`, status: 404 },
          { as: 'admin' as Role, method: 'POST', path: `/syncs/${held}/${decision}`, body: { dryRun: true }, status: 400 },
          { as: 'admin' as Role, method: 'POST', path: `/syncs/${held}/${decision}`, raw: { contentType: 'application/json', text: '{"by":' }, status: 400 },
          { as: 'admin' as Role, method: 'POST', path: `/syncs/${held}/${decision}`, raw: { contentType: 'text/plain', text: 'approve' }, status: 415 },
          { as: 'admin' as Role, method: 'POST', path: `/syncs/${held}/${decision}`, raw: tooLarge, status: 413 },
        ]),
        // a held sync discarded; the same day held again, and approved
        { as: 'engineer', method: 'POST', path: `/syncs/${held}/discard`, status: 200 },
        { as: 'support', path: `/syncs/${held}`, status: 200 },
      ]),
    ).toEqual([]);
    const again = await server.commands.execute<RunSyncCommand, SyncSummary>(new RunSyncCommand(heldFolder, { requestedBy: 'e2e' }));
    expect(again.status).toBe('held');
    expect(
      await mismatches([
        { as: 'admin', method: 'POST', path: `/syncs/${again.syncId}/approve`, status: 200 },
        ...asEach(ROLES, { path: `/syncs/${again.syncId}`, status: 200 }),
        { as: 'admin', method: 'POST', path: `/syncs/${again.syncId}/approve`, status: 409 },
      ]),
    ).toEqual([]);
  }, 60_000);

  it('answers a sync of a district as declared when the server connects none', async () => {
    const path = `/districts/${district}/syncs`;
    expect(
      await mismatches([
        ...byRole(['admin', 'engineer'], { method: 'POST', path, body: { mode: 'full' }, status: 404 }),
        { as: 'admin', method: 'POST', path, body: { mode: 'sideways' }, status: 400 },
        { as: 'admin', method: 'POST', path, body: [], status: 400 },
        { as: 'admin', method: 'POST', path, raw: { contentType: 'text/plain', text: 'full' }, status: 415 },
        { as: 'admin', method: 'POST', path, raw: { contentType: 'application/json', text: JSON.stringify({ mode: 'x'.repeat(110_000) }) }, status: 413 },
      ]),
    ).toEqual([]);
  });

  it('answers the projections, their rebuilds and verifications and the jobs as declared', async () => {
    expect(
      await mismatches([
        ...asEach(ROLES, { path: '/projections', status: 200 }),
        { as: 'support', path: '/projections?limit=1', status: 400 },
        { as: null, path: '/projections', status: 401 },
        ...byRole(['admin', 'engineer'], { method: 'POST', path: '/projections/rebuild', body: {}, status: 400 }),
        { as: 'admin', method: 'POST', path: '/projections/rebuild', body: { names: ['pupils'] }, status: 400 },
        { as: 'admin', method: 'POST', path: '/projections/rebuild', body: { names: ['accounts'], all: true }, status: 400 },
        { as: 'admin', method: 'POST', path: '/projections/rebuild', body: ['accounts'], status: 400 },
        { as: 'admin', method: 'POST', path: '/projections/rebuild', raw: { contentType: 'text/plain', text: 'accounts' }, status: 415 },
        ...byRole(['admin', 'engineer'], { method: 'POST', path: '/projections/verify', body: { names: ['pupils'] }, status: 400 }),
        { as: 'admin', method: 'POST', path: '/projections/verify', body: ['accounts'], status: 400 },
        { as: 'admin', method: 'POST', path: '/projections/verify', raw: { contentType: 'application/json', text: '[' }, status: 400 },
        ...asEach(ROLES, { path: '/projections/jobs', status: 200 }),
        { as: 'support', path: '/projections/jobs/00000000-0000-4000-8000-000000000000', status: 404 },
        { as: null, path: '/projections/jobs', status: 401 },
      ]),
    ).toEqual([]);
    // a rebuild and a verify, each while it runs, refused while the other runs, and once it ended
    for (const [path, body] of [
      ['/projections/rebuild', { names: ['lookups', 'syncs'] }],
      ['/projections/verify', undefined],
    ] as const) {
      const started = await send({ as: 'engineer', method: 'POST', path, body, status: 202 });
      const running = `/projections/jobs/${started.body.id}`;
      const found = await mismatches([
        ...asEach(ROLES, { path: running, status: 200 }),
        { as: 'admin', method: 'POST', path: '/projections/verify', status: 409 },
        ...asEach(ROLES, { path: '/projections', status: 200 }),
      ]);
      const deadline = Date.now() + 30_000;
      while ((await send({ as: 'admin', path: running, status: 200 })).body.status === 'running' && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      found.push(...(await mismatches([...asEach(ROLES, { path: running, status: 200 }), ...asEach(ROLES, { path: '/projections/jobs', status: 200 })])));
      const answer = started.status === 202 ? oas.mismatch('POST', path, started) : `expected 202, got ${started.status}: ${started.text}`;
      expect([`POST ${path}: ${answer}`, ...found]).toEqual([`POST ${path}: null`]);
      asked.add(`POST ${path}`);
    }
  }, 90_000);

  it('refuses a body that is a JSON array as such, where it took its indexes for parameters', async () => {
    const refusals = [];
    for (const path of ['/projections/rebuild', '/projections/verify', `/districts/${district}/syncs`]) {
      const { status, body } = await server.client.as('admin').post(path, ['accounts']);
      refusals.push({ path, status, code: body.code, errors: body.errors });
    }
    const refusal = { status: 400, code: 'INVALID_REQUEST', errors: [{ parameter: '(body)', problems: ["the request body is a JSON array; send a JSON object of this request's parameters"] }] };
    expect(refusals).toEqual([
      { path: '/projections/rebuild', ...refusal },
      { path: '/projections/verify', ...refusal },
      { path: `/districts/${district}/syncs`, ...refusal },
    ]);
  });

  it('answers the access log, the log seal and the health probes as declared', async () => {
    expect(
      await mismatches([
        ...byRole(['admin', 'compliance'], { path: '/access-log', status: 200 }),
        { as: 'compliance', path: `/access-log?student=${changes.addedStudent}&limit=1`, status: 200 },
        { as: 'compliance', path: `/access-log?who=${TEST_KEYS.support.name}&from=${day1.startedAt}`, status: 200 },
        { as: 'compliance', path: '/access-log?from=2026-12-02&to=2026-12-01', status: 400 },
        { as: 'compliance', path: '/access-log?student=000000000000000000000001', status: 404 },
        ...byRole(['admin', 'engineer', 'compliance'], { path: '/log/seal', status: 200 }),
        { as: 'admin', path: '/log/seal?verify=true', status: 400 },
        ...asEach(EVERY, { path: '/health/live', status: 200 }),
        ...asEach([null], { path: '/health/ready', status: 200 }),
        ...asEach([null], { path: '/health', status: 200 }),
      ]),
    ).toEqual([]);
  });

  it('answers a request for a path it does not have, or with a method its path does not take, with a problem', async () => {
    const problem = oas.component('ProblemSchema');
    const found: string[] = [];
    for (const [as, method, path, status] of [
      [null, 'GET', '/nowhere', 404],
      ['admin', 'GET', '/accounts/x/y/z', 404],
      ['admin', 'POST', '/districts/x/audit/export/more', 404],
      ['admin', 'DELETE', `/syncs/${day1.syncId}`, 405],
      ['admin', 'PUT', '/accounts', 405],
      ['engineer', 'GET', '/projections/rebuild', 405],
      [null, 'POST', '/health/ready', 405],
    ] as const) {
      const answer = await send({ as, method, path, status });
      // no operation of the document has these (an OpenAPI document lists what a path takes): the server's problem
      expect(oas.templateOf(path) === null || oas.document.paths[oas.templateOf(path)!]![method.toLowerCase()] === undefined).toBe(true);
      const wrong =
        answer.status !== status ? `expected ${status}` : !/^application\/problem\+json/.test(answer.headers.get('content-type') ?? '') ? `not a problem: ${answer.headers.get('content-type')}` : oas.errorsOf(problem, answer.body);
      if (wrong !== null) found.push(`${method} ${path} as ${as ?? 'no key'} -> ${answer.status}: ${wrong}`);
    }
    expect(found).toEqual([]);
  });

  it('answers a sync of a district it connects as declared: started, running with its progress, refused while it runs, done', async () => {
    const standIn = new CleverStandIn({ token: STAND_IN_TOKEN });
    await standIn.start();
    const app = await createApiApplication(standInConfig(join(dir, 'clever.db'), standIn.baseUrl), { logger: false });
    try {
      await app.listen(0, '127.0.0.1');
      const client = new ApiClient(`http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`);
      // slow enough to be seen running
      standIn.delay(1_500, { path: /\/v3\.0\/events/ });
      standIn.delay(1_500, { path: /\/v3\.0\/users/ });
      const path = `/districts/${district}/syncs`;
      const started = await send({ as: 'engineer', method: 'POST', path, body: { mode: 'full' }, status: 202 }, client);
      expect(started.status).toBe(202);
      const sync = `/syncs/${started.body.syncId}`;
      const found = [oas.mismatch('POST', path, started)].filter((wrong) => wrong !== null);
      found.push(
        ...(await mismatches(
          [...asEach(ROLES, { path: sync, status: 200 }), ...asEach(ROLES, { path: '/syncs', status: 200 }), { as: 'admin', method: 'POST', path, body: { mode: 'events' }, status: 409 }],
          client,
        )),
      );
      const deadline = Date.now() + 30_000;
      while ((await client.as('admin').get(sync)).body.status === 'running' && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      found.push(...(await mismatches(asEach(ROLES, { path: sync, status: 200 }), client)));
      expect(found).toEqual([]);
    } finally {
      await app.close();
      await standIn.stop();
    }
  }, 60_000);

  it('asked every path and method of the document, and had pages with a next and last pages', () => {
    expect([...pages].sort()).toEqual(['last', 'more']);
    const declared = Object.entries(oas.document.paths).flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`));
    expect(declared.filter((operation) => !asked.has(operation))).toEqual([]);
  });
});
