import { DEMO_USERS, demoFolderWithUsers, withStudentFields, type Json } from './support/demo-users-folder';
import { cliJson, readLog, rosterEvents, scratch } from './support/ledger-cli';

/**
 * Clever gives a student's ELL, FRL, IEP and home language only to an app granted their scopes:
 * without them the keys are not in the record at all (clever-data.md §0.10, §6). A district that
 * stops granting a scope must not read as every student's status cleared by the SIS: a key left
 * out leaves the ledger's value, counted as kept; a key given empty clears it.
 */
describe("a student's scoped fields left out of a snapshot folder (end to end)", () => {
  const tmp = scratch('scoped-fields');
  afterAll(() => tmp.cleanup());
  const db = tmp.path('ledger.db');

  const index = DEMO_USERS.findIndex((u) => u['roles']?.student);
  const plain = DEMO_USERS[index]!;
  const grade = plain['roles'].student.grade as string;
  const nextGrade = String(Number(grade) + 1);
  const SCOPED = { ell_status: 'N', frl_status: 'Free', iep_status: 'Y', home_language: 'Spanish', home_language_code: 'spa' };
  const studentWith = (fields: Json): Json => withStudentFields(plain, fields);

  /** A folder of the demo district whose users.json (at v3.1) serves `student` in place of the plain one. */
  const folder = (name: string, student: Json): string => demoFolderWithUsers(tmp.path(name), DEMO_USERS.map((u, i) => (i === index ? student : u)), 'v3.1');

  const importing = async (at: string) => {
    const before = (await readLog(db)).length;
    const { status, body, stderr } = cliJson(['import', at, '--db', db]);
    expect({ status, stderr }).toEqual({ status: 0, stderr: expect.any(String) });
    const ofStudent = rosterEvents((await readLog(db)).slice(before)).filter((e) => e.streamId === `user-${plain['id']}`);
    return { body, events: ofStudent.map((e) => [e.type, e.data]) };
  };

  it('records the scoped fields a record gives', async () => {
    const { events } = await importing(folder('day-1', studentWith(SCOPED)));
    expect(events).toEqual([['StudentShared', expect.objectContaining({ personal: expect.objectContaining(SCOPED) })]]);
  });

  it('given the keys left out, records only what else changed, and says which fields it kept', async () => {
    const { body, events } = await importing(folder('day-2', studentWith({ grade: nextGrade })));
    expect(events).toEqual([['StudentUpdated', { id: plain['id'], changes: { grade: { from: grade, to: nextGrade } }, personal: {} }]]);
    expect(body['kept']).toEqual({
      'ell_status (not in the record: Clever gives it only under a scope of its own)': 1,
      'frl_status (not in the record: Clever gives it only under a scope of its own)': 1,
      'home_language (not in the record: Clever gives it only under a scope of its own)': 1,
      'home_language_code (not in the record: Clever gives it only under a scope of its own)': 1,
      'iep_status (not in the record: Clever gives it only under a scope of its own)': 1,
    });
  });

  it('given a key back and empty, records it cleared, and keeps the others still left out', async () => {
    const { body, events } = await importing(folder('day-3', studentWith({ grade: nextGrade, frl_status: '' })));
    expect(events).toEqual([['DemographicUpdated', { id: plain['id'], personal: { frl_status: { from: 'Free', to: null } } }]]);
    expect(Object.keys(body['kept'] as object)).toEqual([
      'ell_status (not in the record: Clever gives it only under a scope of its own)',
      'home_language (not in the record: Clever gives it only under a scope of its own)',
      'home_language_code (not in the record: Clever gives it only under a scope of its own)',
      'iep_status (not in the record: Clever gives it only under a scope of its own)',
    ]);
  });
});
