import { InvalidInput } from '@roster-ledger/domain';
import { CLEVER_DEMO_DISTRICT_ID, CLEVER_DEMO_FOLDER, CleverStandIn } from '@roster-ledger/testing';
import { CleverSnapshotReader } from '../clever-snapshot-reader';
import type { SnapshotItem } from '../snapshot-item';
import { CleverTokenRejected } from './clever-api-errors';
import { CleverApiSnapshotReader } from './clever-api-snapshot-reader';
import type { CleverApiSnapshotOptions } from './clever-api-snapshot-reader';
import { collect, failure, renderings, TOKEN, useStandIn } from './spec-support/stand-in-client';

/** What the ledger takes from an item, without where it was read. */
const content = (item: SnapshotItem) =>
  item.type === 'record'
    ? { type: item.type, record: item.record, unknownValues: item.unknownValues, id: item.origin.recordId }
    : { type: item.type, reason: 'reason' in item ? item.reason : item.type, id: item.origin.recordId };

describe('CleverApiSnapshotReader', () => {
  const ctx = useStandIn(() => new CleverStandIn({ token: TOKEN }));
  const reader = (options: CleverApiSnapshotOptions = {}) =>
    new CleverApiSnapshotReader({ baseUrl: ctx.baseUrl, now: ctx.time.now, sleep: ctx.time.sleep, random: ctx.time.random, ...options });
  const demo = { districtId: CLEVER_DEMO_DISTRICT_ID, token: TOKEN };

  it('reads the demo district through the API exactly as from the fixture folder', async () => {
    const fromFiles = await collect((await new CleverSnapshotReader().open(CLEVER_DEMO_FOLDER)).items());
    const source = await reader().open(demo);
    const fromApi = await collect(source.items());
    expect(fromApi).toHaveLength(fromFiles.length);
    expect(fromApi.map(content)).toEqual(fromFiles.map(content));
    expect(fromFiles.length).toBe(1 + 2098 + 378);
    expect(source.kinds).toEqual(['district', 'school', 'term', 'course', 'user', 'section']);
    expect(source.progress()).toEqual({ done: fromApi.length, total: fromApi.length });
    // One request to check the district, then one page per resource.
    expect(ctx.standIn.requests.map((r) => r.path.replace(/\?.*/, ''))).toEqual([
      '/v3.0/districts',
      ...['districts', 'schools', 'terms', 'courses', 'users', 'sections'].map((resource) => `/v3.0/${resource}`),
    ]);
  });

  it("gives each student without the keys of Clever's scoped fields (the demo's have none) those fields as not covered, apart from the version's", async () => {
    const items = await collect((await reader({ version: 'v3.1' }).open(demo)).items());
    const students = items.filter((item) => item.type === 'record' && item.record.kind === 'user' && 'student' in item.record.roles);
    const teachers = items.filter((item) => item.type === 'record' && item.record.kind === 'user' && !('student' in item.record.roles));
    expect(students).toHaveLength(1004);
    for (const item of students) expect(item.type === 'record' && Object.keys(item.partial?.fields?.student ?? {})).toEqual(['ell_status', 'frl_status', 'home_language', 'home_language_code', 'iep_status']);
    expect(teachers.filter((item) => item.type === 'record' && item.partial !== undefined)).toEqual([]);
  });

  it('names the API, version and district in origin and source, never the token', async () => {
    const source = await reader({ version: 'v3.1' }).open(demo);
    expect(source.source).toBe('clever-api');
    expect(source.origin).toBe(`${ctx.baseUrl}/v3.1 district ${CLEVER_DEMO_DISTRICT_ID}`);
    for (const text of renderings(source)) expect(text).not.toContain(TOKEN);
  });

  it('given page limit 500, it follows every next link of the 2,098 users', async () => {
    const source = await reader({ pageLimit: 500 }).open(demo);
    const items = await collect(source.items());
    const userPages = ctx.standIn.requests.filter((r) => r.path.startsWith('/v3.0/users'));
    expect(userPages.map((r) => r.path.replace(/starting_after=\w+/, 'starting_after=…'))).toEqual([
      '/v3.0/users?limit=500',
      ...Array(4).fill('/v3.0/users?limit=500&starting_after=…'),
    ]);
    expect(items.filter((item) => item.origin.file?.startsWith('users page '))).toHaveLength(2098);
    const last = items.filter((item) => item.origin.file?.startsWith('users page ')).at(-1)!;
    expect(last.origin).toMatchObject({ file: `users page ${ctx.baseUrl}${userPages.at(-1)!.path}`, record: 97 });
  });

  it('reports progress as records read, against the expected count', async () => {
    const source = await reader({ expectedRecords: 3000 }).open(demo);
    const seen: { done: number; total: number }[] = [];
    let n = 0;
    for await (const _ of source.items()) if (++n % 1000 === 0) seen.push(source.progress());
    expect(seen).toEqual([
      { done: 1000, total: 3000 },
      { done: 2000, total: 3000 },
    ]);
    expect(source.progress()).toEqual({ done: 2477, total: 2477 });
  });

  it('opens a district id through tokenFor, so it fits the SnapshotReader port', async () => {
    const asked: string[] = [];
    const source = await reader({ tokenFor: (id) => (asked.push(id), TOKEN) }).open(CLEVER_DEMO_DISTRICT_ID);
    expect(asked).toEqual([CLEVER_DEMO_DISTRICT_ID]);
    expect(source.origin).toBe(`${ctx.baseUrl}/v3.0 district ${CLEVER_DEMO_DISTRICT_ID}`);
    await expect(reader().open(CLEVER_DEMO_DISTRICT_ID)).rejects.toThrow(InvalidInput);
  });

  it('given a rejected token, open fails with CleverTokenRejected', async () => {
    await expect(reader().open({ ...demo, token: 'revoked-token-000000' })).rejects.toThrow(CleverTokenRejected);
  });

  it("given a token that sees another district, open fails: one district's data never lands in another's ledger", async () => {
    const error = await failure(() => reader().open({ ...demo, districtId: '000000000000000000000001' }));
    expect(error).toBeInstanceOf(InvalidInput);
    expect(error.message).toBe(
      `${ctx.baseUrl}/v3.0 district 000000000000000000000001: the token does not give access to district 000000000000000000000001 (it sees district ${CLEVER_DEMO_DISTRICT_ID})`,
    );
  });

  it('given a record of the wrong type, it is InvalidInput naming the resource, the page URL, the record and the field', async () => {
    ctx.standIn.setRecords('schools', [
      { id: 's1', district: CLEVER_DEMO_DISTRICT_ID, name: 'One' },
      { id: 's2', district: CLEVER_DEMO_DISTRICT_ID, name: 42 },
    ]);
    const source = await reader().open(demo);
    const error = await failure(() => collect(source.items()));
    expect(error).toBeInstanceOf(InvalidInput);
    expect((error as InvalidInput).at).toMatchObject({ file: `schools page ${ctx.baseUrl}/v3.0/schools?limit=10000`, record: 1, recordId: 's2', field: 'name' });
    expect(error.message).toMatch(new RegExp(`^schools page ${ctx.baseUrl}/v3\\.0/schools\\?limit=10000, record #2, id s2, field name: `));
    expect(error.message).not.toContain(TOKEN);
  });

  it('given an id read twice, it is InvalidInput naming where it was read first', async () => {
    const school = { id: 's1', district: CLEVER_DEMO_DISTRICT_ID, name: 'One' };
    ctx.standIn.setRecords('schools', [school, { ...school }]);
    const error = await failure(async () => collect((await reader().open(demo)).items()));
    const page = `${ctx.baseUrl}/v3.0/schools?limit=10000`;
    expect(error.message).toBe(`schools page ${page}, record #2, id s1, field id: duplicate id: s1 was already read from schools, at page ${page}, record #1`);
  });

  it('yields a term that ends before it starts as such, after the term, recorded as given', async () => {
    ctx.standIn.setRecords('terms', [{ id: 't1', district: CLEVER_DEMO_DISTRICT_ID, name: 'Fall', start_date: '2029-08-01', end_date: '1930-06-01' }]);
    const items = await collect((await reader().open(demo)).items());
    const at = items.findIndex((item) => item.type === 'record' && item.record.id === 't1');
    expect(items[at]).toMatchObject({ record: { fields: { start_date: '2029-08-01', end_date: '1930-06-01' } } });
    expect(items[at + 1]).toEqual({ type: 'endsBeforeStart', kind: 'term', origin: { file: `terms page ${ctx.baseUrl}/v3.0/terms?limit=10000`, record: 0, recordId: 't1' } });
    expect(items.filter((item) => item.type === 'endsBeforeStart')).toHaveLength(1);
  });

  it('yields a section whose name is empty as unnamed, after the section, recorded without a name', async () => {
    ctx.standIn.setRecords('sections', [{ id: 'sec1', district: CLEVER_DEMO_DISTRICT_ID, name: '', school: 's1', students: [], teachers: [] }]);
    const items = await collect((await reader().open(demo)).items());
    const at = items.findIndex((item) => item.type === 'record' && item.record.id === 'sec1');
    expect(items[at]).not.toHaveProperty('record.fields.name');
    expect(items[at + 1]).toEqual({ type: 'unnamed', kind: 'section', origin: { file: `sections page ${ctx.baseUrl}/v3.0/sections?limit=10000`, record: 0, recordId: 'sec1' } });
    expect(items.filter((item) => item.type === 'unnamed')).toHaveLength(1);
  });

  it('given a record of another district, it is InvalidInput', async () => {
    ctx.standIn.setRecords('terms', [{ id: 't1', district: 'another', name: 'Fall' }]);
    const error = await failure(async () => collect((await reader().open(demo)).items()));
    expect(error.message).toMatch(/terms page .*, record #1, id t1, field district: the record belongs to district another, not 5a0c91b95c7cc000010d417c$/);
  });
});
