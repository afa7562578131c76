import { mkdir, rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { InvalidInput } from '@roster-ledger/domain';
import { CleverCsvSnapshotReader } from './csv-snapshot-reader';
import { csvRecordId } from './csv-ids';
import { CSV_DISTRICT, csv, readCsvFailure, removeTempCsvFolders, smallDistrict, tempCsvFolder } from './spec-support/temp-csv';

afterEach(removeTempCsvFolders);

/** The failure of the small district with some files replaced (or removed, given `undefined`). */
async function failureWith(files: Record<string, string | Uint8Array | undefined>) {
  const all: Record<string, string | Uint8Array> = { ...smallDistrict() };
  for (const [name, content] of Object.entries(files)) {
    if (content === undefined) delete all[name];
    else all[name] = content;
  }
  const folder = await tempCsvFolder(all);
  return { error: await readCsvFailure(folder), folder };
}

describe('a CSV snapshot that breaks a rule is rejected with InvalidInput naming the file, line, column and rule', () => {
  it('a missing required file, named', async () => {
    const { error, folder } = await failureWith({ 'enrollments.csv': undefined });
    expect(error).toBeInstanceOf(InvalidInput);
    expect(error.at).toEqual({ file: join(folder, 'enrollments.csv') });
    expect(error.message).toBe(
      `${join(folder, 'enrollments.csv')}: missing required file enrollments.csv: a Clever SFTP snapshot needs schools.csv, students.csv, teachers.csv, sections.csv, enrollments.csv`,
    );
  });

  it('a gzip-compressed or UTF-16 file, named as such with what to do, rather than by its first byte that is not UTF-8', async () => {
    const schools = smallDistrict()['schools.csv']!;
    const gzipped = await failureWith({ 'schools.csv': gzipSync(schools) });
    expect(gzipped.error.at).toEqual({ file: join(gzipped.folder, 'schools.csv') });
    expect(gzipped.error.message).toBe(`${join(gzipped.folder, 'schools.csv')}: file is gzip-compressed: decompress it first (e.g. mv schools.csv schools.csv.gz && gunzip schools.csv.gz)`);
    const utf16 = await failureWith({ 'students.csv': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(smallDistrict()['students.csv']!, 'utf16le')]) });
    expect(utf16.error.message).toBe(`${join(utf16.folder, 'students.csv')}: file is UTF-16 text (it starts with a UTF-16 byte-order mark): save it as UTF-8`);
    const noBom = await failureWith({ 'sections.csv': Buffer.from(smallDistrict()['sections.csv']!, 'utf16le') });
    expect(noBom.error.rule).toBe('file is UTF-16 text (a NUL byte beside each of its first characters): save it as UTF-8');
  });

  it('a missing required column, when the snapshot is opened', async () => {
    const folder = await tempCsvFolder({ ...smallDistrict(), 'students.csv': csv('School_id,Student_id,First_name', 'S1,100,Ada') });
    const opening = new CleverCsvSnapshotReader({ districtId: 'd1' }).open(folder);
    await expect(opening).rejects.toThrow(InvalidInput);
    await expect(opening).rejects.toMatchObject({
      message: `${join(folder, 'students.csv')}, line 1, column Last_name: missing required column Last_name in the header`,
      at: { file: join(folder, 'students.csv'), line: 1, column: 'Last_name' },
    });
  });

  it('a file separated by semicolons or tabs: the missing column says so', async () => {
    for (const [separator, named] of [[';', '";"'], ['\t', 'tabs']] as const) {
      const folder = await tempCsvFolder({ ...smallDistrict(), 'schools.csv': csv(['School_id', 'School_name'].join(separator), ['S1', 'North'].join(separator)) });
      await expect(new CleverCsvSnapshotReader({ districtId: 'd1' }).open(folder)).rejects.toMatchObject({
        message: `${join(folder, 'schools.csv')}, line 1, column School_id: missing required column School_id in the header (the header reads as one column holding ${named}: Clever's SFTP files are separated by commas, this one seems separated by ${named}; save it as comma-separated CSV)`,
      });
    }
  });

  it('an unbalanced quote', async () => {
    const { error, folder } = await failureWith({
      'teachers.csv': csv('School_id,Teacher_id,Last_name,First_name', 'S1,T1,Noether,Emmy', 'S2,T2,"Curie,Marie', 'S2,T3,Meitner,Lise'),
    });
    expect(error.message).toBe(
      `${join(folder, 'teachers.csv')}, line 3, column Last_name: unbalanced quote: the quoted value that starts on this line is never closed`,
    );
  });

  it('an enrollment of an unknown section', async () => {
    const { error, folder } = await failureWith({
      'enrollments.csv': csv('School_id,Section_id,Student_id', 'S1,SEC1,100', 'S1,SEC9,101'),
    });
    expect(error.message).toBe(
      `${join(folder, 'enrollments.csv')}, line 3, column Section_id: unknown Section_id "SEC9": no such section in sections.csv`,
    );
  });

  it('an enrollment of an unknown student', async () => {
    const { error, folder } = await failureWith({
      'enrollments.csv': csv('School_id,Student_id,Section_id', 'S1,100,SEC1', 'S1,999,SEC1'),
    });
    expect(error.message).toBe(
      `${join(folder, 'enrollments.csv')}, line 3, column Student_id: unknown Student_id: no such student in students.csv`,
    );
  });

  it('a duplicate Student_id: a row with the same school that is not the same row again (another value in a column not read)', async () => {
    const { error, folder } = await failureWith({
      'students.csv': csv('School_id,Student_id,Last_name,First_name,Locker', 'S1,100,Lovelace,Ada,12', 'S1,101,Turing,Alan,13', 'S1,100,Lovelace,Ada,14'),
    });
    expect(error.message).toBe(
      `${join(folder, 'students.csv')}, line 4, id ${csvRecordId(CSV_DISTRICT, 'student', '100')}, column Student_id: duplicate Student_id: line 2 has the same one with the same School_id and contact columns`,
    );
  });

  it('two rows with one Student_id but other values (two students sharing an id)', async () => {
    const { error } = await failureWith({
      'students.csv': csv('School_id,Student_id,Last_name,First_name', 'S1,100,Lovelace,Ada', 'S2,100,Hopper,Grace'),
    });
    expect(error.at).toMatchObject({ line: 3, column: 'Student_id' });
    expect(error.rule).toBe('this Student_id is also on line 2 with other values in Last_name and First_name: the rows of one person may differ only in School_id and contact columns');
    // the values are a person's: pointed at, never quoted
    expect(error.message).not.toMatch(/Lovelace|Hopper|Ada|Grace/);
  });

  it('two rows of one Student_id at two schools that differ in one column, spelled as in the file', async () => {
    const { error } = await failureWith({
      'students.csv': csv('school_id,student_id,last_name,first_name,grade', 'S1,100,Lovelace,Ada,9', 'S1,101,Turing,Alan,10', 'S2,100,Lovelace,Ada,10'),
    });
    expect(error.rule).toBe('this Student_id is also on line 2 with other values in grade: the rows of one person may differ only in School_id and contact columns');
  });

  it('two rows of one Teacher_id that differ in many columns name the first three and count the others', async () => {
    const { error } = await failureWith({
      'teachers.csv': csv(
        'School_id,Teacher_id,Last_name,First_name,Middle_name,Title,Teacher_email',
        'S1,T1,Noether,Emmy,A,Dr,emmy@example.org',
        'S2,T2,Curie,Marie,,,marie@example.org',
        'S2,T1,Meitner,Lise,B,Prof,lise@example.org',
      ),
    });
    expect(error.at).toMatchObject({ line: 4, column: 'Teacher_id' });
    expect(error.rule).toBe('this Teacher_id is also on line 2 with other values in Last_name, First_name, Middle_name and 2 more columns: the rows of one person may differ only in School_id');
  });

  it('a staff member on staff.csv and admins.csv with other values names the other file and the column', async () => {
    const { error, folder } = await failureWith({
      'staff.csv': csv('School_id,Staff_id,Staff_email,Title', 'S1,A1,ada@example.org,Principal'),
      'admins.csv': csv('School_id,Staff_id,Admin_email,Admin_title', 'S2,A1,ada@example.org,Head'),
    });
    expect(error.at).toMatchObject({ file: join(folder, 'admins.csv'), line: 2, column: 'Staff_id' });
    expect(error.rule).toBe(`this Staff_id is also on ${join(folder, 'staff.csv')}, line 2 with other values in Admin_title: the rows of one person may differ only in School_id and Role`);
  });

  it('an empty required value', async () => {
    const { error, folder } = await failureWith({
      'students.csv': csv('School_id,Student_id,Last_name,First_name', 'S1,100,Lovelace,Ada', ',101,Turing,Alan'),
    });
    expect(error.message).toBe(
      `${join(folder, 'students.csv')}, line 3, id ${csvRecordId(CSV_DISTRICT, 'student', '101')}, column School_id: School_id is empty: every row needs a value in this column`,
    );
  });

  it('a row\'s error names its record by the id the ledger records it under, never by a person\'s SIS id', async () => {
    const student = await failureWith({ 'students.csv': csv('School_id,Student_id,Last_name,First_name', 'S1,100,Lovelace,Ada', 'S9,73519,Turing,Alan') });
    expect(student.error.at).toEqual({ file: join(student.folder, 'students.csv'), line: 3, recordId: csvRecordId(CSV_DISTRICT, 'student', '73519'), column: 'School_id' });
    expect(student.error.message).not.toContain('73519');

    const teacher = await failureWith({ 'teachers.csv': csv('School_id,Teacher_id,Last_name,First_name', 'S1,T1,Noether,', 'S2,T2,Curie,Marie') });
    expect(teacher.error.at).toMatchObject({ line: 2, recordId: csvRecordId(CSV_DISTRICT, 'teacher', 'T1'), column: 'First_name' });

    const section = await failureWith({ 'sections.csv': csv('School_id,Section_id,Teacher_id', 'S1,SEC1,T1', 'S9,SEC2,T2') });
    expect(section.error.at).toMatchObject({ line: 3, recordId: csvRecordId(CSV_DISTRICT, 'section', 'SEC2'), column: 'School_id' });

    const school = await failureWith({ 'schools.csv': csv('School_id,School_name', 'S1,North High', 'S2,') });
    expect(school.error.at).toMatchObject({ line: 3, recordId: csvRecordId(CSV_DISTRICT, 'school', 'S2'), column: 'School_name' });
  });

  it('a row with no record of its own, or whose id is empty, is named by its line alone', async () => {
    const enrollment = await failureWith({ 'enrollments.csv': csv('School_id,Section_id,Student_id', 'S1,SEC1,100', 'S1,SEC9,101') });
    expect(enrollment.error.at).not.toHaveProperty('recordId');
    const noId = await failureWith({ 'students.csv': csv('School_id,Student_id,Last_name,First_name', 'S1,,Lovelace,Ada') });
    expect(noId.error.at).toEqual({ file: join(noId.folder, 'students.csv'), line: 2, column: 'Student_id' });
    // a staff member's id is settled by the whole file (one whose email is a teacher's takes the teacher's)
    const staff = await failureWith({ 'staff.csv': csv('School_id,Staff_id,Staff_email', 'S9,A1,ada@example.org') });
    expect(staff.error.at).toMatchObject({ line: 2, column: 'School_id' });
    expect(staff.error.at).not.toHaveProperty('recordId');
  });

  it('a reference to an unknown school, with the column spelled as in the file', async () => {
    const { error } = await failureWith({
      'teachers.csv': csv('school_id,teacher_id,last_name,first_name', 'S1,T1,Noether,Emmy', 'S9,T2,Curie,Marie'),
    });
    expect(error.at).toMatchObject({ line: 3, column: 'school_id' });
    expect(error.rule).toBe('unknown School_id "S9": no such school in schools.csv');
  });

  it('a section taught by an unknown teacher', async () => {
    const { error } = await failureWith({
      'sections.csv': csv('School_id,Section_id,Teacher_id,Teacher_2_id', 'S1,SEC1,T1,T7', 'S2,SEC2,T2,'),
    });
    expect(error.at).toMatchObject({ line: 2, column: 'Teacher_2_id' });
    expect(error.rule).toBe('unknown Teacher_2_id: no such Teacher_id in teachers.csv');
  });

  it('two rows of one Student_id and school that differ name the columns that differ', async () => {
    const { error } = await failureWith({
      'students.csv': csv('School_id,Student_id,Last_name,First_name,Grade', 'S1,100,Lovelace,Ada,9', 'S1,101,Turing,Alan,10', 'S1,100,Lovelace,Ada,10'),
    });
    expect(error.at).toMatchObject({ line: 4, column: 'Student_id' });
    expect(error.rule).toBe('this Student_id is also on line 2 with other values in Grade: the rows of one person may differ only in School_id and contact columns');
  });

  it('a duplicate Section_id or School_id', async () => {
    const sections = await failureWith({
      'sections.csv': csv('School_id,Section_id,Teacher_id', 'S1,SEC1,T1', 'S2,SEC1,T2'),
    });
    expect(sections.error.at).toMatchObject({ line: 3, column: 'Section_id' });
    expect(sections.error.rule).toBe('duplicate Section_id "SEC1": already on line 2');
    const schools = await failureWith({ 'schools.csv': csv('School_id,School_name', 'S1,North', 'S2,South', 'S1,North again') });
    expect(schools.error.rule).toBe('duplicate School_id "S1": already on line 2');
  });

  it('a column named twice in a header', async () => {
    const { error } = await failureWith({ 'schools.csv': csv('School_id,School_name,school_ID', 'S1,North,S1') });
    expect(error.at).toMatchObject({ line: 1, column: 'school_ID' });
    expect(error.rule).toBe('column School_id appears twice in the header (columns 1 and 3)');
  });

  it('no district id: Clever CSVs do not name their district', async () => {
    const folder = await tempCsvFolder(smallDistrict());
    const error = await readCsvFailure(folder, {});
    expect(error.rule).toBe('a CSV snapshot needs --district <id>: Clever CSV files do not name their district');
  });

  it('a folder named as a snapshot file, required or not', async () => {
    for (const name of ['students.csv', 'staff.csv']) {
      const folder = await tempCsvFolder(smallDistrict());
      await rm(join(folder, name), { force: true });
      await mkdir(join(folder, name));
      const error = await readCsvFailure(folder, { districtId: 'd1' });
      expect(error.rule).toBe(`${name} is a folder, not a file: expected the snapshot's ${name} there`);
      expect(error.at.file).toBe(join(folder, name));
    }
  });

  it('a device named as a snapshot file (a link to /dev/zero): refused, never read (it would be read for ever)', async () => {
    const folder = await tempCsvFolder(smallDistrict());
    await rm(join(folder, 'enrollments.csv'));
    await symlink('/dev/zero', join(folder, 'enrollments.csv'));
    const error = await readCsvFailure(folder, { districtId: 'd1' });
    expect(error.rule).toBe("enrollments.csv is no file (a device or a socket): expected the snapshot's enrollments.csv there, in a file");
  });

  it('a folder that does not exist', async () => {
    const error = await readCsvFailure(join(await tempCsvFolder({}), 'nowhere'), { districtId: 'd1' });
    expect(error.rule).toBe('CSV snapshot folder not found');
  });
});
