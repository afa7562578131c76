import { join } from 'node:path';
import type { SectionRecord, UserRecord } from '@roster-ledger/domain';
import { CleverCsvSnapshotReader } from './csv-snapshot-reader';
import { csvRecordId, termKey } from './csv-ids';
import {
  CSV_DISTRICT,
  CSV_IMPORTED_ON,
  csv,
  csvRecords,
  readCsvItems,
  removeTempCsvFolders,
  smallDistrict,
  tempCsvFolder,
} from './spec-support/temp-csv';

afterEach(removeTempCsvFolders);

const id = (namespace: Parameters<typeof csvRecordId>[1], key: string) => csvRecordId(CSV_DISTRICT, namespace, key);
const S1 = id('school', 'S1');
const S2 = id('school', 'S2');

async function readSmall(overrides: Record<string, string> = {}) {
  const folder = await tempCsvFolder({ ...smallDistrict(), ...overrides });
  return { folder, items: await readCsvItems(folder) };
}

const userWithSis = (records: ReturnType<typeof csvRecords>, sisId: string) =>
  records.find(
    (record): record is UserRecord =>
      record.kind === 'user' && Object.values(record.roles).some((role) => role?.personal['sis_id'] === sisId || role?.personal['staff_id'] === sisId),
  );

describe('reading a small CSV district', () => {
  it('opens as an sftp-csv source covering schools, terms, courses, users and sections', async () => {
    const folder = await tempCsvFolder(smallDistrict());
    const source = await new CleverCsvSnapshotReader({ districtId: CSV_DISTRICT }).open(folder);
    expect(source).toMatchObject({ source: 'sftp-csv', origin: folder, kinds: ['school', 'term', 'course', 'user', 'section'] });
  });

  it('yields schools, terms, courses, users (students, then teachers), then sections', async () => {
    const { items } = await readSmall();
    const order = csvRecords(items).map((record) => (record.kind === 'user' ? Object.keys(record.roles)[0] : record.kind));
    expect(order).toEqual(['school', 'school', 'term', 'course', 'student', 'student', 'student', 'teacher', 'teacher', 'section', 'section']);
  });

  it('builds a student as the Clever API shows one: mapped values, ISO dob, derived ids', async () => {
    const { folder, items } = await readSmall();
    const item = items.find((each) => each.type === 'record' && each.record.id === id('student', '100'));
    expect(item).toEqual({
      type: 'record',
      origin: { file: join(folder, 'students.csv'), line: 2, record: 0, recordId: id('student', '100') },
      unknownValues: [],
      record: {
        kind: 'user',
        id: id('student', '100'),
        districtId: CSV_DISTRICT,
        fields: {},
        personal: { name: { first: 'Ada', last: 'Lovelace' } },
        roles: {
          student: {
            fields: { enrollments: [], grade: '9', school: S1, schools: [S1] },
            personal: { dob: '2005-12-10', gender: 'F', hispanic_ethnicity: 'N', race: 'Caucasian', sis_id: '100' },
          },
        },
      },
    });
  });

  it('maps kindergarten, yes/no words and ISO dates', async () => {
    const records = csvRecords((await readSmall()).items);
    expect(userWithSis(records, '101')?.roles.student?.personal).toMatchObject({ gender: 'M', race: 'Asian', hispanic_ethnicity: 'Y', dob: '2004-06-23' });
    expect(userWithSis(records, '102')?.roles.student).toMatchObject({
      fields: { grade: 'Kindergarten', school: S2 },
      personal: { gender: 'F', race: 'Black or African American', hispanic_ethnicity: 'N', dob: '2015-12-09' },
    });
  });

  it('builds sections with the teachers in column order, students sorted by id, and term and course ids', async () => {
    const records = csvRecords((await readSmall()).items);
    const section = records.find((record): record is SectionRecord => record.id === id('section', 'SEC1'));
    const term = records.find((record) => record.kind === 'term');
    const course = records.find((record) => record.kind === 'course');
    expect(term?.fields).toEqual({ name: 'Y1', start_date: '2015-08-01', end_date: '2016-06-01' });
    expect(course?.fields).toEqual({ name: 'Algebra', number: 'MA101' });
    expect(section).toEqual({
      kind: 'section',
      id: id('section', 'SEC1'),
      districtId: CSV_DISTRICT,
      fields: {
        course: course?.id,
        grade: '9',
        // Clever's generated name: course name - primary teacher's last name - period.
        name: 'Algebra - Noether - 3',
        period: '3',
        school: S1,
        sis_id: 'SEC1',
        term_id: term?.id,
      },
      personal: {},
      teachers: [id('teacher', 'T1'), id('teacher', 'T2')],
      students: [id('student', '100'), id('student', '101')].sort(),
    });
  });

  it('keeps the file\'s section name when there is no course name, and a section without enrollments', async () => {
    const { items } = await readSmall({
      'enrollments.csv': csv('School_id,Section_id,Student_id', 'S1,SEC1,100'),
    });
    const section = csvRecords(items).find((record): record is SectionRecord => record.id === id('section', 'SEC2'));
    expect(section?.fields['name']).toBe('Reading K');
    expect(section?.fields['grade']).toBe('Kindergarten');
    expect(section?.students).toEqual([]);
  });

  it('gives a teacher the schools of the sections they teach, sorted by id', async () => {
    const records = csvRecords((await readSmall()).items);
    expect(userWithSis(records, 'T2')?.roles.teacher?.fields).toEqual({ school: S2, schools: [S1, S2].sort() });
    expect(userWithSis(records, 'T2')?.personal).toEqual({ email: 'marie@example.org', name: { first: 'Marie', last: 'Curie' } });
  });

  it('reports progress in bytes over all files, the files read twice counting twice', async () => {
    const folder = await tempCsvFolder(smallDistrict());
    const files = smallDistrict();
    const size = (name: string) => Buffer.byteLength(files[name] ?? '');
    const total =
      size('schools.csv') + size('enrollments.csv') + 2 * (size('students.csv') + size('teachers.csv') + size('sections.csv'));
    const source = await new CleverCsvSnapshotReader({ districtId: CSV_DISTRICT }).open(folder);
    expect(source.progress()).toEqual({ done: 0, total });
    for await (const item of source.items()) void item;
    expect(source.progress()).toEqual({ done: total, total });
  });
});

describe('the same district written differently gives the same records', () => {
  const baseline = async () => csvRecords((await readSmall()).items);
  const rewrite = (transform: (content: string) => string) =>
    Object.fromEntries(Object.entries(smallDistrict()).map(([name, content]) => [name, transform(content)]));

  it.each([
    ['CR only', (content: string) => content.replace(/\n/g, '\r')],
    ['CRLF', (content: string) => content.replace(/\n/g, '\r\n')],
    ['mixed CR, LF and CRLF', (content: string) => content.split('\n').map((line, i) => line + ['\r', '\n', '\r\n'][i % 3]).join('').trimEnd()],
    ['a BOM and no final line ending', (content: string) => `\uFEFF${content.trimEnd()}`],
    ['every value quoted', (content: string) => content.split('\n').map((line) => (line === '' ? '' : line.split(',').map((v) => `"${v}"`).join(','))).join('\n')],
  ])('%s', async (_, transform) => {
    const folder = await tempCsvFolder(rewrite(transform));
    expect(csvRecords(await readCsvItems(folder))).toEqual(await baseline());
  });

  it('columns in another order and letter case, and enrollments in another order', async () => {
    const folder = await tempCsvFolder({
      ...smallDistrict(),
      'students.csv': csv(
        'hispanic_latino,race,dob,GENDER,grade,first_name,last_name,student_id,school_id',
        'N,W,12/10/05,female,9,Ada,Lovelace,100,S1',
        'yes,A,6/23/2004,Male,10,Alan,Turing,101,S1',
        'false,B,2015-12-09,F,0,Grace,Hopper,102,S2',
      ),
      'enrollments.csv': csv('Student_id,Section_id,School_id', '102,SEC2,S2', '100,SEC1,S1', '101,SEC1,S1'),
    });
    const records = csvRecords(await readCsvItems(folder));
    expect(records).toEqual(await baseline());
  });

  it('quoted values holding commas, quotes and line breaks are kept whole, and later rows keep their line numbers', async () => {
    const folder = await tempCsvFolder({
      ...smallDistrict(),
      'students.csv': csv(
        'School_id,Student_id,Last_name,First_name,Student_street',
        'S1,100,"Lovelace, Countess","Ada ""Augusta""","1 Main St\r\nApt 2"',
        'S1,101,Turing,Alan,',
        'S2,102,Hopper,Grace,',
      ),
    });
    const items = await readCsvItems(folder);
    const ada = userWithSis(csvRecords(items), '100');
    expect(ada?.personal['name']).toEqual({ first: 'Ada "Augusta"', last: 'Lovelace, Countess' });
    expect(ada?.roles.student?.personal['location']).toEqual({ address: '1 Main St\r\nApt 2' });
    const alan = items.find((item) => item.type === 'record' && item.record.id === id('student', '101'));
    expect(alan?.origin.line).toBe(4);
  });
});

describe('rows of one person', () => {
  it('a student on two rows with two School_ids is one user at both schools, the first row\'s school primary', async () => {
    const { items } = await readSmall({
      'students.csv': csv('School_id,Student_id,Last_name,First_name', 'S2,100,Lovelace,Ada', 'S1,101,Turing,Alan', 'S1,100,Lovelace,Ada', 'S2,102,Hopper,Grace'),
    });
    const users = csvRecords(items).filter((record) => record.kind === 'user' && record.roles.student !== undefined);
    expect(users).toHaveLength(3);
    expect(userWithSis(users, '100')?.roles.student?.fields).toMatchObject({ school: S2, schools: [S1, S2].sort() });
  });

  it('a student with two contacts on two rows is one user; each contact is read and skipped', async () => {
    const { items } = await readSmall({
      'students.csv': csv(
        'School_id,Student_id,Last_name,First_name,Contact_name,Contact_type',
        'S1,100,Lovelace,Ada,Anne Byron,Parent/Guardian',
        'S1,100,Lovelace,Ada,Mary Somerville,Emergency',
        'S1,101,Turing,Alan,,',
        'S2,102,Hopper,Grace,,',
      ),
    });
    expect(csvRecords(items).filter((record) => record.kind === 'user' && record.roles.student)).toHaveLength(3);
    expect(items.filter((item) => item.type === 'skipped')).toEqual([
      { type: 'skipped', reason: 'contact', origin: expect.objectContaining({ line: 2 }) },
      { type: 'skipped', reason: 'contact', origin: expect.objectContaining({ line: 3 }) },
    ]);
  });

  it('a student at two schools with one contact on both rows counts that contact once', async () => {
    const { items } = await readSmall({
      'students.csv': csv(
        'School_id,Student_id,Last_name,First_name,Contact_name,Contact_type',
        'S1,100,Lovelace,Ada,Anne Byron,Parent/Guardian',
        'S2,100,Lovelace,Ada,Anne Byron,Parent/Guardian',
        'S1,101,Turing,Alan,Anne Byron,Parent/Guardian',
        'S2,102,Hopper,Grace,,',
      ),
    });
    expect(items.filter((item) => item.type === 'skipped')).toEqual([
      { type: 'skipped', reason: 'contact', origin: expect.objectContaining({ line: 2 }) },
      { type: 'skipped', reason: 'contact', origin: expect.objectContaining({ line: 4 }) },
    ]);
  });
});

describe('a row that repeats an earlier row of its file value for value', () => {
  const withRepeats = {
    'schools.csv': csv('School_id,School_name,Low_grade,High_grade', 'S1,North High,9,12', 'S2,South Elementary,K,5', 'S1,North High,9,12'),
    'students.csv': csv(
      'School_id,Student_id,Last_name,First_name,Contact_name',
      'S1,100,Lovelace,Ada,Anne Byron',
      'S1,101,Turing,Alan,',
      'S1,100,Lovelace,Ada,Anne Byron',
      'S2,102,Hopper,Grace,',
    ),
    'teachers.csv': csv('School_id,Teacher_id,Last_name,First_name,Teacher_email', 'S1,T1,Noether,Emmy,emmy@example.org', 'S2,T2,Curie,Marie,marie@example.org', 'S2,T2,Curie,Marie,marie@example.org'),
    'staff.csv': csv('School_id,Staff_id,Staff_email,Role', 'S1,A1,ada@example.org,STL', 'S1,A1,ada@example.org,STL'),
    'sections.csv': csv('School_id,Section_id,Teacher_id,Name', 'S1,SEC1,T1,Algebra', 'S2,SEC2,T2,Reading', 'S1,SEC1,T1,Algebra'),
    'enrollments.csv': csv('School_id,Section_id,Student_id', 'S1,SEC1,101', 'S1,SEC1,100', 'S1,SEC1,100', 'S2,SEC2,102'),
  };

  it('is taken once, and counted as a duplicate row of its file, read and not recorded', async () => {
    const { folder, items } = await readSmall(withRepeats);
    const records = csvRecords(items);
    expect(records.filter((record) => record.kind === 'school')).toHaveLength(2);
    expect(records.filter((record) => record.kind === 'user')).toHaveLength(6);
    expect(records.filter((record) => record.kind === 'section')).toHaveLength(2);
    // the repeated row's contact is the first row's: read and skipped once
    expect(items.filter((item) => item.type === 'skipped' && item.reason === 'contact')).toHaveLength(1);
    const duplicates = items.flatMap((item) => (item.type === 'skipped' && item.reason !== 'contact' ? [[item.reason, item.origin]] : []));
    expect(duplicates).toEqual([
      ['duplicate row (schools.csv)', expect.objectContaining({ file: join(folder, 'schools.csv'), line: 4 })],
      ['duplicate row (enrollments.csv)', { file: join(folder, 'enrollments.csv') }],
      ['duplicate row (students.csv)', expect.objectContaining({ file: join(folder, 'students.csv'), line: 4 })],
      ['duplicate row (teachers.csv)', expect.objectContaining({ file: join(folder, 'teachers.csv'), line: 4 })],
      ['duplicate row (staff.csv)', expect.objectContaining({ file: join(folder, 'staff.csv'), line: 3 })],
      ['duplicate row (sections.csv)', expect.objectContaining({ file: join(folder, 'sections.csv'), line: 4 })],
    ]);
  });

  it('gives the records the file would give without it', async () => {
    const { items } = await readSmall(withRepeats);
    const once = Object.fromEntries(Object.entries(withRepeats).map(([name, content]) => [name, [...new Set(content.split('\n'))].join('\n')]));
    const { items: expected } = await readSmall(once);
    expect(csvRecords(items)).toEqual(csvRecords(expected));
  });
});

describe('an enrollment whose School_id is not its section\'s', () => {
  it('is kept at its section\'s school and yielded as a mismatch where it was read, named by its section\'s id', async () => {
    const { folder, items } = await readSmall({
      'enrollments.csv': csv('School_id,Section_id,Student_id', 'S1,SEC1,101', 'S2,SEC1,100', 'S2,SEC2,102'),
    });
    expect(items.filter((item) => item.type === 'mismatch')).toEqual([
      { type: 'mismatch', what: 'enrollments.csv School_id', origin: { file: join(folder, 'enrollments.csv'), line: 3, record: 1, recordId: id('section', 'SEC1') } },
    ]);
    const records = csvRecords(items);
    const section = records.find((record): record is SectionRecord => record.kind === 'section' && record.id === id('section', 'SEC1'));
    expect(section?.fields['school']).toBe(S1);
    expect(section?.students).toEqual([id('student', '100'), id('student', '101')].sort());
    // Ada's schools: her row's and her section's; the enrollment's School_id adds none
    expect(userWithSis(records, '100')?.roles.student?.fields).toMatchObject({ school: S1, schools: [S1] });
  });

  it('is one mismatch however many of its rows say so, its repeats counted apart', async () => {
    const { items } = await readSmall({
      'enrollments.csv': csv('School_id,Section_id,Student_id', 'S1,SEC1,101', 'S2,SEC1,100', 'S2,SEC1,100', 'S1,SEC1,102', 'S2,SEC1,102'),
    });
    expect(items.filter((item) => item.type === 'mismatch').map((item) => item.type === 'mismatch' && item.origin.line)).toEqual([3, 6]);
  });
});

describe('a section whose row has neither Name nor Course_name', () => {
  const unnamed = (items: Awaited<ReturnType<typeof readCsvItems>>) => items.filter((item) => item.type === 'unnamed');

  it('is recorded without a name, and yielded after its record as unnamed where its row was read', async () => {
    const { folder, items } = await readSmall({
      'sections.csv': csv('School_id,Section_id,Teacher_id,Name,Course_name,Period', 'S1,SEC1,T1,,,3', 'S2,SEC2,T2,Reading K,,', 'S1,SEC3,T1,,Algebra,'),
      'enrollments.csv': csv('School_id,Section_id,Student_id', 'S1,SEC1,100'),
    });
    const section = csvRecords(items).find((record): record is SectionRecord => record.id === id('section', 'SEC1'));
    expect(section?.fields['name']).toBeUndefined();
    expect(unnamed(items)).toEqual([{ type: 'unnamed', kind: 'section', origin: { file: join(folder, 'sections.csv'), line: 2, record: 0, recordId: id('section', 'SEC1') } }]);
    const at = items.findIndex((item) => item.type === 'unnamed');
    expect(items[at - 1]).toMatchObject({ type: 'record', record: { id: id('section', 'SEC1') } });
  });

  it('is every section of a sections.csv without either column', async () => {
    const { folder, items } = await readSmall({
      'sections.csv': csv('School_id,Section_id,Teacher_id,Period', 'S1,SEC1,T1,3', 'S2,SEC2,T2,'),
    });
    expect(unnamed(items).map((item) => item.origin)).toEqual([
      { file: join(folder, 'sections.csv'), line: 2, record: 0, recordId: id('section', 'SEC1') },
      { file: join(folder, 'sections.csv'), line: 3, record: 1, recordId: id('section', 'SEC2') },
    ]);
  });

  it('is none when every row has a Name or a Course_name', async () => {
    expect(unnamed((await readSmall()).items)).toEqual([]);
  });
});

describe('staff', () => {
  const staff = csv(
    'School_id,Staff_id,Staff_email,First_name,Last_name,Title,Role,Department',
    'S1,ST1,boss@example.org,Rosalind,Franklin,Principal,School Tech Lead,Admin',
    'S2,ST1,boss@example.org,Rosalind,Franklin,Principal,,Admin',
    'S2,ST2,EMMY@example.org,Emmy,Noether,Math lead,,Math',
  );

  it('a staff member is a user with a staff role; one whose email is a teacher\'s becomes a second role of that teacher', async () => {
    const { items } = await readSmall({ 'staff.csv': staff });
    const records = csvRecords(items);
    const order = records.filter((record) => record.kind === 'user').map((record) => Object.keys(record.roles).join('+'));
    expect(order).toEqual(['student', 'student', 'student', 'teacher+staff', 'teacher', 'staff']);
    expect(userWithSis(records, 'ST1')).toMatchObject({
      id: id('staff', 'ST1'),
      personal: { email: 'boss@example.org', name: { first: 'Rosalind', last: 'Franklin' } },
      roles: { staff: { fields: { department: 'Admin', roles: ['School Tech Lead'], schools: [S1, S2].sort(), title: 'Principal' }, personal: { staff_id: 'ST1' } } },
    });
    const emmy = userWithSis(records, 'T1');
    expect(emmy?.id).toBe(id('teacher', 'T1'));
    expect(emmy?.roles.staff).toEqual({ fields: { department: 'Math', schools: [S2], title: 'Math lead' }, personal: { staff_id: 'ST2' } });
  });

  it('keeps a staff member apart from teachers of the same email when it is several teachers\' or staff members\', and says so after the record', async () => {
    const { folder, items } = await readSmall({
      // a classroom's shared mailbox: two teachers and a staff member have it
      'teachers.csv': csv('School_id,Teacher_id,Last_name,First_name,Teacher_email', 'S1,T1,Noether,Emmy,room12@example.org', 'S2,T2,Curie,Marie,ROOM12@example.org'),
      'staff.csv': csv('School_id,Staff_id,Staff_email,First_name,Last_name', 'S1,ST1,room12@example.org,Ada,Byron', 'S1,ST2,boss@example.org,Rosalind,Franklin'),
      // and two staff members share a teacher's address in the deprecated file
      'admins.csv': csv('School_id,Staff_id,Admin_email,First_name,Last_name', 'S1,A1,office@example.org,Mary,Jackson', 'S1,A2,office@example.org,Grace,Hopper'),
    });
    const withOffice = await readSmall({
      'teachers.csv': csv('School_id,Teacher_id,Last_name,First_name,Teacher_email', 'S1,T1,Noether,Emmy,office@example.org', 'S2,T2,Curie,Marie,marie@example.org'),
      'admins.csv': csv('School_id,Staff_id,Admin_email,First_name,Last_name', 'S1,A1,office@example.org,Mary,Jackson', 'S1,A2,office@example.org,Grace,Hopper'),
    });
    const unpaired = (read: typeof items) => read.filter((item) => item.type === 'unpaired');
    expect(unpaired(items)).toEqual([
      { type: 'unpaired', what: 'staff.csv Staff_email', origin: { file: join(folder, 'staff.csv'), line: 2, record: 0, recordId: id('staff', 'ST1') } },
    ]);
    // each is a user of their own, the teachers too
    expect(Object.keys(userWithSis(csvRecords(items), 'ST1')!.roles)).toEqual(['staff']);
    expect(Object.keys(userWithSis(csvRecords(items), 'T1')!.roles)).toEqual(['teacher']);
    const at = items.findIndex((item) => item.type === 'unpaired');
    expect(items[at - 1]).toMatchObject({ type: 'record', record: { id: id('staff', 'ST1') } });
    expect(unpaired(withOffice.items).map((item) => [item.type === 'unpaired' && item.what, item.origin.recordId])).toEqual([
      ['admins.csv Admin_email', id('staff', 'A1')],
      ['admins.csv Admin_email', id('staff', 'A2')],
    ]);
    // one teacher and one staff member of an email are one user: nothing to say
    expect(unpaired((await readSmall({ 'staff.csv': staff })).items)).toEqual([]);
  });

  it("names a teacher's staff row whose name is not the teacher's as a mismatch, the name recorded as teachers.csv has it", async () => {
    const { folder, items } = await readSmall({
      // Emmy Noether of teachers.csv, by her email; her staff row spells her otherwise
      'staff.csv': csv('School_id,Staff_id,Staff_email,First_name,Middle_name,Last_name', 'S2,ST2,EMMY@example.org,Emmy,A,Nöther'),
    });
    const emmy = userWithSis(csvRecords(items), 'T1');
    expect(Object.keys(emmy!.roles)).toEqual(['teacher', 'staff']);
    expect(emmy?.personal['name']).toEqual({ first: 'Emmy', last: 'Noether' });
    // Middle_name is not a column of teachers.csv: nothing to compare it with
    expect(items.filter((item) => item.type === 'mismatch')).toEqual([
      { type: 'mismatch', what: 'staff.csv Last_name', origin: { file: join(folder, 'staff.csv'), line: 2, record: 0, recordId: id('teacher', 'T1') } },
    ]);
    const at = items.findIndex((item) => item.type === 'mismatch');
    expect(items[at - 1]).toMatchObject({ type: 'record', record: { id: id('teacher', 'T1') } });
    // the same name in both files: nothing to say
    const same = await readSmall({ 'staff.csv': csv('School_id,Staff_id,Staff_email,First_name,Last_name', 'S2,ST2,emmy@example.org,Emmy,Noether') });
    expect(same.items.filter((item) => item.type === 'mismatch')).toEqual([]);
  });

  it('reads the deprecated admins.csv as staff', async () => {
    const { items } = await readSmall({
      'admins.csv': csv('School_id,Staff_id,Admin_email,First_name,Last_name,Admin_title', 'S1,A1,admin@example.org,Mary,Jackson,Principal'),
    });
    expect(userWithSis(csvRecords(items), 'A1')).toMatchObject({
      personal: { email: 'admin@example.org' },
      roles: { staff: { fields: { schools: [S1], title: 'Principal' } } },
    });
  });
});

describe('terms and courses', () => {
  it('are not part of a snapshot whose sections.csv has no term or course columns', async () => {
    const folder = await tempCsvFolder({
      ...smallDistrict(),
      'sections.csv': csv('School_id,Section_id,Teacher_id,Name,Period', 'S1,SEC1,T1,Algebra 1,3', 'S2,SEC2,T2,Reading K,'),
    });
    const source = await new CleverCsvSnapshotReader({ districtId: CSV_DISTRICT }).open(folder);
    expect(source.kinds).toEqual(['school', 'user', 'section']);
    const records = csvRecords(await readCsvItems(folder));
    expect(records.filter((record) => record.kind === 'term' || record.kind === 'course')).toEqual([]);
    expect(records.find((record) => record.id === id('section', 'SEC1'))?.fields).toEqual({
      name: 'Algebra 1',
      period: '3',
      school: S1,
      sis_id: 'SEC1',
    });
  });

  it('a term date that does not parse is kept and reported as an unknown value', async () => {
    const { items } = await readSmall({
      'sections.csv': csv('School_id,Section_id,Teacher_id,Term_name,Term_start,Term_end', 'S1,SEC1,T1,Fall,Aug 2015,12/20/2015', 'S2,SEC2,T2,Fall,Aug 2015,12/20/2015'),
    });
    const terms = items.filter((item) => item.type === 'record' && item.record.kind === 'term');
    expect(terms).toHaveLength(1);
    expect(terms[0]).toMatchObject({
      record: { fields: { name: 'Fall', start_date: 'Aug 2015', end_date: '2015-12-20' } },
      unknownValues: ['term.start_date'],
    });
  });
  it('a term that ends before it starts is recorded as given, and yielded after it as such, by file and line', async () => {
    const { folder, items } = await readSmall({
      'sections.csv': csv('School_id,Section_id,Teacher_id,Term_name,Term_start,Term_end', 'S1,SEC1,T1,Fall,8/1/2029,6/1/2029', 'S2,SEC2,T2,Spring,1/5/2030,6/1/2030'),
    });
    const fall = id('term', termKey('Fall', '2029-08-01', '2029-06-01'));
    const at = items.findIndex((item) => item.type === 'record' && item.record.id === fall);
    expect(items[at]).toMatchObject({ record: { fields: { name: 'Fall', start_date: '2029-08-01', end_date: '2029-06-01' } }, unknownValues: [] });
    expect(items[at + 1]).toEqual({ type: 'endsBeforeStart', kind: 'term', origin: { file: join(folder, 'sections.csv'), line: 2, record: 0, recordId: fall } });
    expect(items.filter((item) => item.type === 'endsBeforeStart')).toHaveLength(1);
  });

  it('a two-digit year of a term is the one nearest the year of the import, and has no century without one', async () => {
    const folder = await tempCsvFolder({
      ...smallDistrict(),
      'sections.csv': csv('School_id,Section_id,Teacher_id,Term_name,Term_start,Term_end', 'S1,SEC1,T1,2029-30,8/1/29,6/1/30', 'S2,SEC2,T2,2029-30,8/1/29,6/1/30'),
    });
    const termIn = async (importedOn?: string) => {
      const items = await readCsvItems(folder, { districtId: CSV_DISTRICT, ...(importedOn === undefined ? {} : { importedOn }) });
      const term = items.find((item) => item.type === 'record' && item.record.kind === 'term');
      return term?.type === 'record' ? { fields: term.record.fields, unknownValues: term.unknownValues } : undefined;
    };
    expect(await termIn('2029-09-01')).toEqual({ fields: { name: '2029-30', start_date: '2029-08-01', end_date: '2030-06-01' }, unknownValues: [] });
    expect(await termIn('2029-09-01')).toEqual(await termIn('2029-01-01'));
    expect(await termIn()).toEqual({ fields: { name: '2029-30', start_date: '8/1/29', end_date: '6/1/30' }, unknownValues: ['term.end_date', 'term.start_date'] });
  });

  it("a term's two-digit end year is the one nearest its start's, so its dates never fall in two centuries", async () => {
    const folder = await tempCsvFolder({
      ...smallDistrict(),
      'sections.csv': csv('School_id,Section_id,Teacher_id,Term_name,Term_start,Term_end', 'S1,SEC1,T1,1998-99,8/1/98,6/1/99', 'S2,SEC2,T2,1998-99,8/1/98,6/1/99'),
    });
    // in 2049, 98 is 2098 (49 years on) and 99 on its own 1999 (50 years back)
    const items = await readCsvItems(folder, { districtId: CSV_DISTRICT, importedOn: '2049-06-01' });
    expect(items.find((item) => item.type === 'record' && item.record.kind === 'term')).toMatchObject({ record: { fields: { start_date: '2098-08-01', end_date: '2099-06-01' } } });
    expect(items.filter((item) => item.type === 'endsBeforeStart')).toEqual([]);
  });
});

describe('ids', () => {
  it('are derived from the SIS ids, the same in every import, and differ between districts', async () => {
    const folder = await tempCsvFolder(smallDistrict());
    const ids = async (districtId: string) => csvRecords(await readCsvItems(folder, { districtId })).map((record) => record.id);
    const first = await ids(CSV_DISTRICT);
    expect(first.every((each) => /^sis-(school|term|course|student|teacher|section)-[0-9a-f]{24}$/.test(each))).toBe(true);
    expect(await ids(CSV_DISTRICT)).toEqual(first);
    const other = await ids('another-district');
    expect(other.filter((each) => first.includes(each))).toEqual([]);
  });
});

describe('values outside Clever\'s enumerations', () => {
  it('are kept as they are and listed as unknown values', async () => {
    const { items } = await readSmall({
      'students.csv': csv('School_id,Student_id,Last_name,First_name,Gender,Grade,DOB', 'S1,100,Lovelace,Ada,Unknown,K5,2/30/2005', 'S1,101,Turing,Alan,,,', 'S2,102,Hopper,Grace,,,'),
    });
    const ada = items.find((item) => item.type === 'record' && item.record.id === id('student', '100'));
    expect(ada).toMatchObject({
      unknownValues: ['student.dob', 'student.gender', 'student.grade'],
      record: { roles: { student: { fields: { grade: 'K5' }, personal: { gender: 'Unknown', dob: '2/30/2005' } } } },
    });
  });

  it('a Graduation_year a spreadsheet saved as a number, 2030.0, is kept as given and listed', async () => {
    const { items } = await readSmall({
      'students.csv': csv('School_id,Student_id,Last_name,First_name,Graduation_year', 'S1,100,Lovelace,Ada,2030.0', 'S1,101,Turing,Alan,2029', 'S2,102,Hopper,Grace,'),
    });
    const student = (sisId: string) => items.find((item) => item.type === 'record' && item.record.id === id('student', sisId));
    expect(student('100')).toMatchObject({ unknownValues: ['student.graduation_year'], record: { roles: { student: { fields: { graduation_year: '2030.0' } } } } });
    expect(student('101')).toMatchObject({ unknownValues: [], record: { roles: { student: { fields: { graduation_year: '2029' } } } } });
  });

  it('a two-digit year of birth is never after the year of the import, and has no century without one', async () => {
    const folder = await tempCsvFolder({
      ...smallDistrict(),
      'students.csv': csv('School_id,Student_id,Last_name,First_name,DOB', 'S1,100,Lovelace,Ada,1/2/29', 'S1,101,Turing,Alan,11/1/98', 'S2,102,Hopper,Grace,'),
    });
    const dobs = async (importedOn?: string) => {
      const items = await readCsvItems(folder, { districtId: CSV_DISTRICT, ...(importedOn === undefined ? {} : { importedOn }) });
      return ['100', '101'].map((sisId) => {
        const item = items.find((each) => each.type === 'record' && each.record.id === id('student', sisId));
        const student = item?.type === 'record' && item.record.kind === 'user' ? item.record.roles.student : undefined;
        return { dob: student?.personal['dob'], unknownValues: item?.type === 'record' ? item.unknownValues : undefined };
      });
    };
    const [ada, alan] = await dobs(CSV_IMPORTED_ON);
    expect(ada?.dob).toBe('1929-01-02');
    expect(String(ada?.dob) <= CSV_IMPORTED_ON).toBe(true);
    expect(alan).toEqual({ dob: '1998-11-01', unknownValues: [] });
    expect((await dobs('2029-06-01'))[0]?.dob).toBe('2029-01-02');
    expect(await dobs()).toEqual([
      { dob: '1/2/29', unknownValues: ['student.dob'] },
      { dob: '11/1/98', unknownValues: ['student.dob'] },
    ]);
  });

  it('a Home_language in any case becomes Clever\'s spelling; one outside Clever\'s list is kept as given and listed', async () => {
    const { items } = await readSmall({
      'students.csv': csv('School_id,Student_id,Last_name,First_name,Home_language', 'S1,100,Lovelace,Ada,SPANISH', 'S1,101,Turing,Alan,Klingon', 'S2,102,Hopper,Grace,'),
    });
    const student = (sisId: string) => items.find((item) => item.type === 'record' && item.record.id === id('student', sisId));
    expect(student('100')).toMatchObject({ unknownValues: [], record: { roles: { student: { personal: { home_language: 'Spanish' } } } } });
    expect(student('101')).toMatchObject({ unknownValues: ['student.home_language'], record: { roles: { student: { personal: { home_language: 'Klingon' } } } } });
    expect(student('102')).toMatchObject({ unknownValues: [] });
  });
});
