import { UNNAMED_COLUMN_ROWS_LOOKED_AT, unreadCsvColumns } from './csv-unread-columns';
import { csv, csvRecords, readCsvItems, removeTempCsvFolders, smallDistrict, tempCsvFolder } from './spec-support/temp-csv';

afterEach(removeTempCsvFolders);

describe('the columns of a CSV upload that Clever\'s SFTP format does not define', () => {
  it('are named by file, as the header spells them, and their values are not recorded', async () => {
    const folder = await tempCsvFolder({
      ...smallDistrict(),
      'students.csv': csv('School_id,Student_id,Last_name,First_name,Locker,grade_level,Password,', 'S1,100,Lovelace,Ada,L-17,9,secret,', 'S1,101,Turing,Alan,,,,', 'S2,102,Hopper,Grace,,,,'),
      'teachers.csv': csv('School_id,Teacher_id,Last_name,First_name,Room', 'S1,T1,Noether,Emmy,B12', 'S2,T2,Curie,Marie,'),
    });
    expect(await unreadCsvColumns(folder)).toEqual([
      { file: 'students.csv', columns: ['Locker', 'grade_level'] },
      { file: 'teachers.csv', columns: ['Room'] },
    ]);
    const recorded = JSON.stringify(csvRecords(await readCsvItems(folder)));
    expect(recorded).not.toContain('L-17');
    expect(recorded).not.toContain('B12');
  });

  it('include a column with no name that some row gives a value, by its place; not one whose values are all empty (a trailing comma)', async () => {
    const folder = await tempCsvFolder({
      ...smallDistrict(),
      'sections.csv': csv('School_id,Section_id,,Teacher_id,Name,', 'S1,SEC1,,T1,Algebra,', 'S2,SEC2,Room 4,T2,Reading,'),
      'teachers.csv': csv('School_id,Teacher_id,Last_name,First_name,', 'S1,T1,Noether,Emmy,', 'S2,T2,Curie,Marie,'),
    });
    expect(await unreadCsvColumns(folder)).toEqual([{ file: 'sections.csv', columns: ['column 3 (no name)'] }]);
    expect(JSON.stringify(csvRecords(await readCsvItems(folder)))).not.toContain('Room 4');
  });

  it('look for a value of a column with no name in the first rows of its file only, not through the whole file', async () => {
    // a trailing comma on every line of a large file: its rows are not all read again before the sync
    const empty = Array.from({ length: UNNAMED_COLUMN_ROWS_LOOKED_AT }, (_, i) => `S1,SEC${i},T1,Class ${i},`);
    const sections = (last: string) => csv('School_id,Section_id,Teacher_id,Name,', ...empty, last);
    const late = await tempCsvFolder({ ...smallDistrict(), 'sections.csv': sections('S1,LATE,T1,Late,value past the rows looked at') });
    expect(await unreadCsvColumns(late)).toEqual([]);
    const early = await tempCsvFolder({ ...smallDistrict(), 'sections.csv': sections('S1,LATE,T1,Late,').replace('Class 0,', 'Class 0,Room 1') });
    expect(await unreadCsvColumns(early)).toEqual([{ file: 'sections.csv', columns: ['column 5 (no name)'] }]);
  });

  it('are none in an upload of Clever\'s columns only, and none for a folder that is no upload (its sync says why)', async () => {
    expect(await unreadCsvColumns(await tempCsvFolder(smallDistrict()))).toEqual([]);
    const { 'enrollments.csv': _, ...withoutEnrollments } = smallDistrict();
    expect(await unreadCsvColumns(await tempCsvFolder(withoutEnrollments))).toEqual([]);
  });
});
