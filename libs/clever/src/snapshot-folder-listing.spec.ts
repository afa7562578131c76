import { mkdir, symlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { listSnapshotFolder, snapshotSubfolders } from './index';
import { removeTempFolders, tempFolder } from './spec-support/temp-snapshot';

const DEMO = resolve(__dirname, '../../testing/fixtures/clever-demo');
const FIXTURES = resolve(DEMO, '..');

afterEach(removeTempFolders);

describe('what an import of a snapshot folder reads and leaves unread', () => {
  it('lists a misspelt file name as unread, beside the files it reads', async () => {
    const folder = await tempFolder({ 'districts.json': '[]', 'user.json': '[]' });
    expect(listSnapshotFolder(folder)).toEqual({
      read: ['districts.json'],
      unread: ['user.json'],
      expected: ['districts.json', 'schools.json', 'terms.json', 'courses.json', 'users.json', 'sections.json'],
      // any JSON file may be missing: it means the snapshot does not cover that kind
      missing: [],
      layout: 'json',
    });
  });

  it("lists an older Clever layout's files (students.json, teachers.json) and CSV files beside JSON ones", async () => {
    const folder = await tempFolder({ 'districts.json': '[]', 'sections.json': '[]', 'students.json': '[]', 'teachers.json': '[]', 'users.json': '[]', 'schools.csv': '' });
    expect(listSnapshotFolder(folder).unread).toEqual(['schools.csv', 'students.json', 'teachers.json']);
  });

  it('reads a snapshot file named in another case as the file (Users.JSON is users.json), and its own name first when both are there', async () => {
    const folder = await tempFolder({ 'Districts.json': '[]', 'Users.JSON': '[]' });
    expect(listSnapshotFolder(folder)).toMatchObject({ read: ['Districts.json', 'Users.JSON'], unread: [] });
    const both = await tempFolder({ 'users.json': '[]', 'USERS.json': '[]' });
    expect(listSnapshotFolder(both)).toMatchObject({ read: ['users.json'], unread: ['USERS.json'] });
  });

  it('does not list what is not data: hidden files, folders, notes; a folder named like a snapshot file is not read', async () => {
    const folder = await tempFolder({ 'users.json': '[]', '.users.json.swp': '', 'README.md': '', 'SOURCE.txt': '', '.DS_Store': '' });
    await mkdir(join(folder, 'old.json'));
    await mkdir(join(folder, 'sections.json'));
    expect(listSnapshotFolder(folder)).toMatchObject({ read: ['users.json'], unread: [] });
  });

  it('reads every file of the Clever demo district and leaves none', () => {
    expect(listSnapshotFolder(DEMO)).toMatchObject({ read: ['districts.json', 'users.json', 'sections.json'], unread: [] });
  });

  it("judges an SFTP CSV upload by Clever's CSV names, a name differing only in case included, and names the required files it lacks", async () => {
    const folder = await tempFolder({ 'Schools.csv': '', 'students.csv': '', 'teachers.csv': '', 'sections.csv': '', 'enrollment.csv': '', 'users.json': '[]', 'Readme.txt': '' });
    expect(listSnapshotFolder(folder)).toEqual({
      read: ['Schools.csv', 'students.csv', 'teachers.csv', 'sections.csv'],
      unread: ['enrollment.csv', 'users.json'],
      expected: ['schools.csv', 'students.csv', 'teachers.csv', 'sections.csv', 'enrollments.csv', 'staff.csv', 'admins.csv'],
      missing: ['enrollments.csv'],
      layout: 'csv',
    });
  });

  it('reads nothing of an empty folder or of one that is not there', async () => {
    expect(listSnapshotFolder(await tempFolder({}))).toMatchObject({ read: [], unread: [] });
    expect(listSnapshotFolder(join(FIXTURES, 'not-there'))).toMatchObject({ read: [], unread: [] });
  });

  it('names the subfolders of a parent folder that hold snapshot files, a link to one included', async () => {
    expect(snapshotSubfolders(FIXTURES)).toContain('clever-demo');
    expect(snapshotSubfolders(DEMO)).toEqual([]);
    const parent = await tempFolder({});
    await symlink(DEMO, join(parent, 'linked-demo'));
    await mkdir(join(parent, 'empty'));
    expect(snapshotSubfolders(parent)).toEqual(['linked-demo']);
  });

  it('never throws on a name it cannot look at (a loop of links), and counts it neither read nor unread', async () => {
    const folder = await tempFolder({ 'users.json': '[]' });
    await symlink(join(folder, 'loop.json'), join(folder, 'loop.json'));
    await symlink(join(folder, 'sections.json'), join(folder, 'sections.json'));
    expect(listSnapshotFolder(folder)).toMatchObject({ read: ['users.json'], unread: [] });
  });

  it('takes a second name of a file it reads (a link, as a case-insensitive file system gives one) as read, not unread', async () => {
    const folder = await tempFolder({ 'users.json': '[]' });
    await symlink(join(folder, 'users.json'), join(folder, 'Users.json'));
    expect(listSnapshotFolder(folder)).toMatchObject({ read: ['users.json'], unread: [] });
  });
});
