import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { unreadSnapshotFiles } from './index';
import { removeTempFolders, tempFolder } from './spec-support/temp-snapshot';

const DEMO = resolve(__dirname, '../../testing/fixtures/clever-demo');

afterEach(removeTempFolders);

describe('files of a snapshot folder that an import does not read', () => {
  it('lists a misspelt file name', async () => {
    const folder = await tempFolder({ 'districts.json': '[]', 'user.json': '[]' });
    expect(await unreadSnapshotFiles(folder)).toEqual({
      files: ['user.json'],
      expected: ['districts.json', 'schools.json', 'terms.json', 'courses.json', 'users.json', 'sections.json'],
      layout: 'json',
    });
  });

  it("lists an older Clever layout's files (students.json, teachers.json) and CSV files beside JSON ones", async () => {
    const folder = await tempFolder({ 'districts.json': '[]', 'sections.json': '[]', 'students.json': '[]', 'teachers.json': '[]', 'Users.JSON': '[]', 'schools.csv': '' });
    expect((await unreadSnapshotFiles(folder)).files).toEqual(['Users.JSON', 'schools.csv', 'students.json', 'teachers.json']);
  });

  it('does not list what is not data: hidden files, folders, notes', async () => {
    const folder = await tempFolder({ 'users.json': '[]', '.users.json.swp': '', 'README.md': '', 'SOURCE.txt': '', '.DS_Store': '' });
    await mkdir(join(folder, 'old.json'));
    expect((await unreadSnapshotFiles(folder)).files).toEqual([]);
  });

  it('lists nothing for the Clever demo district, every file of which is read', async () => {
    expect((await unreadSnapshotFiles(DEMO)).files).toEqual([]);
  });

  it("judges an SFTP CSV upload by Clever's CSV names, a name differing only in case included", async () => {
    const folder = await tempFolder({ 'Schools.csv': '', 'students.csv': '', 'teachers.csv': '', 'sections.csv': '', 'enrollment.csv': '', 'users.json': '[]', 'Readme.txt': '' });
    expect(await unreadSnapshotFiles(folder)).toEqual({
      files: ['enrollment.csv', 'users.json'],
      expected: ['schools.csv', 'students.csv', 'teachers.csv', 'sections.csv', 'enrollments.csv', 'staff.csv', 'admins.csv'],
      layout: 'csv',
    });
  });
});
