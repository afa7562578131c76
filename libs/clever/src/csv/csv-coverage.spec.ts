import { diffFields, type Fields, type PartialCoverage, type RosterRecord } from '@roster-ledger/domain';
import { ADMINS, CO_TEACHER_COLUMNS, SCHOOLS, SECTIONS, STAFF, STUDENTS, TEACHERS } from './csv-columns';
import { CleverCsvSnapshotReader } from './csv-snapshot-reader';
import { CSV_DISTRICT, csv, csvRecords, readCsvItems, removeTempCsvFolders, smallDistrict, tempCsvFolder } from './spec-support/temp-csv';

afterEach(removeTempCsvFolders);

/** One row per file, every column with a value Clever accepts. */
const FULL: Record<string, Record<string, string>> = {
  'schools.csv': {
    School_id: 'S1', School_name: 'North', School_number: '11', State_id: 'ST1', Nces_id: 'N1', Mdr_number: 'M1', Low_grade: '9', High_grade: '12',
    Principal: 'Pat', Principal_email: 'p@example.org', School_address: '1 Main', School_city: 'Town', School_state: 'NY', School_zip: '10001', School_phone: '555',
  },
  'students.csv': {
    School_id: 'S1', Student_id: '100', First_name: 'Ada', Last_name: 'L', Middle_name: 'B', Student_number: '7', State_id: 'SS', Grade: '9', Gender: 'F',
    DOB: '12/10/2005', Race: 'W', Hispanic_Latino: 'N', Home_language: 'English', Ell_status: 'N', Frl_status: 'F', IEP_status: 'N', Student_street: '2 Main',
    Student_city: 'Town', Student_state: 'NY', Student_zip: '10002', Student_email: 'ada@example.org', Graduation_year: '2024', Username: 'ada',
    Unweighted_gpa: '3.5', Weighted_gpa: '4.0', Contact_name: 'Kim',
  },
  'teachers.csv': {
    School_id: 'S1', Teacher_id: 'T1', First_name: 'Emmy', Last_name: 'N', Middle_name: 'A', Teacher_number: '9', State_teacher_id: 'ST', Teacher_email: 'emmy@example.org', Title: 'Dr', Username: 'emmy',
  },
  'staff.csv': { School_id: 'S1', Staff_id: 'F1', Staff_email: 'f@example.org', First_name: 'Fay', Last_name: 'W', Department: 'Math', Title: 'Lead', Username: 'fay', Role: 'School Tech Lead' },
  'sections.csv': {
    School_id: 'S1', Section_id: 'SEC1', Teacher_id: 'T1', Teacher_2_id: 'T1', ...Object.fromEntries(CO_TEACHER_COLUMNS.slice(1).map((c) => [c, ''])), Name: 'Alg', Section_number: '3', Grade: '9', Course_name: 'Algebra', Course_number: 'MA1',
    Course_description: 'Alg I', Period: '3', Subject: 'math', Term_name: 'Y1', Term_start: '8/1/15', Term_end: '6/1/16',
  },
  'enrollments.csv': { School_id: 'S1', Section_id: 'SEC1', Student_id: '100' },
};

/**
 * Columns that give no field when left out (README): no field of their own, or fields made from
 * several columns, read as the file has them; or co-teachers, which are memberships. Why, by column.
 */
const READ_AS_THE_FILE_HAS_THEM: Record<string, string> = {
  'students.csv Contact_name': 'a contact is skipped, never recorded',
  ...Object.fromEntries(CO_TEACHER_COLUMNS.map((c) => [`sections.csv ${c}`, 'co-teachers are memberships: unassigned without the column'])),
  'sections.csv Name': 'a section with a course is named after the course (this row has one): Name gives no field then',
  'sections.csv Course_number': 'part of the course id',
  'sections.csv Course_description': 'no field',
  'sections.csv Term_name': 'part of the term id',
  'sections.csv Term_start': 'part of the term id',
  'sections.csv Term_end': 'part of the term id',
};

const folderWithout = (file?: string, column?: string) =>
  tempCsvFolder(
    Object.fromEntries(
      Object.entries(FULL).map(([name, row]) => {
        const columns = Object.keys(row).filter((c) => !(name === file && c === column));
        return [name, csv(columns.join(','), columns.map((c) => row[c]).join(','))];
      }),
    ),
  );

/** Each record's fields by owner (a user's by role, with the person's own), flat for comparing. */
function fieldsByOwner(records: readonly RosterRecord[]): Map<string, Fields> {
  const owned = new Map<string, Fields>();
  for (const r of records) {
    if (r.kind !== 'user') owned.set(`${r.kind} ${r.id}`, { ...r.fields, ...r.personal });
    else for (const [role, parts] of Object.entries(r.roles)) owned.set(`${role} ${r.id}`, { ...parts!.fields, ...parts!.personal, ...r.fields, ...r.personal });
  }
  return owned;
}

const open = async (folder: string) => new CleverCsvSnapshotReader({ districtId: CSV_DISTRICT }).open(folder);

/** The section fields an upload whose sections.csv lacks `columns` leaves as the ledger holds them. */
async function sectionFieldsKeptWithout(...columns: string[]) {
  const row = Object.fromEntries(Object.entries(FULL['sections.csv']!).filter(([column]) => !columns.includes(column)));
  const folder = await tempCsvFolder({ ...smallDistrict(), 'sections.csv': csv(Object.keys(row).join(','), Object.values(row).join(',')) });
  return (await open(folder)).partial?.fields?.section;
}

describe('what a CSV upload does not cover', () => {
  it('is nothing for an upload with every file and column', async () => {
    expect((await open(await folderWithout())).partial).toBeUndefined();
  });

  it('names, for each optional column left out, exactly the field that the column gives, which would otherwise be cleared', async () => {
    const full = fieldsByOwner(csvRecords(await readCsvItems(await folderWithout())));
    for (const spec of [SCHOOLS, STUDENTS, TEACHERS, STAFF, SECTIONS]) {
      for (const column of Object.keys(FULL[spec.file]!).filter((c) => spec.optional.includes(c))) {
        const folder = await folderWithout(spec.file, column);
        const cleared: string[] = [];
        for (const [key, fields] of fieldsByOwner(csvRecords(await readCsvItems(folder)))) {
          const owner = key.split(' ')[0]!;
          for (const path of Object.keys(diffFields(full.get(key) ?? {}, fields))) cleared.push(`${owner} ${path}`);
        }
        const named = Object.entries((await open(folder)).partial?.fields ?? {}).flatMap(([owner, paths]) =>
          Object.entries(paths!).flatMap(([path, label]) => (label === `${spec.file} ${column}` ? [`${owner} ${path}`] : [])),
        );
        const label = `${spec.file} ${column}`;
        if (READ_AS_THE_FILE_HAS_THEM[label] !== undefined) expect({ label, named }).toEqual({ label, named: [] });
        // the course (the period) is kept; the name made with it is read, as Clever makes it: keeping
        // it would drop a rename the same upload gives
        else if (label === 'sections.csv Course_name') expect({ label, named, cleared }).toEqual({ label, named: ['section course'], cleared: ['section name', 'section course'] });
        else if (label === 'sections.csv Period') expect({ label, named, cleared: cleared.sort() }).toEqual({ label, named: ['section period'], cleared: ['section name', 'section period'] });
        else expect({ label, named: named.sort() }).toEqual({ label, named: cleared.sort() });
      }
    }
  });

  it('leaves staff out when neither staff.csv nor admins.csv is there, or teachers.csv has no Teacher_email; a staff column out when a staff file lacks it', async () => {
    const withoutStaff = await open(await tempCsvFolder(smallDistrict()));
    expect(withoutStaff.partial?.roles).toEqual({ staff: 'staff.csv' });

    const staffRow = FULL['staff.csv']!;
    const admins = csv('School_id,Staff_id,Admin_email,Department', `S1,A1,a@example.org,Office`);
    const staff = csv('School_id,Staff_id,Staff_email,Title', `S1,${staffRow['Staff_id']},${staffRow['Staff_email']},Lead`);
    const both = await open(await tempCsvFolder({ ...smallDistrict(), [STAFF.file]: staff, [ADMINS.file]: admins }));
    expect(both.partial?.roles).toBeUndefined();
    // each file's rows would clear what it lacks: kept for all, named after the first file lacking it
    expect(both.partial?.fields?.staff).toEqual({
      'name.first': 'staff.csv First_name',
      'name.last': 'staff.csv Last_name',
      department: 'staff.csv Department',
      title: 'admins.csv Title',
      'credentials.district_username': 'staff.csv Username',
      roles: 'staff.csv Role',
    } satisfies NonNullable<PartialCoverage['fields']>['staff']);

    // without Teacher_email no teacher's staff role can be told: staff are not covered
    const noTeacherEmail = { ...smallDistrict(), 'teachers.csv': csv('School_id,Teacher_id,Last_name,First_name', 'S1,T1,Noether,Emmy'), [STAFF.file]: staff };
    expect((await open(await tempCsvFolder(noTeacherEmail))).partial?.roles).toEqual({ staff: 'staff.csv, not applied: teachers.csv has no Teacher_email' });
  });

  it("keeps a section's name when neither a Name column nor a course names it", async () => {
    expect(await sectionFieldsKeptWithout('Name', 'Course_name')).toMatchObject({ name: 'sections.csv Name' });
    expect(await sectionFieldsKeptWithout('Period', 'Course_name')).toEqual({ course: 'sections.csv Course_name', period: 'sections.csv Period' });
  });

  it("keeps the sections' term when no Term_* column is there, but reads it when any one is (the term's id is made of the three)", async () => {
    expect(await sectionFieldsKeptWithout('Term_name', 'Term_start', 'Term_end')).toEqual({ term_id: 'sections.csv Term_name/Term_start/Term_end' });
    expect(await sectionFieldsKeptWithout('Term_start', 'Term_end')).toBeUndefined();
  });
});
