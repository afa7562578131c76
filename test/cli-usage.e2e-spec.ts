import Database from 'better-sqlite3';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { CLEVER_DEMO_FOLDER } from '@roster-ledger/testing';
import { cli, scratch } from './support/ledger-cli';

/**
 * Exit codes of the CLI: 2 for any usage mistake (an unknown command or option, a missing or bad
 * value, a bad argument), found before the ledger is looked for, with a message naming what is
 * wrong and why; 1 stays for a command that failed doing its work.
 */
describe('roster-ledger usage mistakes (end to end)', () => {
  const tmp = scratch('cli-usage');
  // no ledger at this path: a usage mistake must be reported as such, not as "there is no ledger"
  const missing = tmp.path('no-ledger-here.db');
  // what a ledger would be made of, had the command opened one
  const ledgerFiles = (db: string) => [db, `${db}.access-log.db`, `${db}.read-models`].filter((path) => existsSync(path));
  afterAll(() => tmp.cleanup());

  it.each([
    ['an unknown command', ['evnets', '--db', missing], /^error: unknown command 'evnets'\n\(Did you mean events\?\)/],
    ['an unknown command, with the ledger from LEDGER_DB', ['frobnicate'], /^error: unknown command 'frobnicate'/],
    ['an unknown sub-command', ['syncs', 'frob', '--db', missing], /^error: unknown command 'frob'/],
    // not the general help with exit 0, which reads as if the command were there
    ['an unknown command asked for its help', ['acces-log', '--help'], /^error: unknown command 'acces-log'\n\(Did you mean access-log\?\)\n$/],
    ['an unknown sub-command asked for its help', ['syncs', 'frob', '-h', '--db', missing], /^error: unknown command 'frob'/],
    ['an unknown option', ['events', '--bogus', '--db', missing], /^error: unknown option '--bogus'/],
    ['an empty backup folder', ['backup', '', '--db', missing], /^error: <folder> is an empty string: name a new or empty folder for the backup\n$/],
    ['a backup into a folder with files in it', ['backup', '.', '--db', missing], /^error: \S+ is not empty: give a new or empty folder for the backup, so that nothing in it is overwritten\n$/],
    ['a bad numeric option value', ['events', '--from', 'abc', '--db', missing], /^error: --from must be a whole number >= 0, got "abc"/],
    ['a negative --limit', ['syncs', 'list', '--limit', '-3', '--db', missing], /^error: --limit must be a whole number from 1 to 1000, got "-3"/],
    ['a --limit of 0', ['timeline', 'user', 'u1', '--limit', '0', '--db', missing], /^error: --limit must be a whole number from 1 to 1000, got "0"/],
    ['a --limit above the API\'s', ['search', 'ada', '--limit', '5000', '--db', missing], /^error: --limit must be a whole number from 1 to 1000, got "5000"/],
    ['a --limit in exponent form', ['events', '--limit', '1e2', '--db', missing], /^error: --limit must be a whole number from 1 to 1000, got "1e2"/],
    ['a hexadecimal --from', ['events', '--from', '0x10', '--db', missing], /^error: --from must be a whole number >= 0, got "0x10"/],
    ['a --limit with a space before it', ['syncs', 'list', '--limit', ' 1', '--db', missing], /^error: --limit must be a whole number from 1 to 1000, got " 1"/],
    ['an empty --after of a timeline', ['timeline', 'user', 'u1', '--after', '', '--db', missing], /^error: --after is empty: leave --after out for the first page, or pass the one the page before ended with\n$/],
    ['an empty --after of a search', ['search', 'ada', '--after', '', '--db', missing], /^error: --after is empty: leave --after out for the first page/],
    ['an empty --after of syncs list', ['syncs', 'list', '--after', '', '--db', missing], /^error: --after is empty: leave --after out for the first page/],
    ['an unknown event type', ['audit', 'export', '--types', 'StudentShared,StudentRemovd', '--db', missing], /^error: --types: "StudentRemovd" is not an event type; expected .*StudentRemoved/],
    ['an event type in the wrong case', ['audit', 'export', '--types', 'studentshared', '--db', missing], /^error: --types: "studentshared" is not an event type \(names are case-sensitive: did you mean StudentShared\?\); expected /],
    ['an empty --types', ['audit', 'export', '--types', ' , ', '--db', missing], /^error: --types: give at least one event type, or leave --types out for all of them\n$/],
    ['event types that can never be of the record types', ['audit', 'export', '--types', 'StudentShared,StudentRemoved', '--record-types', 'teacher', '--db', missing], /^error: --types StudentShared,StudentRemoved can never be of --record-types teacher: StudentShared, StudentRemoved are filed under student\n$/],
    ['an unknown record type', ['audit', 'export', '--record-types', 'pupil', '--db', missing], /^error: --record-types: "pupil" is not a record type; expected district, school/],
    ['an --out in a folder that does not exist', ['audit', 'export', '--out', 'no/such/folder/feed.csv', '--db', missing], /^error: --out: the folder .*no\/such\/folder does not exist\n$/],
    ['an --out that is a folder', ['audit', 'export', '--out', '.', '--db', missing], /^error: --out: \. is a folder; name a file\n$/],
    ['blank search text', ['search', ' ', '--db', missing], /^error: <text> must not be blank/],
    ['an option without its value', ['events', '--db', missing, '--limit'], /^error: option '--limit <n>' argument missing/],
    // never taken as the value: a sync would be recorded as of district "--read-all"
    ['an option whose value is the next option', ['import', missing, '--district', '--read-all', '--db', missing], /^error: --district needs a value, but the next word is the option --read-all: give --district <id>\n$/],
    // an empty value is a script's variable left unset: never read as a value
    // recorded, a failed sync of a district the ledger never held would make it one it has recorded
    ['a --district that the snapshot\'s districts.json does not name', ['import', CLEVER_DEMO_FOLDER, '--district', 'nope', '--db', missing], /^error: --district nope is not the district of this snapshot: \S+districts\.json names 5a0c91b95c7cc000010d417c; pass --district 5a0c91b95c7cc000010d417c, or leave --district out \(the snapshot says whose it is\)\n$/],
    ['an empty --district', ['import', missing, '--district', '', '--db', missing], /^error: --district is empty: give it a value, or leave it out\n$/],
    ['a --district with a control character in it', ['import', missing, '--district', 'evil\n\u001b[31mred', '--db', missing], /^error: --district must be an id, without control characters: got "evil\\n\\u001b\[31mred"\n$/],
    ['an empty --db (never the default ledger, nor LEDGER_DB\'s)', ['events', '--db', ''], /^error: --db is empty: give it a value, or leave it out\n$/],
    ['an empty --by of a decision', ['syncs', 'discard', 'some-sync', '--by', '', '--db', missing], /^error: --by is empty: give it a value, or leave it out\n$/],
    ['a --by with a line break', ['syncs', 'approve', 'some-sync', '--by', 'ops\nSyncApproved by admin', '--db', missing], /^error: --by must be a name, without control characters: got "ops\\nSyncApproved by admin"\n$/],
    ['an --out of spaces', ['audit', 'export', '--out', ' ', '--db', missing], /^error: --out is empty: give it a value, or leave it out\n$/],
    ['a --by longer than a name', ['syncs', 'approve', 'some-sync', '--by', 'a'.repeat(201), '--db', missing], /^error: --by must be a name of at most 200 characters: got one of 201\n$/],
    // a script's variable left unset: a usage mistake, not an account "not found"
    ['an empty id of a timeline', ['timeline', 'user', '', '--db', missing], /^error: <id> is empty: give an id \(search finds one\)\n$/],
    ['an empty id of a roster', ['roster', ' ', '--db', missing], /^error: <sectionId> is empty: give an id \(search finds one\)\n$/],
    ['an empty sync id', ['syncs', 'show', '', '--db', missing], /^error: <syncId> is empty: give an id \(syncs list finds one\)\n$/],
    ['a sync to export the changes of with a control character', ['audit', 'export', '--sync', 'a\u001b[2J', '--db', missing], /^error: --sync must be an id, without control characters: got "a\\u001b\[2J"\n$/],
    ['an id of a person with a control character', ['classes', 'u1\u001b[2J', '--db', missing], /^error: <userId> must be an id, without control characters: got "u1\\u001b\[2J"\n$/],
    ['an empty --stream', ['events', '--stream', '', '--db', missing], /^error: --stream is empty: give it a value, or leave it out\n$/],
    ['an option given twice', ['search', 'ada', '--limit', '5', '--limit', '7', '--db', missing], /^error: --limit is given twice \("5", then "7"\): give it once\n$/],
    ['--db given twice', ['events', '--db', missing, '--db', tmp.path('other.db')], /^error: --db is given twice \(".*no-ledger-here\.db", then ".*other\.db"\): give it once\n$/],
    ['a role that does not exist', ['search', 'ada', '--role', 'boss', '--db', missing], /^error: option '--role <role>' argument 'boss' is invalid\. Allowed choices are admin, engineer, compliance, support\./],
    ['a bad date', ['roster', 'sec1', '--as-of', 'notadate', '--db', missing], /^error: --as-of must be a date \(YYYY-MM-DD\) or an ISO-8601 timestamp/],
    ['a day that does not exist', ['roster', 'sec1', '--as-of', '2026-02-30', '--db', missing], /^error: --as-of: 2026-02-30 is not a day of the calendar \(February 2026 has 28 days\)\n$/],
    ['a range that holds no moment', ['audit', 'export', '--from', '2026-12-02', '--to', '2026-12-01', '--db', missing], /^error: --from 2026-12-02 is after --to 2026-12-01 \(--to includes the whole day\)\n$/],
    ['a month that does not exist', ['audit', 'export', '--from', '2026-13-01', '--db', missing], /^error: --from: 2026-13-01 is not a day of the calendar \(months are 01 to 12\)\n$/],
    ['a bad argument', ['timeline', 'teacherz', 'u1', '--db', missing], /^error: <kind> must be user, section, school, district, term or course \(or student, teacher, class\), got "teacherz"/],
    ['a kind that is a name every object has', ['timeline', 'toString', 'u1', '--db', missing], /^error: <kind> must be user, section, school, district, term or course \(or student, teacher, class\), got "toString"/],
    ['a missing argument', ['syncs', 'show', '--db', missing], /^error: missing required argument 'syncId'/],
    ['a sync of no district', ['sync', '--db', missing], /^error: --district <id> is required: the Clever id of a district connected in the configuration\n$/],
    ['an argument too many', ['import', 'folder-a', 'folder-b', '--db', missing], /^error: too many arguments for 'import'\. Expected 1 argument but got 2\./],
    ['an argument a command does not take', ['events', 'extra', '--db', missing], /^error: too many arguments for 'events'\. Expected 0 arguments but got 1\.\n$/],
    ['a name of several words without quotes', ['search', 'lucia', 'pena', '--db', missing], /^error: too many arguments for 'search'\. Expected 1 argument but got 2\. A text of several words is one argument: put it in quotes \("lucia pena"\)\.\n$/],
    ['a command that needs a sub-command', ['syncs'], /^Usage: roster-ledger syncs/],
    // not "unknown option '--db'": each of its commands takes --db
    ['a command that needs a sub-command, given an option', ['syncs', '--db', missing], /^error: syncs needs one of its commands before --db: list, show, pending, approve, discard, unlock \(as in roster-ledger syncs list --db \S+\)\n$/],
    ['an option before the sub-command it is for', ['syncs', '--db', missing, 'show', 'abc'], /^error: --db goes after the command it is for: roster-ledger syncs show --db \S+ abc\n$/],
    ['an option before the command it is for', ['--db', missing, 'syncs', 'list'], /^error: --db goes after the command it is for: roster-ledger syncs list --db \S+\n$/],
    ['options before the command they are for', ['--role', 'support', '--db', missing, 'timeline', 'user', 'u1'], /^error: --role, --db go after the command they are for: roster-ledger timeline user u1 --role support --db \S+\n$/],
  ])('exits 2 on %s, saying what is wrong, before looking for the ledger', (_, args, message) => {
    const result = cli(args, { LEDGER_DB: missing });
    expect({ status: result.status, stderr: result.stderr, stdout: result.stdout }).toEqual({
      status: 2,
      stderr: expect.stringMatching(message),
      stdout: '',
    });
    expect(existsSync(missing)).toBe(false);
  });

  it('exits 2 on a CSV upload imported without --district (Clever CSVs never name their district), recording nothing', () => {
    const upload = tmp.path('csv-upload');
    mkdirSync(upload, { recursive: true });
    for (const name of ['schools.csv', 'students.csv', 'teachers.csv', 'sections.csv', 'enrollments.csv']) writeFileSync(join(upload, name), 'School_id\n');
    const result = cli(['import', upload, '--db', missing]);
    expect({ status: result.status, stderr: result.stderr, stdout: result.stdout }).toEqual({
      status: 2,
      stderr: expect.stringMatching(/^error: a CSV snapshot needs --district <id>: Clever CSV files do not name their district/),
      stdout: '',
    });
    expect(existsSync(missing)).toBe(false);
  });

  it('checks --district against a districts.json named in another case, as the import reads it', () => {
    const folder = tmp.path('cased-districts');
    mkdirSync(folder, { recursive: true });
    for (const name of ['sections.json', 'users.json']) copyFileSync(join(CLEVER_DEMO_FOLDER, name), join(folder, name));
    copyFileSync(join(CLEVER_DEMO_FOLDER, 'districts.json'), join(folder, 'Districts.json'));
    const db = tmp.path('cased-districts.db');
    const result = cli(['import', folder, '--district', 'nope', '--db', db]);
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 2, stderr: expect.stringMatching(/^error: --district nope is not the district of this snapshot: \S+Districts\.json names 5a0c91b95c7cc000010d417c;/) });
    expect(existsSync(db)).toBe(false);
  });

  it('does not check a CSV upload\'s --district against a districts.json left in its folder, which the upload does not read', () => {
    const upload = tmp.path('csv-with-districts-json');
    mkdirSync(upload, { recursive: true });
    writeFileSync(join(upload, 'students.csv'), 'School_id,Student_id\n');
    writeFileSync(join(upload, 'districts.json'), JSON.stringify({ data: [{ data: { id: 'some-other-district' } }] }));
    const db = tmp.path('csv-with-districts-json.db');
    const result = cli(['import', upload, '--district', 'csv-district', '--db', db]);
    // read as the upload it is (and refused for its missing files, as any upload would be)
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('is read as a Clever SFTP CSV upload (it holds students.csv), but lacks schools.csv, teachers.csv, sections.csv, enrollments.csv');
    expect(result.stderr).not.toContain('is not the district of this snapshot');
    expect(existsSync(db)).toBe(false);
  });

  it("says Clever's CSV files beside Clever API JSON files make the folder a CSV upload, naming the JSON files it would not read", () => {
    const mixed = tmp.path('json-and-a-csv');
    mkdirSync(mixed, { recursive: true });
    for (const name of ['districts.json', 'users.json']) writeFileSync(join(mixed, name), '[]');
    for (const name of ['schools.csv', 'students.csv', 'teachers.csv', 'sections.csv', 'enrollments.csv']) writeFileSync(join(mixed, name), 'School_id\n');
    const result = cli(['import', mixed, '--db', missing]);
    expect({ status: result.status, stderr: result.stderr }).toEqual({
      status: 2,
      stderr:
        'error: a CSV snapshot needs --district <id>: Clever CSV files do not name their district (the folder is read as an SFTP CSV upload: it holds ' +
        'schools.csv, students.csv, teachers.csv, sections.csv, enrollments.csv; ' +
        'its districts.json, users.json would not be read: move the CSV files out to import it as Clever API JSON)\n',
    });
    expect(existsSync(missing)).toBe(false);
  });

  describe('an import folder that is not there', () => {
    it('exits 2 on a mistyped folder, naming it, and creates no ledger', () => {
      const folder = tmp.path('no', 'such-folder');
      const result = cli(['import', folder, '--db', missing]);
      expect({ status: result.status, stderr: result.stderr, stdout: result.stdout }).toEqual({
        status: 2,
        stderr: `error: <folder> must be a snapshot folder: ${folder} does not exist\n`,
        stdout: '',
      });
      expect(ledgerFiles(missing)).toEqual([]);
    });

    it('exits 2 on a file given as the folder', () => {
      const file = tmp.path('users.json');
      writeFileSync(file, '[]');
      const result = cli(['import', file, '--db', missing]);
      expect(result.status).toBe(2);
      expect(result.stderr).toBe(`error: <folder> must be a snapshot folder: ${file} is a file, not a folder\n`);
      expect(ledgerFiles(missing)).toEqual([]);
    });

    it('with --json, prints the error object instead', () => {
      const folder = tmp.path('no', 'such-folder');
      const result = cli(['import', folder, '--db', missing, '--json']);
      expect({ status: result.status, stderr: result.stderr, body: JSON.parse(result.stdout) as unknown }).toEqual({
        status: 2,
        stderr: '',
        body: { error: { code: 'INVALID_REQUEST', message: `<folder> must be a snapshot folder: ${folder} does not exist` } },
      });
      expect(ledgerFiles(missing)).toEqual([]);
    });
  });

  describe('a sync the configuration cannot run', () => {
    const district = '5a0c91b95c7cc000010d417c';
    const tokenEnv = 'CLEVER_TOKEN_CLI_USAGE_E2E';
    const configured = { LEDGER_DISTRICTS: JSON.stringify({ [district]: { tokenEnv } }), [tokenEnv]: 'tok-cli-usage' };
    // a ledger of its own: had one been created, the other cases here would not see it
    const db = tmp.path('never-synced.db');

    it('exits 2 on a district not configured, naming it and where districts are configured, and creates no ledger', () => {
      const result = cli(['sync', '--district', 'nope', '--db', db], configured);
      expect({ status: result.status, stderr: result.stderr, stdout: result.stdout }).toEqual({
        status: 2,
        stderr:
          'error (DISTRICT_NOT_CONFIGURED): district nope is not connected to Clever: configure it under "districts" in the LEDGER_CONFIG file or in LEDGER_DISTRICTS ' +
          `with {"tokenEnv": "<NAME OF THE VARIABLE HOLDING ITS TOKEN>"}; connected districts: ${district}\n`,
        stdout: '',
      });
      expect(ledgerFiles(db)).toEqual([]);
    });

    it('with --json, prints the error object with its code instead', () => {
      const result = cli(['sync', '--district', 'nope', '--db', db, '--json'], { LEDGER_DISTRICTS: '' });
      expect({ status: result.status, stderr: result.stderr, body: JSON.parse(result.stdout) as unknown }).toEqual({
        status: 2,
        stderr: '',
        body: { error: { code: 'DISTRICT_NOT_CONFIGURED', message: expect.stringMatching(/^district nope is not connected to Clever: configure it under "districts" in the LEDGER_CONFIG file or in LEDGER_DISTRICTS/) } },
      });
      expect(ledgerFiles(db)).toEqual([]);
    });

    it('exits 2 on a configured district whose token variable is empty, and creates no ledger', () => {
      const result = cli(['sync', '--district', district, '--db', db], { ...configured, [tokenEnv]: '' });
      expect(result.status).toBe(2);
      expect(result.stderr).toBe(
        `error (CLEVER_TOKEN_MISSING): the Clever token of district ${district} is read from the environment variable ${tokenEnv}, which is empty: export ${tokenEnv}=<the district-app token>\n`,
      );
      expect(ledgerFiles(db)).toEqual([]);
    });
  });

  it('gives its release with --version or -V, opening nothing', () => {
    const { version } = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) expect({ ...cli([flag], { LEDGER_DB: missing }) }).toEqual({ status: 0, stdout: `${version}\n`, stderr: '' });
    // and as JSON to a script that asks for it
    for (const args of [['--version', '--json'], ['--json', '-V']]) {
      const asJson = cli(args, { LEDGER_DB: missing });
      expect({ status: asJson.status, stdout: JSON.parse(asJson.stdout), stderr: asJson.stderr }).toEqual({ status: 0, stdout: { version }, stderr: '' });
    }
    expect(existsSync(missing)).toBe(false);
  });

  it('still exits 2 with "there is no ledger" for a well-formed command on a missing ledger', () => {
    const result = cli(['events', '--limit', '1', '--db', missing]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`there is no ledger at ${missing}`);
  });

  it('refuses a --db that is a folder or no SQLite file (a snapshot file) before opening it, leaving nothing beside it', () => {
    const folder = tmp.path('a-folder');
    mkdirSync(folder, { recursive: true });
    const snapshot = tmp.path('snapshot');
    mkdirSync(snapshot, { recursive: true });
    const users = join(snapshot, 'users.json');
    writeFileSync(users, '{"data": []}');
    // SQLite's magic string and nothing of the header after it: SQLITE_NOTADB once opened
    const lookalike = join(snapshot, 'lookalike.db');
    writeFileSync(lookalike, Buffer.from('SQLite format 3\0garbage', 'latin1'));
    const cases: [string, string][] = [
      [folder, `${folder} is a folder, not a ledger file`],
      [users, `${users} is not a ledger: it is not an SQLite database file`],
      [lookalike, `${lookalike} is not a ledger: it is not an SQLite database file`],
    ];
    for (const [db, why] of cases) {
      for (const command of [['syncs', 'list'], ['import', snapshot]]) {
        const result = cli([...command, '--db', db]);
        expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 2, stderr: `error: ${why}; pass --db <the ledger file> (or LEDGER_DB)\n` });
      }
    }
    expect(ledgerFiles(users)).toEqual([users]); // the file itself, and nothing made beside it
    expect(ledgerFiles(lookalike)).toEqual([lookalike]);
  });

  it('refuses a folder read as a CSV upload that lacks a file every upload has (a OneRoster export, say), before a ledger is opened', () => {
    const oneRoster = tmp.path('one-roster');
    mkdirSync(oneRoster);
    for (const name of ['manifest.csv', 'orgs.csv', 'academicSessions.csv', 'users.csv', 'enrollments.csv']) writeFileSync(join(oneRoster, name), 'sourcedId\n');
    for (const district of [[], ['--district', 'd1']]) {
      const result = cli(['import', oneRoster, ...district, '--db', missing]);
      expect({ status: result.status, stderr: result.stderr }).toEqual({
        status: 2,
        stderr:
          `error: <folder> must be a snapshot folder: ${oneRoster} is read as a Clever SFTP CSV upload (it holds enrollments.csv), but lacks schools.csv, ` +
          "students.csv, teachers.csv, sections.csv, which every upload has; its academicSessions.csv, manifest.csv, orgs.csv, users.csv are a OneRoster export's, " +
          "which is not read (only Clever's API JSON and SFTP CSV files are)\n",
      });
      expect(ledgerFiles(missing)).toEqual([]);
    }
  });

  it("refuses a --db that is a file the ledger keeps beside it, another application's database, or, to read, an empty file, and leaves each as it was", () => {
    const ledger = tmp.path('beside', 'ledger.db');
    mkdirSync(tmp.path('beside'));
    expect(cli(['import', CLEVER_DEMO_FOLDER, '--db', ledger]).status).toBe(0);
    expect(cli(['search', 'Ziemann', '--db', ledger]).status).toBe(0);
    const other = tmp.path('beside', 'gradebook.db');
    const gradebook = new Database(other);
    gradebook.exec('CREATE TABLE grades (student TEXT, grade TEXT); CREATE TABLE terms (name TEXT)');
    gradebook.close();
    const empty = tmp.path('beside', 'empty.db');
    writeFileSync(empty, '');
    const besideIt = (what: string) => ` is ${what}, not a ledger, and is left as it is; pass --db ${ledger}, the ledger it sits beside`;
    const cases: [string, string[], string][] = [
      [join(`${ledger}.read-models`, 'accounts.db'), ['search', 'smith'], besideIt('a file of the read models a ledger keeps beside it')],
      [join(`${ledger}.read-models`, 'audit.v1.db'), ['events'], besideIt('a file of the read models a ledger keeps beside it')],
      [`${ledger}.access-log.db`, ['search', 'smith'], besideIt('the access log a ledger keeps beside it')],
      [`${ledger}.access-log.db`, ['import', CLEVER_DEMO_FOLDER], besideIt('the access log a ledger keeps beside it')],
      [other, ['import', CLEVER_DEMO_FOLDER], ' is an SQLite database, but not a ledger (it holds grades, terms), and is left as it is; pass --db <the ledger file> (or LEDGER_DB)'],
      [empty, ['search', 'x'], ' is an empty file, not a ledger; pass --db <the ledger file> (or LEDGER_DB), or record one with: roster-ledger import <folder>'],
    ];
    for (const [db, command, why] of cases) {
      const before = readFileSync(db);
      const result = cli([...command, '--db', db]);
      expect({ command, status: result.status, stderr: result.stderr }).toEqual({ command, status: 2, stderr: `error: ${db}${why}\n` });
      expect(readFileSync(db).equals(before)).toBe(true);
      expect([`${db}-wal`, `${db}-shm`, ...ledgerFiles(db).slice(1)].filter((path) => existsSync(path))).toEqual([]);
    }
    // in use (a write-ahead log beside it, which the file alone does not show), it is known by its name
    const inUse = tmp.path('in-use');
    mkdirSync(inUse);
    copyFileSync(ledger, join(inUse, 'ledger.db'));
    copyFileSync(`${ledger}.access-log.db`, join(inUse, 'ledger.db.access-log.db'));
    writeFileSync(join(inUse, 'ledger.db.access-log.db-wal'), Buffer.alloc(4096, 1));
    const busy = cli(['search', 'smith', '--db', join(inUse, 'ledger.db.access-log.db')]);
    expect([busy.status, busy.stderr]).toEqual([2, `error: ${join(inUse, 'ledger.db.access-log.db')} is the access log a ledger keeps beside it, not a ledger, and is left as it is; pass --db ${join(inUse, 'ledger.db')}, the ledger it sits beside\n`]);
    // an empty file is what an import starts a new ledger in
    expect(cli(['import', CLEVER_DEMO_FOLDER, '--db', empty, '--skip-projections']).status).toBe(0);

    // another application's table of events alone is no ledger
    const calendar = tmp.path('beside', 'calendar.db');
    const appDb = new Database(calendar);
    appDb.exec('CREATE TABLE events (id INTEGER PRIMARY KEY, title TEXT, starts TEXT)');
    appDb.close();
    const before = readFileSync(calendar);
    const refused = cli(['import', CLEVER_DEMO_FOLDER, '--db', calendar]);
    expect([refused.status, refused.stderr]).toEqual([2, `error: ${calendar} is an SQLite database, but not a ledger (it holds events), and is left as it is; pass --db <the ledger file> (or LEDGER_DB)\n`]);
    expect(readFileSync(calendar).equals(before)).toBe(true);
  }, 60_000);

  it("reads a ledger of an older release, which kept its access log and read models' tables inside it", () => {
    const older = tmp.path('older', 'ledger.db');
    mkdirSync(tmp.path('older'));
    expect(cli(['import', CLEVER_DEMO_FOLDER, '--db', older, '--skip-projections']).status).toBe(0);
    const ledger = new Database(older);
    ledger.exec('CREATE TABLE access_log (id INTEGER PRIMARY KEY, at TEXT); CREATE TABLE projection_state (name TEXT PRIMARY KEY); CREATE TABLE version_checkpoints (name TEXT)');
    ledger.close();
    const read = cli(['events', '--limit', '1', '--db', older]);
    expect([read.status, read.stderr]).toEqual([0, '']);
  });

  it('names the ledger an import starts when there was none at --db (a mistyped path records a whole district), and only then', () => {
    const fresh = tmp.path('fresh', 'ledger.db');
    const line = `  Ledger: ${fresh}, new: nothing was recorded there before this sync`;
    const first = cli(['import', CLEVER_DEMO_FOLDER, '--db', fresh]);
    expect([first.status, first.stderr]).toEqual([0, '']);
    expect(first.stdout.split('\n')).toContain(line);
    const again = cli(['import', CLEVER_DEMO_FOLDER, '--db', fresh]);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain('No roster changes');
    expect(again.stdout).not.toContain('Ledger:');
    // and a script reads it as newLedger
    const other = tmp.path('fresh-json', 'ledger.db');
    const asJson = [cli(['import', CLEVER_DEMO_FOLDER, '--db', other, '--json']), cli(['import', CLEVER_DEMO_FOLDER, '--db', other, '--json'])];
    expect(asJson.map((r) => JSON.parse(r.stdout) as { newLedger: boolean; interruptedSyncs: string[] })).toMatchObject([
      { ledger: other, newLedger: true, interruptedSyncs: [] },
      { ledger: other, newLedger: false, interruptedSyncs: [] },
    ]);
  });

  it('takes a relative path given to `npm run roster-ledger` from where it was typed, not the project folder, and names the ledger in full in --json', () => {
    const here = tmp.path('typed-here');
    mkdirSync(here, { recursive: true });
    const project = resolve(__dirname, '..');
    const run = spawnSync('npm', ['--prefix', project, 'run', '-s', 'roster-ledger', '--', 'import', CLEVER_DEMO_FOLDER, '--db', 'relative.db', '--json'], { cwd: here, encoding: 'utf8' });
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
    expect(JSON.parse(run.stdout)).toMatchObject({ status: 'completed', ledger: join(here, 'relative.db'), newLedger: true });
    expect(existsSync(join(here, 'relative.db'))).toBe(true);
    expect(existsSync(join(project, 'relative.db'))).toBe(false);
  });

  it('runs where npm started it, saying so, when the folder it was typed in cannot be entered; and leaves another package\'s script of its name where that script went', () => {
    const project = resolve(__dirname, '..');
    const asNpmWouldRun = (env: NodeJS.ProcessEnv, cwd: string) =>
      spawnSync(process.execPath, [resolve(project, 'bin', 'roster-ledger'), 'search', 'x', '--db', 'not-here.db'], { cwd, encoding: 'utf8', env: { ...process.env, LEDGER_CONFIG: '', ...env } });
    const gone = tmp.path('gone');
    const ours = { npm_lifecycle_event: 'roster-ledger', npm_package_json: join(project, 'package.json') };
    const run = asNpmWouldRun({ ...ours, INIT_CWD: gone }, project);
    expect(run.stderr.split('\n')[0]).toBe(`note: cannot work in ${gone}, where the command was typed (ENOENT): relative paths are taken from ${project}`);
    expect(run.stderr).toContain(`there is no ledger at ${join(project, 'not-here.db')}`);
    // a script of another package that moved to its own folder stays there
    const elsewhere = tmp.path('elsewhere');
    mkdirSync(elsewhere, { recursive: true });
    const theirs = asNpmWouldRun({ npm_lifecycle_event: 'roster-ledger', npm_package_json: join(tmp.path('theirs'), 'package.json'), INIT_CWD: tmp.path('theirs') }, elsewhere);
    expect(theirs.stderr).toContain(`there is no ledger at ${join(elsewhere, 'not-here.db')}`);
  });

  it('names the ledger a failed first import starts: nothing was recorded there before it', () => {
    const snapshot = tmp.path('no-district');
    mkdirSync(snapshot, { recursive: true });
    writeFileSync(join(snapshot, 'users.json'), '{"data": [{"data": {"id": "u1"}}]}');
    const fresh = tmp.path('failed-first', 'ledger.db');
    const result = cli(['import', snapshot, '--db', fresh]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Nothing was applied');
    expect(result.stderr.split('\n')).toContain(`  Ledger: ${fresh}, new: nothing was recorded there before this failed sync`);
  });

  it('with --json, says there is no ledger as the error object on stdout, as every refusal', () => {
    const result = cli(['syncs', 'list', '--json', '--db', missing]);
    expect([result.status, result.stderr]).toEqual([2, '']);
    expect(JSON.parse(result.stdout)).toEqual({ error: { code: 'NO_LEDGER', message: expect.stringContaining(`there is no ledger at ${missing}`) } });
  });

  it('takes a day of the years 0000 to 0099 as a day like any other, looking for the ledger', () => {
    const result = cli(['roster', 'sec1', '--as-of', '0099-06-15', '--db', missing]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`there is no ledger at ${missing}`);
  });

  it('prints help on stdout and exits 0, without a ledger', () => {
    const result = cli(['events', '--help'], { LEDGER_DB: missing });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^Usage: roster-ledger events \[options\]/);
    expect(result.stdout).toContain('--from <position>');
    expect(existsSync(missing)).toBe(false);
  });

  it('prints the same help for `help <command>`, which the help lists, and names a command that is not there', () => {
    const viaHelp = cli(['help', 'events'], { LEDGER_DB: missing });
    expect({ status: viaHelp.status, stdout: viaHelp.stdout }).toEqual({ status: 0, stdout: cli(['events', '--help'], { LEDGER_DB: missing }).stdout });
    expect(cli(['help'], { LEDGER_DB: missing })).toMatchObject({ status: 0, stdout: expect.stringMatching(/^Usage: roster-ledger \[options\] \[command\]/) });
    expect(cli(['help', 'nope'], { LEDGER_DB: missing })).toMatchObject({ status: 2, stderr: expect.stringMatching(/^error: unknown command 'nope'/) });
    // the release option, which the help lists too
    expect(cli(['--help'], { LEDGER_DB: missing }).stdout).toContain('-V, --version');
    expect(existsSync(missing)).toBe(false);
  });
});
