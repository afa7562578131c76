import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { SectionRecord, UserRecord } from '@roster-ledger/domain';
import { CleverSnapshotReader, openSnapshotFolder } from './index';
import type { SnapshotItem } from './index';
import { DISTRICT_ID, envelope, readFailure, readItems, records, removeTempFolders, tempFolder } from './spec-support/temp-snapshot';
import { ONE_PAGE_OF_A_LIST, WRONG_LINKS } from './json-envelope-parser';
import { FINGERPRINT_VERSION } from './record-fingerprint';
import { coverageWithScopes } from './scoped-fields';
import { coverageOfVersion } from './api/version-coverage';

const DEMO = resolve(__dirname, '../../testing/fixtures/clever-demo');

afterEach(removeTempFolders);

describe('reading the Clever demo district', () => {
  let items: SnapshotItem[];
  beforeAll(async () => {
    items = await readItems(DEMO);
  });

  const users = () => records(items).filter((record): record is UserRecord => record.kind === 'user');
  const withRole = (role: keyof UserRecord['roles']) => users().filter((user) => user.roles[role] !== undefined);

  it('finds every student, teacher, district admin, section and the district, and skips the contacts', () => {
    expect(withRole('student')).toHaveLength(1004);
    expect(withRole('teacher')).toHaveLength(89);
    expect(withRole('district_admin')).toHaveLength(3);
    expect(withRole('staff')).toHaveLength(0);
    expect(items.filter((item) => item.type === 'skipped' && item.reason === 'contact')).toHaveLength(1002);
    expect(records(items).filter((record) => record.kind === 'section')).toHaveLength(378);
    expect(records(items).filter((record) => record.kind === 'district')).toHaveLength(1);
  });

  it('streams the district first, then users, then sections', () => {
    const kinds = records(items).map((record) => record.kind);
    const firstOf = (kind: string) => kinds.indexOf(kind as never);
    const lastOf = (kind: string) => kinds.lastIndexOf(kind as never);
    expect(firstOf('district')).toBe(0);
    expect(lastOf('user')).toBeLessThan(firstOf('section'));
  });

  it('splits a student into fields and personal data, with the dob as an ISO date', () => {
    const student = items.find((item) => item.type === 'record' && item.record.id === '5a25ffb0c1bc2a00360003ee');
    expect(student).toEqual({
      type: 'record',
      origin: { file: join(DEMO, 'users.json'), line: 1, record: 1, recordId: '5a25ffb0c1bc2a00360003ee' },
      unknownValues: [],
      fingerprint: expect.stringMatching(new RegExp(`^${FINGERPRINT_VERSION}i:[A-Za-z0-9+/]{43}=$`)),
      // the demo's items were answered at v3.0 (their uri says so): they give none of the v3.1
      // fields, and its students none of the scoped ones (the demo app has no such scope)
      partial: coverageWithScopes({ roles: { student: {} } }, coverageOfVersion('v3.0')),
      record: {
        kind: 'user',
        id: '5a25ffb0c1bc2a00360003ee',
        districtId: DISTRICT_ID,
        lastModified: '2021-03-02T22:24:53.349Z',
        fields: {},
        personal: { email: 'w_douglas@example.net', name: { first: 'Douglas', last: 'Wisoky', middle: 'S' } },
        roles: {
          student: {
            fields: {
              created: '2021-03-02T22:24:53.349Z',
              enrollments: [],
              grade: '9',
              school: '5a25ff950a5f621109000004',
              schools: ['5a25ff950a5f621109000004', '5a25ff950a5f621109000005'],
            },
            personal: {
              credentials: { district_username: 'douglasw58' },
              dob: '1998-06-18',
              gender: 'M',
              hispanic_ethnicity: 'N',
              location: { zip: '11004' },
              race: 'Caucasian',
              sis_id: '101565758',
              state_id: '498006597',
              student_number: '101565758',
            },
          },
        },
      },
    });
  });

  it('keeps section membership out of the fields, primary teacher first', () => {
    const section = records(items).find((record): record is SectionRecord => record.id === '5a25ffc265e950634b00017c');
    expect(section?.teachers).toEqual([
      '603ebb2ab452fb006c763989',
      '603ebb2ab452fb006c76398a',
      '603ebb2ab452fb006c76398b',
      '603ebb2ab452fb006c76398c',
    ]);
    expect(section?.students).toHaveLength(16);
    expect(section?.fields).toEqual({
      course: '5a25ff963829500a3400020f',
      created: '2017-12-05T02:09:06.567Z',
      grade: 'Kindergarten',
      name: 'Group Guidance - Greene - 0',
      period: '0',
      school: '5a25ff950a5f621109000004',
      sis_id: '581',
      subject: 'homeroom/advisory',
      term_id: '603ebb2ab452fb006c763964',
    });
  });

  it('leaves out Clever\'s own sync status of the district', () => {
    const district = records(items).find((record) => record.kind === 'district');
    expect(district?.fields).toEqual({
      launch_date: '2021-03-10',
      login_methods: ['Clever Badges', 'Clever Passwords'],
      name: '#DEMO_DISTRICT',
      portal_url: 'https://clever.com/in/demo-district95c7cc0123410d417c',
      sis_type: 'sftp',
    });
    expect(Object.keys(district?.personal ?? {})).toEqual(['district_contact']);
    expect(district?.districtId).toBe(district?.id);
  });

  it('finds no unknown enum value in Clever\'s own data', () => {
    expect(items.flatMap((item) => (item.type === 'record' ? item.unknownValues : []))).toEqual([]);
  });
});

describe('opening a snapshot folder', () => {
  it('lists only the files present, by kind, as absolute paths', async () => {
    const snapshot = await openSnapshotFolder(DEMO);
    expect(snapshot.folder).toBe(DEMO);
    expect(snapshot.files).toEqual({
      district: join(DEMO, 'districts.json'),
      user: join(DEMO, 'users.json'),
      section: join(DEMO, 'sections.json'),
    });
  });

  it('reads a file named in another case as the snapshot file (Users.json), as a case-insensitive file system would', async () => {
    const folder = await tempFolder({ 'Users.json': envelope([{ id: 'u1', district: DISTRICT_ID, name: { first: 'A', last: 'B' }, roles: { student: { schools: [] } } }]) });
    const snapshot = await openSnapshotFolder(folder);
    expect(snapshot.files).toEqual({ user: join(folder, 'Users.json') });
    expect(records(await readItems(folder)).map((record) => [record.kind, record.id])).toEqual([['user', 'u1']]);
  });

  it('reports progress in bytes', async () => {
    const snapshot = await openSnapshotFolder(DEMO);
    expect(snapshot.progress()).toEqual({ done: 0, total: 1_704_497 });
    for await (const item of snapshot.items()) void item;
    expect(snapshot.progress()).toEqual({ done: 1_704_497, total: 1_704_497 });
  });

  it('is what the ledger opens through CleverSnapshotReader', async () => {
    const source = await new CleverSnapshotReader().open(DEMO);
    expect(source).toMatchObject({ source: 'snapshot', origin: DEMO, kinds: ['district', 'user', 'section'] });
  });
});

describe('a term that ends before it starts', () => {
  it('is recorded as given, and yielded after it as ending before its start, where it was read', async () => {
    const terms = [
      { id: 't1', district: DISTRICT_ID, name: 'Fall', start_date: '2029-08-01', end_date: '2029-06-01T00:00:00.000Z' },
      { id: 't2', district: DISTRICT_ID, name: 'Spring', start_date: '2030-01-05', end_date: '2030-06-01' },
      { id: 't3', district: DISTRICT_ID, name: 'Odd', start_date: 'soon', end_date: '2030-06-01' },
    ];
    const folder = await tempFolder({ 'terms.json': JSON.stringify(terms, null, 1) });
    const items = await readItems(folder);
    expect(items.map((item) => item.type)).toEqual(['record', 'endsBeforeStart', 'record', 'record']);
    expect(items[0]).toMatchObject({ type: 'record', record: { id: 't1', fields: { start_date: '2029-08-01', end_date: '2029-06-01' } }, unknownValues: [] });
    expect(items[1]).toEqual({ type: 'endsBeforeStart', kind: 'term', origin: { file: join(folder, 'terms.json'), line: 2, record: 0, recordId: 't1' } });
  });
});

describe('a section whose name is empty', () => {
  it('is recorded without a name, and yielded after it as unnamed, where it was read', async () => {
    const sections = [
      { id: 'sec1', district: DISTRICT_ID, name: '', school: 's1', students: [], teachers: [] },
      { id: 'sec2', district: DISTRICT_ID, name: 'Math', school: 's1', students: [], teachers: [] },
    ];
    const folder = await tempFolder({ 'sections.json': JSON.stringify(sections, null, 1) });
    const items = await readItems(folder);
    expect(items.map((item) => item.type)).toEqual(['record', 'unnamed', 'record']);
    expect(items[0]).toMatchObject({ type: 'record', record: { id: 'sec1', fields: { school: 's1' } } });
    expect(items[0]).not.toHaveProperty('record.fields.name');
    expect(items[1]).toEqual({ type: 'unnamed', kind: 'section', origin: { file: join(folder, 'sections.json'), line: 2, record: 0, recordId: 'sec1' } });
  });
});

describe('the two JSON forms', () => {
  const origins = (items: SnapshotItem[]) => items.map((item) => (item.type === 'record' ? item.record : 'reason' in item ? item.reason : item.type));

  it('reads a plain array of records the same as the API envelope', async () => {
    const [users, sections] = await Promise.all(
      ['users.json', 'sections.json'].map(async (file) => JSON.parse(await readFile(join(DEMO, file), 'utf8'))),
    );
    const plain = await tempFolder({
      'users.json': JSON.stringify(users.data.map((item: { data: unknown }) => item.data)),
      'sections.json': JSON.stringify(sections.data.map((item: { data: unknown }) => item.data), null, 2),
    });
    const enveloped = await tempFolder({ 'users.json': JSON.stringify(users), 'sections.json': JSON.stringify(sections) });
    const fromPlain = await readItems(plain);
    expect(fromPlain).toHaveLength(2098 + 378);
    expect(origins(fromPlain)).toEqual(origins(await readItems(enveloped)));
  });

  it('rejects a single-object envelope {"data": {...}}: a snapshot file lists every record of its kind', async () => {
    const district = { id: DISTRICT_ID, name: 'Demo', sis_type: 'sftp' };
    const single = await tempFolder({
      'districts.json': `{"links": [{"rel": "self", "uri": "/v3.0/districts/x"}],\n "data": ${JSON.stringify(district, null, 2)}}`,
    });
    const error = await readFailure(single);
    expect(error.message).toBe(
      `${join(single, 'districts.json')}, line 2: expected a JSON array of records or a Clever envelope {"data": [...]}; the envelope's "data" must be an array of records, got an object`,
    );
  });

  it('rejects one page of a longer list, whose links name the next page: the records on the other pages are not removed', async () => {
    const users = JSON.parse(await readFile(join(DEMO, 'users.json'), 'utf8')) as { data: { data: { id: string } }[] };
    const page = {
      data: users.data.slice(0, 1000),
      links: [
        { rel: 'self', uri: '/v3.0/users?limit=1000' },
        { rel: 'next', uri: `/v3.0/users?limit=1000&starting_after=${users.data[999]!.data.id}` },
      ],
    };
    const folder = await tempFolder({ 'users.json': JSON.stringify(page, null, 1) });
    const error = await readFailure(folder);
    const line = JSON.stringify(page, null, 1).split('\n').findIndex((text) => text.includes('"next"')) + 1;
    expect(error.message).toBe(`${join(folder, 'users.json')}, line ${line}: ${ONE_PAGE_OF_A_LIST}`);
  });

  it.each([
    ['an object', '{"rel": "next", "uri": "/v3.1/users?starting_after=x"}', ', got an object'],
    ['text', '"next"', ', got a string'],
    ['a list of text', '["next"]', ', got a string in it'],
    ['a rel of another type', '[{"rel": 5}]', ': a link\'s "rel" is text, got a number'],
  ])('rejects links given as %s, in which a next page could not be seen', async (_shape, links, got) => {
    const folder = await tempFolder({ 'users.json': `{"data": [],\n "links": ${links}}` });
    for (const options of [{}, { readOnThreadFrom: 0 }]) {
      const error = await readFailure(folder, options);
      expect(error.message).toBe(`${join(folder, 'users.json')}, line 2: ${WRONG_LINKS}${got}`);
    }
  });

  it('takes a next link in any case for one, and links that are null or name no next page for a whole list', async () => {
    const next = await tempFolder({ 'users.json': '{"data": [], "links": [{"rel": "Next", "uri": "/v3.0/users?starting_after=x"}]}' });
    expect((await readFailure(next)).message).toContain(ONE_PAGE_OF_A_LIST);
    for (const links of ['null', '[]', '[{"rel": "self", "uri": "/v3.0/users"}]']) {
      const whole = await tempFolder({ 'users.json': `{"data": [], "links": ${links}}` });
      const snapshot = await openSnapshotFolder(whole);
      for await (const _ of snapshot.items()) expect(_).toBeUndefined();
    }
  });

  it.each([
    ['on this thread', {}],
    ['on the second thread', { readOnThreadFrom: 0 }],
  ])('names a bad number inside a record, which only parsing finds, after the records before it (%s)', async (_where, options) => {
    const good = { id: 'c1', district: DISTRICT_ID, name: 'Algebra' };
    const folder = await tempFolder({ 'courses.json': `{"data": [\n{"data": ${JSON.stringify(good)}},\n{"data": {"id": "c2", "credits": 01}}\n]}` });
    const seen: string[] = [];
    const snapshot = await openSnapshotFolder(folder, options);
    const failure = await (async () => {
      for await (const item of snapshot.items()) seen.push(item.origin.recordId ?? '');
    })().catch((error: unknown) => error);
    expect(seen).toEqual(['c1']);
    expect((failure as Error).message).toBe(
      `${join(folder, 'courses.json')}, line 3: invalid JSON after record #1 (the last complete record), at byte offset 123: found a number where ',' or the end of the object or list should be`,
    );
  });

  it('numbers the lines of a pretty-printed file', async () => {
    const folder = await tempFolder({
      'courses.json': JSON.stringify(
        [
          { id: 'c1', district: DISTRICT_ID, name: 'Algebra' },
          { id: 'c2', district: DISTRICT_ID, name: 'Biology' },
        ],
        null,
        2,
      ),
    });
    const items = await readItems(folder);
    expect(items.map((item) => item.origin.line)).toEqual([2, 7]);
  });
});
