import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { join, resolve } from 'node:path';
import { cli, cliJson, readLog, scratch } from './support/ledger-cli';

const SANDBOX = resolve(__dirname, '../../shared/data/clever-sandbox-sftp-csv');
const DISTRICT = '5a0c91b95c7cc000010d417c';
const haveSandbox = existsSync(SANDBOX);
// straight to stderr: jest keeps the console output of a file whose tests are all skipped to itself
if (!haveSandbox) process.stderr.write(`skipped: the SFTP CSV end-to-end specs need ${SANDBOX} (a clone without ../shared has none)\n`);
const describeWithSandbox = haveSandbox ? describe : describe.skip;

/** Clever SFTP CSV folders through the real CLI: the demo district's real CSVs, and broken copies. */
describeWithSandbox('roster-ledger import of SFTP CSV folders (end to end)', () => {
  const tmp = scratch('csv');
  const db = tmp.path('ledger.db');
  afterAll(() => tmp.cleanup());

  it('records the real demo district CSVs as an sftp-csv sync, and a second import appends nothing', () => {
    const first = cliJson(['import', SANDBOX, '--district', DISTRICT, '--db', db]);
    expect(first.status).toBe(0);
    expect(first.body).toMatchObject({ status: 'completed', source: 'sftp-csv', counts: { SchoolShared: 3, StudentShared: 1004, TeacherShared: 89, SectionShared: 379, StudentEnrolled: 8971 } });
    const files = (first.body['contents'] as { files: { name: string }[] }).files.map((f) => f.name);
    expect(files).toEqual(expect.arrayContaining(['students.csv', 'enrollments.csv', 'sections.csv']));
    // CSV rows carry no fingerprint, so the first import's state was not checked row by row: the
    // same files are read and compared once more; that sync, which appended nothing, is then the
    // one whose files are recognised unread
    const reread = cliJson(['import', SANDBOX, '--district', DISTRICT, '--db', db]).body;
    expect(reread).toMatchObject({ status: 'completed', appended: 0, sameFilesAs: null });
    expect(first.body['settledUnder']).toBeNull();
    expect(reread['settledUnder']).toEqual(expect.any(Number));
    expect(cliJson(['import', SANDBOX, '--district', DISTRICT, '--db', db]).body).toMatchObject({ status: 'completed', appended: 0, sameFilesAs: reread['syncId'] });
  });

  it("gives each record an id under the ledger's own key, which no one without the ledger can match to a SIS id", async () => {
    const student = (await readLog(db)).find((e) => e.type === 'StudentShared')!;
    const sisId = (student.data as { personal: { sis_id: string } }).personal.sis_id;
    const key = new Database(db, { readonly: true }).prepare("SELECT value FROM ledger_keys WHERE name = 'csv-ids'").pluck().get() as Buffer;
    expect(key).toHaveLength(32);
    const digest = (hash: Hash | Hmac) => `user-sis-student-${hash.update(JSON.stringify([DISTRICT, 'student', sisId])).digest('hex').slice(0, 24)}`;
    expect(student.streamId).toBe(digest(createHmac('sha256', key)));
    expect(student.streamId).not.toBe(digest(createHash('sha256')));
  });

  it('asks for the district, since Clever CSVs never name it: a usage mistake, before any ledger is opened or sync recorded', () => {
    const result = cli(['import', SANDBOX, '--db', tmp.path('no-district.db')]);
    expect({ status: result.status, stderr: result.stderr }).toEqual({
      status: 2,
      stderr: expect.stringMatching(/^error: a CSV snapshot needs --district <id>: Clever CSV files do not name their district/),
    });
    expect(existsSync(tmp.path('no-district.db'))).toBe(false);
  });

  it('rejects a CSV missing a required column, naming file, line and column, and changes nothing else', async () => {
    const broken = tmp.path('broken');
    cpSync(SANDBOX, broken, { recursive: true });
    const file = join(broken, 'students.csv');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/^(\uFEFF?)School_id,/, '$1Skool_id,'));
    const before = await readLog(db);
    const result = cli(['import', broken, '--district', DISTRICT, '--db', db]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/students\.csv.*line 1.*School_id/);
    const after = await readLog(db);
    expect(after.slice(0, before.length)).toEqual(before);
    expect(after.slice(before.length).map((e) => e.type)).toEqual(['SyncStarted', 'SyncFailed']);
    // the header is read as the folder is opened: a sync that fails there is still one of a CSV upload
    expect(after[before.length]!.data).toMatchObject({ source: 'sftp-csv', origin: broken });
  });
});

/** Small CSV folders the specs write: they need no sample data. */
describe('roster-ledger import of a small SFTP CSV folder (end to end)', () => {
  const tmp = scratch('csv-small');
  afterAll(() => tmp.cleanup());

  const upload = (students: string[], others: Record<string, string[]> = {}) => {
    const folder = tmp.path(`upload-${Math.random().toString(36).slice(2)}`);
    mkdirSync(folder);
    const files: Record<string, string[]> = {
      'schools.csv': ['School_id,School_name', 'S1,North High'],
      'students.csv': students,
      'teachers.csv': ['School_id,Teacher_id,Last_name,First_name', 'S1,T1,Noether,Emmy'],
      'sections.csv': ['School_id,Section_id,Teacher_id,Name', 'S1,SEC1,T1,Algebra'],
      'enrollments.csv': ['School_id,Section_id,Student_id', 'S1,SEC1,100'],
      ...others,
    };
    for (const [name, lines] of Object.entries(files)) writeFileSync(join(folder, name), `${lines.join('\n')}\n`);
    return folder;
  };

  it('reads a two-digit year of birth as the latest such year not after the day of the import', async () => {
    const db = tmp.path('dob.db');
    const folder = upload(['School_id,Student_id,Last_name,First_name,DOB', 'S1,100,Lovelace,Ada,1/2/29']);
    expect(cliJson(['import', folder, '--district', 'd1', '--db', db]).body).toMatchObject({ status: 'completed', unknownValues: {} });
    const log = await readLog(db);
    const importedOn = String(log.find((e) => e.type === 'SyncStarted')?.data['startedAt']).slice(0, 10);
    const shared = log.find((e) => e.type === 'StudentShared');
    const dob = /"dob":"([^"]+)"/.exec(JSON.stringify(shared?.data))?.[1] ?? '';
    expect(dob).toMatch(/^\d\d29-01-02$/);
    expect(dob <= importedOn).toBe(true);
    expect(Number(importedOn.slice(0, 4)) - Number(dob.slice(0, 4))).toBeLessThan(100);
  });

  it('names a broken row\'s record by the id the ledger records it under, not the SIS id, and changes nothing', async () => {
    const db = tmp.path('bad-row.db');
    const folder = upload(['School_id,Student_id,Last_name,First_name', 'S1,100,Lovelace,Ada', 'S9,73519,Turing,Alan']);
    const result = cliJson<{ status: string; failure: { at: Record<string, unknown> } }>(['import', folder, '--district', 'd1', '--db', db]);
    expect(result.status).toBe(1);
    expect(result.body.status).toBe('failed');
    expect(result.body.failure.at).toMatchObject({ file: join(folder, 'students.csv'), line: 3, column: 'School_id', recordId: expect.stringMatching(/^sis-student-[0-9a-f]{24}$/) });
    expect(JSON.stringify(result.body)).not.toContain('73519');
    expect((await readLog(db)).map((e) => e.type)).toEqual(['SyncStarted', 'SyncFailed']);
  });

  it('takes a row its file repeats value for value once, and counts it by file, in text and in JSON', () => {
    const students = ['School_id,Student_id,Last_name,First_name', 'S1,100,Lovelace,Ada', 'S1,100,Lovelace,Ada'];
    const json = cliJson(['import', upload(students), '--district', 'd1', '--db', tmp.path('repeat-json.db')]);
    expect(json.body).toMatchObject({ status: 'completed', counts: { StudentShared: 1 }, skipped: { 'duplicate row (students.csv)': 1 } });
    const text = cli(['import', upload(students), '--district', 'd1', '--db', tmp.path('repeat.db')]);
    expect(text.stdout).toContain('  Skipped (read, not recorded): 1 duplicate row (students.csv)');
  });

  it('keeps an enrollment whose School_id is not its section\'s at the section\'s school, and says where it was read', async () => {
    const db = tmp.path('mismatch.db');
    const folder = upload(['School_id,Student_id,Last_name,First_name', 'S1,100,Lovelace,Ada', 'S2,101,Turing,Alan'], {
      'schools.csv': ['School_id,School_name', 'S1,North High', 'S2,South High'],
      'enrollments.csv': ['School_id,Section_id,Student_id', 'S1,SEC1,100', 'S2,SEC1,101'],
    });
    const json = cliJson<{ status: string; syncId: string; counts: Record<string, number>; mismatched: unknown; mismatchedAt: Record<string, unknown[]> }>(['import', folder, '--district', 'd1', '--db', db]);
    expect(json.body).toMatchObject({ status: 'completed', counts: { StudentEnrolled: 2 }, mismatched: { 'enrollments.csv School_id': 1 } });
    expect(json.body.mismatchedAt['enrollments.csv School_id']).toEqual([
      { file: join(folder, 'enrollments.csv'), line: 3, record: 1, recordId: expect.stringMatching(/^sis-section-[0-9a-f]{24}$/) },
    ]);
    const shown = cli(['syncs', 'show', json.body.syncId, '--db', db]).stdout;
    expect(shown).toContain('  Values that disagree with another file (recorded as the other file has them): enrollments.csv School_id 1');
    expect(shown).toMatch(/ {4}enrollments\.csv School_id at .*enrollments\.csv, line 3, record #2, id sis-section-[0-9a-f]{24}\n/);
    // both enrolled in the one section; Alan's schools are his row's and his section's, North High's
    const log = await readLog(db);
    const sectionIds = log.filter((e) => e.type === 'StudentEnrolled').map((e) => e.data['sectionId']);
    expect(new Set(sectionIds).size).toBe(1);
    const schoolsOf = (e: { data: Record<string, unknown> }) => (e.data['record'] as { schools: string[] }).schools;
    const [ada, alan] = log.filter((e) => e.type === 'StudentShared');
    expect(schoolsOf(alan!)).toEqual(expect.arrayContaining(schoolsOf(ada!)));
    expect(schoolsOf(alan!)).toHaveLength(2);
  });

  it('records a section without Name or Course_name without a name, and says where it was read', () => {
    const db = tmp.path('unnamed.db');
    const folder = upload(['School_id,Student_id,Last_name,First_name', 'S1,100,Lovelace,Ada'], {
      'sections.csv': ['School_id,Section_id,Teacher_id,Name,Course_name', 'S1,SEC1,T1,Algebra,', 'S1,SEC2,T1,,'],
    });
    const json = cliJson<{ status: string; syncId: string; unnamed: unknown; unnamedAt: Record<string, unknown[]> }>(['import', folder, '--district', 'd1', '--db', db]);
    expect(json.body).toMatchObject({ status: 'completed', unnamed: { section: 1 } });
    expect(json.body.unnamedAt['section']).toEqual([{ file: join(folder, 'sections.csv'), line: 3, record: 1, recordId: expect.stringMatching(/^sis-section-[0-9a-f]{24}$/) }]);
    const shown = cli(['syncs', 'show', json.body.syncId, '--db', db]).stdout;
    expect(shown).toContain('  Without a name (a name of "", or neither Name nor Course_name in sections.csv; recorded without one unless kept below): section 1');
    expect(shown).toMatch(/ {4}section at .*sections\.csv, line 3, record #2, id sis-section-[0-9a-f]{24}\n/);
  });

  it('records a term that ends before it starts as given, and says which and where it was read', () => {
    const db = tmp.path('ends-before-start.db');
    const folder = upload(['School_id,Student_id,Last_name,First_name', 'S1,100,Lovelace,Ada'], {
      'sections.csv': ['School_id,Section_id,Teacher_id,Name,Term_name,Term_start,Term_end', 'S1,SEC1,T1,Algebra,Fall,8/1/2029,6/1/2029'],
    });
    const json = cliJson<{ status: string; syncId: string; endsBeforeStart: unknown; endsBeforeStartAt: Record<string, unknown[]> }>(['import', folder, '--district', 'd1', '--db', db]);
    expect(json.body).toMatchObject({ status: 'completed', endsBeforeStart: { term: 1 } });
    expect(json.body.endsBeforeStartAt['term']).toEqual([{ file: join(folder, 'sections.csv'), line: 2, record: 0, recordId: expect.stringMatching(/^sis-term-[0-9a-f]{24}$/) }]);
    const shown = cli(['syncs', 'show', json.body.syncId, '--db', db]).stdout;
    expect(shown).toContain('  Ending before they start (end_date before start_date; recorded as given): term 1');
    expect(shown).toMatch(/ {4}term at .*sections\.csv, line 2, record #1, id sis-term-[0-9a-f]{24}\n/);
  });

  it('keeps a staff member apart from the two teachers of their email, and says where it was read', () => {
    const db = tmp.path('unpaired.db');
    const folder = upload(['School_id,Student_id,Last_name,First_name', 'S1,100,Lovelace,Ada'], {
      'teachers.csv': ['School_id,Teacher_id,Last_name,First_name,Teacher_email', 'S1,T1,Noether,Emmy,room12@example.org', 'S1,T2,Curie,Marie,room12@example.org'],
      'staff.csv': ['School_id,Staff_id,Staff_email,First_name,Last_name', 'S1,ST1,room12@example.org,Ada,Byron'],
    });
    const json = cliJson<{ status: string; syncId: string; unpaired: unknown; unpairedAt: Record<string, unknown[]> }>(['import', folder, '--district', 'd1', '--db', db]);
    expect(json.body).toMatchObject({ status: 'completed', unpaired: { 'staff.csv Staff_email': 1 } });
    expect(json.body.unpairedAt['staff.csv Staff_email']).toEqual([{ file: join(folder, 'staff.csv'), line: 2, record: 0, recordId: expect.stringMatching(/^sis-staff-[0-9a-f]{24}$/) }]);
    const shown = cli(['syncs', 'show', json.body.syncId, '--db', db]).stdout;
    expect(shown).toContain('  Staff kept apart from the teachers of their email (more than one teacher or staff member has it): staff.csv Staff_email 1');
  });

  it('tells which columns are not Clever\'s and so not recorded, whatever the outcome, in text and in JSON', () => {
    const students = ['School_id,Student_id,Last_name,First_name,Locker,Grade_level', 'S1,100,Lovelace,Ada,L-17,9'];
    const text = cli(['import', upload(students), '--district', 'd1', '--db', tmp.path('columns.db')]);
    expect(text.status).toBe(0);
    expect(text.stdout).toContain("Columns not read: students.csv Locker, Grade_level (not columns of Clever's SFTP format: their values are not recorded)");
    const json = cliJson(['import', upload(students), '--district', 'd1', '--db', tmp.path('columns-json.db')]);
    expect(json.body).toMatchObject({ status: 'completed', columnsNotRead: [{ file: 'students.csv', columns: ['Locker', 'Grade_level'] }] });
    // a failed import says it too: a column the user meant may be why it failed
    const failed = cliJson(['import', upload([...students, 'S9,101,Turing,Alan,,']), '--district', 'd1', '--db', tmp.path('columns-failed.db')]);
    expect(failed.body).toMatchObject({ status: 'failed', columnsNotRead: [{ file: 'students.csv', columns: ['Locker', 'Grade_level'] }] });
    expect(cliJson(['import', upload(['School_id,Student_id,Last_name,First_name', 'S1,100,Lovelace,Ada']), '--district', 'd1', '--db', tmp.path('no-columns.db')]).body).toMatchObject({ columnsNotRead: [] });
  });
});
