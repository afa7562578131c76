import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_USERS, demoFolderWithUsers, withStudentFields, type Json } from './support/demo-users-folder';
import { cliJson, readLog, rosterEvents, scratch } from './support/ledger-cli';

/**
 * Folders of saved Data API answers (the list envelope, each item with its `uri`) read at v3.1,
 * then at v3.0: a folder does not say its version, its items' `uri` (`/v3.0/users/<id>`) does.
 * v3.0 has no 504 status, gifted status, disability, ISO home language code nor preferred name:
 * a v3.0 file's records say nothing of them, so the ledger keeps what v3.1 gave, as it does for a
 * sync through the API at v3.0 (see clever-api-version.e2e-spec.ts). Read at v3.1 again, a cleared
 * value is a change.
 */
describe('snapshot folders of saved API answers at v3.0 after v3.1 (end to end)', () => {
  const tmp = scratch('snapshot-version');
  afterAll(() => tmp.cleanup());
  const db = tmp.path('ledger.db');

  const index = DEMO_USERS.findIndex((u) => u['roles']?.student);
  const plain = DEMO_USERS[index]!;
  const studentAt = (changes: Json): Json => withStudentFields(plain, changes);
  const V31_FIELDS = {
    section_504_status: 'Y',
    gifted_status: 'N',
    disability: { disability_status: 'Y', disability_type: 'Autism' },
    home_language_code: 'eng',
    preferred_name: { first: 'Sunny' },
  };
  const nextGrade = String(Number(plain['roles'].student.grade) + 1);

  /** A folder of the demo district whose users.json is an answer at `version` serving `student`. */
  const folderAt = (name: string, version: 'v3.0' | 'v3.1', student: Json): string =>
    demoFolderWithUsers(tmp.path(name), DEMO_USERS.map((u, i) => (i === index ? student : u)), version);

  /** Imports `folder`: the sync's summary and the student's events it appended. */
  const importing = async (folder: string) => {
    const before = (await readLog(db)).length;
    const { status, body, stderr } = cliJson(['import', folder, '--db', db]);
    expect({ status, stderr }).toEqual({ status: 0, stderr: expect.any(String) });
    const ofStudent = rosterEvents((await readLog(db)).slice(before)).filter((e) => e.streamId === `user-${plain['id']}`);
    return { body, events: ofStudent.map((e) => [e.type, e.data]) };
  };

  it('records what a v3.0 file changes and keeps the v3.1 fields its records leave out, saying which', async () => {
    const first = await importing(folderAt('day-1', 'v3.1', studentAt(V31_FIELDS)));
    expect(first.events).toEqual([['StudentShared', expect.objectContaining({ personal: expect.objectContaining({ section_504_status: 'Y', preferred_name: { first: 'Sunny' } }) })]]);

    const { body, events } = await importing(folderAt('day-2', 'v3.0', studentAt({ grade: nextGrade })));
    expect(body['status']).toBe('completed');
    expect(events).toEqual([['StudentUpdated', { id: plain['id'], changes: { grade: { from: plain['roles'].student.grade, to: nextGrade } }, personal: {} }]]);
    expect(body['kept']).toEqual({
      'section_504_status (a v3.1 field, read at v3.0)': 1,
      'gifted_status (a v3.1 field, read at v3.0)': 1,
      'disability (a v3.1 field, read at v3.0)': 1,
      'home_language_code (a v3.1 field, read at v3.0)': 1,
      'preferred_name (a v3.1 field, read at v3.0)': 1,
    });
  });

  it('recognises the record by its bytes on the next sync of v3.0 files: not read again, nothing kept again', async () => {
    const other = DEMO_USERS.findIndex((u, i) => i !== index && u['roles']?.student);
    const folder = folderAt('day-2b', 'v3.0', studentAt({ grade: nextGrade }));
    // another student changes: the folder is not the same files, and is read record by record
    const file = join(folder, 'users.json');
    const body = JSON.parse(readFileSync(file, 'utf8')) as { data: { data: Json }[] };
    body.data[other]!.data['roles'].student.grade = String(Number(body.data[other]!.data['roles'].student.grade) + 1);
    writeFileSync(file, JSON.stringify(body));
    const { body: summary, events } = await importing(folder);
    expect(summary['counts']).toEqual({ StudentUpdated: 1 });
    expect(events).toEqual([]);
    expect(summary['kept'] ?? {}).toEqual({});
  });

  it('records a v3.1 field cleared when a v3.1 file gives it empty', async () => {
    const { body, events } = await importing(folderAt('day-3', 'v3.1', studentAt({ ...V31_FIELDS, grade: nextGrade, section_504_status: '' })));
    expect(body['kept']).toEqual({});
    expect(events).toEqual([['DemographicUpdated', { id: plain['id'], personal: { section_504_status: { from: 'Y', to: null } } }]]);
  });
});
