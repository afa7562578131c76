import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLEVER_DEMO_FOLDER } from '@roster-ledger/testing';
import { pendingChangeSets } from './support/crash-ledger';
import { generateSnapshots } from './support/crash-snapshot';
import { cli, cliJson, readLog, scratch } from './support/ledger-cli';

/**
 * Bad input changes nothing: each broken snapshot fails with a message naming the file, the
 * record and the rule; the sync is recorded as failed; every other stream is as it was.
 */
describe('broken snapshots (end to end)', () => {
  const tmp = scratch('bad-input');
  const db = tmp.path('ledger.db');
  afterAll(() => tmp.cleanup());

  beforeAll(() => {
    expect(cli(['import', CLEVER_DEMO_FOLDER, '--db', db]).status).toBe(0);
  });

  /** A demo copy whose `fileName` is rewritten by `edit` (text in, text or bytes out). */
  function brokenFile(name: string, fileName: string, edit: (text: string) => string | Buffer): string {
    const folder = tmp.demoCopy(name);
    const file = join(folder, fileName);
    writeFileSync(file, edit(readFileSync(file, 'utf8')));
    return folder;
  }
  /** A demo copy whose users.json is rewritten by `edit` (text in, text or bytes out). */
  const brokenUsers = (name: string, edit: (text: string) => string | Buffer): string => brokenFile(name, 'users.json', edit);
  /** The list envelope of a demo file turned into `{"links": [...], "data": <what pick takes from its items>}`. */
  const singleEnvelope = (pick: (items: any[]) => unknown) => (text: string) => {
    const doc = JSON.parse(text);
    return JSON.stringify({ links: doc.links, data: pick(doc.data) });
  };
  /** users.json with one byte of a student's first name replaced by a byte that is not UTF-8. */
  function latin1Name(text: string): Buffer {
    const doc = JSON.parse(text);
    const student = firstStudent(doc.data);
    student.name.first = `${student.name.first}\u00e9`;
    const bytes = Buffer.from(JSON.stringify(doc));
    // "é" is C3 A9 in UTF-8 and E9 in Latin-1
    const at = bytes.indexOf(Buffer.from(`${student.name.first}"`));
    const e = bytes.indexOf(Buffer.from([0xc3, 0xa9]), at);
    return Buffer.concat([bytes.subarray(0, e), Buffer.from([0xe9]), bytes.subarray(e + 2)]);
  }
  /** A demo copy whose users.json records are edited as objects. */
  function editUsers(name: string, edit: (users: any[]) => void): string {
    return brokenUsers(name, (text) => {
      const doc = JSON.parse(text);
      edit(doc.data);
      return JSON.stringify(doc);
    });
  }
  const firstStudent = (users: any[]) => users.find((u) => u.data.roles.student).data;

  const cases: [string, () => string, RegExp][] = [
    ['truncated JSON', () => brokenUsers('truncated', (t) => t.slice(0, Math.floor(t.length / 2))), /users\.json.*(end|truncated|incomplete)/i],
    ['a wrong envelope', () => brokenUsers('envelope', (t) => JSON.stringify({ users: JSON.parse(t).data })), /users\.json.*expected a JSON array of records or a Clever envelope/],
    [
      'an envelope whose "data" is one record, not an array',
      () => brokenFile('single-section', 'sections.json', singleEnvelope((items) => items[0].data)),
      /sections\.json, line 1: .*the envelope's "data" must be an array of records, got an object/,
    ],
    [
      'an envelope whose "data" is one envelope item, not an array',
      () => brokenUsers('single-item', singleEnvelope((items) => items[0])),
      /users\.json, line 1: .*the envelope's "data" must be an array of records, got an object/,
    ],
    ['a record without an id', () => editUsers('no-id', (u) => delete firstStudent(u).id), /users\.json.*record #\d+.*no id/i],
    [
      'two different records with one id',
      () => editUsers('dup', (u) => u.push({ ...structuredClone(u.find((x: any) => x.data.roles.student)), uri: '/v3.0/users/again' })),
      /users\.json.*duplicate id: records #\d+ and #\d+ both have id [0-9a-f]{24} and their bytes differ/,
    ],
    ['a wrong type', () => editUsers('type', (u) => (firstStudent(u).name.first = 42)), /users\.json.*name\.first.*string/],
    [
      'a section without its students list, which would unenroll the class',
      () => brokenFile('no-students', 'sections.json', (t) => {
        const doc = JSON.parse(t);
        delete doc.data[3].data.students;
        return JSON.stringify(doc);
      }),
      /sections\.json, line 1, record #4, id [0-9a-f]{24}, field students: record has no students list/,
    ],
    ['a user whose name is null', () => editUsers('null-name', (u) => (firstStudent(u).name = null)), /users\.json, line 1, record #\d+, id [0-9a-f]{24}, field name: record has no name/],
    ['an empty file', () => brokenUsers('empty', () => ''), /users\.json.*empty/i],
    ['a 5 MB string', () => editUsers('huge', (u) => (firstStudent(u).name.last = 'x'.repeat(5 * 1024 * 1024))), /users\.json.*record #1.*name\.last.*too long.*limit is 65,536/],
    [
      'non-UTF-8 bytes',
      () => brokenUsers('not-utf8', (t) => Buffer.concat([Buffer.from(t.slice(0, 5000)), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from(t.slice(5000))])),
      /users\.json, line 1, record #\d+, id [0-9a-f]{24}(, field [^:]+)?: file is not valid UTF-8: byte 0xFF at byte offset 5000 /,
    ],
    [
      'a Latin-1 "é" in a name',
      () => brokenUsers('latin1', latin1Name),
      /users\.json, line 1, record #\d+, id [0-9a-f]{24}, field name\.first: file is not valid UTF-8: byte 0xE9 at byte offset \d+ is not UTF-8 text/,
    ],
    [
      'a districts.json without the district the other files belong to',
      () => brokenFile('districts-empty', 'districts.json', (t) => JSON.stringify({ ...JSON.parse(t), data: [] })),
      /users\.json, line 1, record #1, id [0-9a-f]{24}, field district: district 5a0c91b95c7cc000010d417c is not in districts\.json \(it lists no district\)/,
    ],
    [
      'a districts.json that names another district than the records do',
      () => brokenFile('districts-other', 'districts.json', (t) => t.replaceAll('5a0c91b95c7cc000010d417c', '5a0c91b95c7cc000010dffff')),
      // the snapshot says whose it is in districts.json: the sync is of that district, and the first
      // record of another fails it, saying where the sync's district came from
      /users\.json, line \d+, record #1, id [0-9a-f]{24}, field district: record belongs to district 5a0c91b95c7cc000010d417c, but this sync is for district 5a0c91b95c7cc000010dffff \(taken from the first record read, \S*districts\.json, line \d+, record #1, id 5a0c91b95c7cc000010dffff\): the snapshot's files name two districts/,
    ],
    ['a record of another district', () => editUsers('district', (u) => (firstStudent(u).district = '000000000000000000000000')), /users\.json.*district 000000000000000000000000/],
    [
      // JSON.parse keeps the second: the record would be shared under an id no one sent, and the student of the first removed
      'a record holding its id twice',
      () => brokenUsers('id-twice', (t) => {
        const id = firstStudent(JSON.parse(t).data).id as string;
        return t.replace(`"id":"${id}"`, `"id":"${id}","id":"6a00000000000000000000ff"`);
      }),
      /users\.json, line 1, record #\d+, id [0-9a-f]{24}, field id: the record holds the key "id" twice: a JSON reader keeps the second and drops the first/,
    ],
  ];

  it.each(cases)('rejects %s, naming the file, the record and the rule, and changes nothing else', async (_, make, message) => {
    const folder = make();
    const before = await readLog(db);
    const result = cli(['import', folder, '--db', db]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toContain('Nothing was applied');

    const after = await readLog(db);
    expect(after.slice(0, before.length)).toEqual(before);
    const fresh = after.slice(before.length);
    expect(fresh.map((e) => e.type)).toEqual(['SyncStarted', 'SyncFailed']);
    expect(new Set(fresh.map((e) => e.streamId)).size).toBe(1);
    expect(fresh[1]!.data['reason']).toMatch(message);
  });

  it('folds the failed sync into the read models as a completed one is: no lag is left for an engineer to explain', async () => {
    const result = cli(['import', brokenUsers('lag', (t) => t.slice(0, Math.floor(t.length / 2))), '--db', db]);
    expect(result.status).toBe(1);
    const listed = cliJson<{ items: { name: string; position: number; head: number; lag: { events: number } }[] }>(['projections', '--json', '--db', db]);
    const head = (await readLog(db)).at(-1)!.position;
    expect(listed.body.items.map(({ name, position, lag }) => ({ name, position, lag: lag.events }))).toEqual(listed.body.items.map(({ name }) => ({ name, position: head, lag: 0 })));
    const failed = cliJson<{ items: { status: string }[] }>(['syncs', 'list', '--limit', '1', '--db', db]);
    expect(failed.body.items[0]!.status).toBe('failed');
  });

  it('leaves read models far behind the log (an import made with --skip-projections) to the next read command, rather than folding them after a failure without a word', () => {
    const behind = tmp.path('behind.db');
    expect(cli(['import', CLEVER_DEMO_FOLDER, '--db', behind, '--skip-projections']).status).toBe(0);
    expect(cli(['import', brokenUsers('lag-far', (t) => t.slice(0, Math.floor(t.length / 2))), '--db', behind]).status).toBe(1);
    const listed = cliJson<{ items: { position: number }[] }>(['projections', '--db', behind]);
    expect(listed.body.items.map((p) => p.position)).toEqual(listed.body.items.map(() => 0));
  });

  it('rejects a bad record after thousands of good ones (their events already staged), leaving nothing applied or staged', async () => {
    // a generated district whose users.json ends in a broken record: the import has diffed and
    // staged the events of thousands of records when it meets it
    const folder = tmp.path('late-bad-record');
    await generateSnapshots({ students: 6_000, seed: 'late-bad-record', base: folder });
    const file = join(folder, 'users.json');
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    doc.data.at(-1).data.name = { first: 42 };
    writeFileSync(file, JSON.stringify(doc));
    const ledger = tmp.path('late-bad-record.db');

    const result = cliJson(['import', folder, '--db', ledger]);
    expect(result.status).toBe(1);
    expect(result.body).toMatchObject({ status: 'failed', failure: { code: 'INVALID_INPUT', reason: expect.stringMatching(/users\.json.*record #\d{4,}.*name\.first/) } });
    expect((await readLog(ledger)).map((e) => e.type)).toEqual(['SyncStarted', 'SyncFailed']);
    expect(pendingChangeSets(ledger)).toEqual([]);
  }, 60_000);

  it('refuses a missing folder as a usage mistake (exit 2), recording no sync', async () => {
    const before = await readLog(db);
    const result = cliJson(['import', tmp.path('no-such-folder'), '--db', db]);
    expect(result.status).toBe(2);
    expect(result.body).toEqual({ error: { code: 'INVALID_REQUEST', message: expect.stringMatching(/no-such-folder does not exist/) } });
    expect(await readLog(db)).toEqual(before);
  });

  it('refuses the parent of a snapshot folder as a usage mistake (exit 2), creating no ledger, and names the subfolder that holds the files', () => {
    const parent = tmp.path('parent-of-snapshot');
    cpSync(CLEVER_DEMO_FOLDER, join(parent, 'monday'), { recursive: true });
    const fresh = tmp.path('never-made.db');
    const result = cliJson(['import', parent, '--db', fresh]);
    expect(result.status).toBe(2);
    expect(result.body).toEqual({
      error: { code: 'INVALID_REQUEST', message: expect.stringMatching(/parent-of-snapshot holds none of the files an import reads \(Clever API JSON: districts\.json, .*\); snapshot files are in \S+parent-of-snapshot\/monday$/) },
    });
    expect(existsSync(fresh)).toBe(false);
    // the ledger path was never made, so it is still "no ledger" to every command
    expect(cliJson(['search', 'noor', '--db', fresh]).body).toMatchObject({ error: { code: 'NO_LEDGER' } });
  });

  it('refuses an empty folder without recording a sync in an existing ledger', async () => {
    const empty = tmp.path('empty-folder');
    mkdirSync(empty);
    const before = await readLog(db);
    const result = cli(['import', empty, '--db', db]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/empty-folder holds none of the files an import reads \(Clever API JSON: .*; or an SFTP CSV upload: schools\.csv, .*\)\n/);
    expect(await readLog(db)).toEqual(before);
  });

  it('refuses a snapshot whose files hold no record, given no --district, without recording a sync of no district', async () => {
    const folder = tmp.demoCopy('no-records');
    for (const file of readdirSync(folder).filter((name) => name.endsWith('.json'))) writeFileSync(join(folder, file), JSON.stringify({ data: [] }));
    const before = await readLog(db);
    const result = cli(['import', folder, '--db', db]);
    expect({ status: result.status, stderr: result.stderr }).toEqual({
      status: 2,
      stderr: `error (DISTRICT_UNKNOWN): cannot tell which district ${folder} is for: it holds no record that names a district; give --district <id> (nothing was recorded)\n`,
    });
    expect(await readLog(db)).toEqual(before);
    expect(cliJson(['import', folder, '--db', db]).body).toEqual({ error: { code: 'DISTRICT_UNKNOWN', message: expect.stringContaining(folder) } });
    expect(await readLog(db)).toEqual(before);
    // into a --db that was not there, the refusal says the command made that file, and that it holds nothing
    const fresh = tmp.path('no-records-new.db');
    const refused = cli(['import', folder, '--db', fresh]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain(`(nothing was recorded)\n  Ledger: ${fresh}, new: nothing is recorded in it\n`);
    expect(cliJson(['import', folder, '--db', tmp.path('no-records-json.db')]).body).toMatchObject({ error: { code: 'DISTRICT_UNKNOWN' }, ledger: tmp.path('no-records-json.db'), newLedger: true });
    // the empty file it left is new to the next command too: refused again, then a district recorded into it
    expect(cli(['import', folder, '--db', fresh]).stderr).toContain(`  Ledger: ${fresh}, new: nothing is recorded in it\n`);
    const recorded = cli(['import', CLEVER_DEMO_FOLDER, '--db', fresh]);
    expect(recorded.status).toBe(0);
    expect(recorded.stdout).toContain(`  Ledger: ${fresh}, new: nothing was recorded there before this sync\n`);
  });

  it('keeps an unknown enumeration value as given and counts it, without failing', async () => {
    const folder = editUsers('enum', (u) => (firstStudent(u).roles.student.gender = 'Nonbinary'));
    const result = cliJson(['import', folder, '--db', db]);
    expect(result.status).toBe(0);
    expect(result.body).toMatchObject({ status: 'completed', unknownValues: { 'student.gender': 1 }, counts: { DemographicUpdated: 1 } });
    const log = await readLog(db);
    expect(log.find((e) => e.type === 'DemographicUpdated')?.data['personal']).toEqual({ gender: { from: expect.any(String), to: 'Nonbinary' } });
  });

  it('takes a record sent twice byte for byte once, as a users.json joined from role queries holds a teacher who is also staff', () => {
    const own = tmp.path('repeated-record.db');
    expect(cli(['import', CLEVER_DEMO_FOLDER, '--db', own]).status).toBe(0);
    const folder = editUsers('repeated', (u) => u.push(u.find((x: any) => x.data.roles.teacher)));
    const result = cliJson(['import', folder, '--db', own]);
    expect(result.status).toBe(0);
    expect(result.body).toMatchObject({ status: 'completed', appended: 0, skipped: { 'duplicate record (users.json)': 1 } });
  });

  it('treats a missing file as "not part of this snapshot", never as everything removed', () => {
    const own = tmp.path('missing-file.db');
    expect(cli(['import', CLEVER_DEMO_FOLDER, '--db', own]).status).toBe(0);
    const folder = tmp.demoCopy('no-sections');
    rmSync(join(folder, 'sections.json'));
    expect(cliJson(['import', folder, '--db', own]).body).toMatchObject({ status: 'completed', appended: 0 });
  });
});
