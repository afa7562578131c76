import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { RosterRecord, SectionRecord, UserRecord, UserRole } from '@roster-ledger/domain';
import { openSnapshotFolder } from '../snapshot-folder';
import type { SnapshotItem } from '../snapshot-item';
import { CSV_IMPORTED_ON, readCsvItems } from './spec-support/temp-csv';

/**
 * Clever's own SFTP CSVs of its demo district (2015, `../shared/data/`, read in place: no licence to
 * copy them) against the API's JSON of the same district (2021, the project's fixture). The small
 * CSVs of the other specs cover the same behaviour when this folder is absent.
 */
const SANDBOX = resolve(__dirname, '../../../../../shared/data/clever-sandbox-sftp-csv');
const DEMO_JSON = resolve(__dirname, '../../../testing/fixtures/clever-demo');
const DEMO_DISTRICT = '5a0c91b95c7cc000010d417c';

const describeIfData = existsSync(SANDBOX) ? describe : describe.skip;
// straight to stderr: jest keeps the console output of a file whose tests are all skipped to itself
if (!existsSync(SANDBOX)) process.stderr.write(`skipped: the Clever sandbox CSV specs need ${SANDBOX} (not part of a user's clone); the CSV reader is also tested on CSVs the specs write\n`);

const records = (items: readonly SnapshotItem[]) => items.flatMap((item) => (item.type === 'record' ? [item.record] : []));
const users = (all: readonly RosterRecord[], role: UserRole) =>
  all.filter((record): record is UserRecord => record.kind === 'user' && record.roles[role] !== undefined);
const sections = (all: readonly RosterRecord[]) => all.filter((record): record is SectionRecord => record.kind === 'section');
const sisOf = (user: UserRecord, role: UserRole) => String(user.roles[role]?.personal['sis_id']);
const bySis = (all: readonly UserRecord[], role: UserRole) => new Map(all.map((user) => [sisOf(user, role), user]));

describeIfData('the Clever sandbox SFTP CSVs (2015) against the API JSON of the same district (2021)', () => {
  let csvItems: SnapshotItem[];
  let csv: RosterRecord[];
  let json: RosterRecord[];
  /** User id -> SIS id, both snapshots: sections are compared on SIS ids, their user ids differ by design. */
  const sisOfUser = new Map<string, string>();

  beforeAll(async () => {
    csvItems = await readCsvItems(SANDBOX, { districtId: DEMO_DISTRICT, importedOn: CSV_IMPORTED_ON });
    csv = records(csvItems);
    const demo = await openSnapshotFolder(DEMO_JSON);
    const jsonItems: SnapshotItem[] = [];
    for await (const item of demo.items()) jsonItems.push(item);
    json = records(jsonItems);
    for (const user of [...users(csv, 'student'), ...users(json, 'student')]) sisOfUser.set(user.id, sisOf(user, 'student'));
    for (const user of [...users(csv, 'teacher'), ...users(json, 'teacher')]) sisOfUser.set(user.id, sisOf(user, 'teacher'));
  });

  it('imports 3 schools, 1,004 students, 89 teachers, 379 sections and 8,971 enrollments', () => {
    expect(csv.filter((record) => record.kind === 'school')).toHaveLength(3);
    expect(users(csv, 'student')).toHaveLength(1004);
    expect(users(csv, 'teacher')).toHaveLength(89);
    expect(sections(csv)).toHaveLength(379);
    expect(sections(csv).reduce((sum, section) => sum + section.students.length, 0)).toBe(8971);
    // Terms and courses Clever would synthesise: Y1, S1, S2 (all 8/1/15 - 6/1/16); 344 name/number pairs.
    expect(csv.filter((record) => record.kind === 'term').map((term) => term.fields['name'])).toEqual(['Y1', 'S1', 'S2']);
    expect(csv.filter((record) => record.kind === 'course')).toHaveLength(344);
    expect(csvItems.filter((item) => item.type === 'skipped' && item.reason === 'contact')).toHaveLength(1004);
  });

  it('maps every value, except one date of birth that does not exist (02/29/2005), kept raw and reported', () => {
    const unknown = csvItems.flatMap((item) => (item.type === 'record' && item.unknownValues.length > 0 ? [[item.record.id, item.unknownValues]] : []));
    expect(unknown).toHaveLength(1);
    const [[id, labels]] = unknown as [[string, string[]]];
    expect(labels).toEqual(['student.dob']);
    const student = users(csv, 'student').find((user) => user.id === id);
    expect(student?.roles.student?.personal).toMatchObject({ sis_id: '577226659', dob: '02/29/2005' });
    // Clever's API leaves the dob of this student out altogether.
    expect(bySis(users(json, 'student'), 'student').get('577226659')?.roles.student?.personal['dob']).toBeUndefined();
  });

  it('has every student of the JSON, joined on sis_id, with the same values but for 2015 -> 2021 drift', () => {
    const fromCsv = bySis(users(csv, 'student'), 'student');
    const fromJson = users(json, 'student');
    expect(fromJson.filter((user) => fromCsv.has(sisOf(user, 'student')))).toHaveLength(1004);

    const differing = (read: (user: UserRecord) => unknown) =>
      fromJson.filter((user) => JSON.stringify(read(user)) !== JSON.stringify(read(fromCsv.get(sisOf(user, 'student'))!))).map((user) => sisOf(user, 'student'));
    const personal = (key: string) => (user: UserRecord) => user.roles.student?.personal[key];
    // The six names the JSON fixture spells otherwise ("ThomasThomas…", "C", "Don'na", …): edits in
    // Clever's SDK mocks, not mapping errors.
    expect(differing((user) => user.personal['name'])).toHaveLength(6);
    expect(differing((user) => user.personal['email'])).toEqual([]);
    for (const key of ['gender', 'race', 'hispanic_ethnicity', 'state_id', 'student_number', 'location']) {
      expect([key, differing(personal(key))]).toEqual([key, []]);
    }
    expect(differing(personal('dob'))).toEqual(['577226659']);
    // Grades moved on in six years for 17 students; `enrollments` is [] on both sides.
    expect(differing((user) => user.roles.student?.fields['grade'])).toHaveLength(17);
    expect(differing((user) => user.roles.student?.fields['enrollments'])).toEqual([]);
  });

  it('has the same teachers but one whose sis_id the JSON changed', () => {
    const fromCsv = bySis(users(csv, 'teacher'), 'teacher');
    const joined = users(json, 'teacher').filter((user) => fromCsv.has(sisOf(user, 'teacher')));
    expect(joined).toHaveLength(88);
    expect(joined.filter((user) => JSON.stringify(user.personal['name']) !== JSON.stringify(fromCsv.get(sisOf(user, 'teacher'))?.personal['name']))).toEqual([]);
  });

  it('has the same students in every section both have, joined on sis_id', () => {
    const fromCsv = new Map(sections(csv).map((section) => [String(section.fields['sis_id']), section]));
    const members = (ids: readonly string[]) => ids.map((id) => sisOfUser.get(id) ?? `?${id}`).sort();
    const joined = sections(json).filter((section) => fromCsv.has(String(section.fields['sis_id'])));
    // 378 JSON sections; two carry sis_ids the fixture edited ("6000…0", "6"), so 376 join.
    expect(sections(json)).toHaveLength(378);
    expect(joined).toHaveLength(376);
    const sameStudents = joined.filter((section) => {
      const other = fromCsv.get(String(section.fields['sis_id']))!;
      return JSON.stringify(members(section.students)) === JSON.stringify(members(other.students));
    });
    expect(sameStudents).toHaveLength(376);
    // Clever's generated names (course - primary teacher - period) match but where the primary
    // teacher changed between 2015 and 2021.
    const sameName = joined.filter((section) => section.fields['name'] === fromCsv.get(String(section.fields['sis_id']))?.fields['name']);
    expect(sameName).toHaveLength(373);
  });
});
