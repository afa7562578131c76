import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLEVER_DEMO_DISTRICT_ID, CLEVER_DEMO_FOLDER } from '@roster-ledger/testing';
import { cli, cliJson, readLog, scratch } from './support/ledger-cli';

const DISTRICT = 'district-partial-csv';

/** A small SFTP upload: two schools' worth of students with grades, two teachers, two staff. */
function upload(dir: string, options: { staff?: 'rows' | 'header only' | 'none'; grade?: boolean; students?: 'rows' | 'header only' } = {}): string {
  const { staff = 'rows', grade = true } = options;
  mkdirSync(dir, { recursive: true });
  const lines = (...rows: string[]) => `${rows.join('\n')}\n`;
  writeFileSync(join(dir, 'schools.csv'), lines('School_id,School_name', 'S1,North High'));
  const students = options.students === 'header only' ? [] : Array.from({ length: 6 }, (_, i) => `S1,${100 + i},Last${i},First${i}${grade ? `,${9 + (i % 3)}` : ''}`);
  writeFileSync(join(dir, 'students.csv'), lines(`School_id,Student_id,Last_name,First_name${grade ? ',Grade' : ''}`, ...students));
  writeFileSync(join(dir, 'teachers.csv'), lines('School_id,Teacher_id,Last_name,First_name,Teacher_email', 'S1,T1,Noether,Emmy,emmy@example.org', 'S1,T2,Curie,Marie,marie@example.org'));
  writeFileSync(join(dir, 'sections.csv'), lines('School_id,Section_id,Teacher_id,Name', 'S1,SEC1,T1,Algebra'));
  writeFileSync(join(dir, 'enrollments.csv'), lines('School_id,Section_id,Student_id', ...students.map((row) => `S1,SEC1,${row.split(',')[1]}`)));
  const staffRows = ['S1,F1,fay@example.org,Office', 'S1,F2,emmy@example.org,Math'];
  if (staff !== 'none') writeFileSync(join(dir, 'staff.csv'), lines('School_id,Staff_id,Staff_email,Department', ...(staff === 'rows' ? staffRows : [])));
  return dir;
}

/** An upload that leaves out staff.csv or a column: what it does not have is left as the ledger holds it. */
describe('import of an SFTP CSV upload without an optional file or column (end to end)', () => {
  const tmp = scratch('csv-partial');
  const db = tmp.path('ledger.db');
  afterAll(() => tmp.cleanup());
  const importJson = (folder: string) => cliJson(['import', folder, '--district', DISTRICT, '--db', db, '--skip-projections']);
  const typesSince = async (before: number) => (await readLog(db)).slice(before).map((e) => e.type).filter((t) => !t.startsWith('Sync'));

  it('keeps the staff and the grades the ledger holds when staff.csv and the Grade column are left out, and says so', async () => {
    const first = importJson(upload(tmp.path('day-1')));
    expect(first.body).toMatchObject({ status: 'completed', counts: { StudentShared: 6, TeacherShared: 2, StaffShared: 2 } });

    const before = (await readLog(db)).length;
    const partial = importJson(upload(tmp.path('day-2'), { staff: 'none', grade: false }));
    expect(partial.status).toBe(0);
    expect(partial.body).toMatchObject({ status: 'completed', appended: 0, kept: { 'staff.csv': 2, 'students.csv Grade': 6 } });
    expect(await typesSince(before)).toEqual([]);

    const text = cli(['import', upload(tmp.path('day-2b'), { staff: 'none', grade: false }), '--district', DISTRICT, '--db', db, '--skip-projections']);
    expect(text.stdout).toContain('  Not in what was read, so left as the ledger had them (records): students.csv Grade 6, staff.csv 2');
    const shown = cli(['syncs', 'show', partial.body['syncId'] as string, '--db', db]);
    expect(shown.stdout).toContain('students.csv Grade 6, staff.csv 2');
  });

  it('removes the staff when staff.csv is sent with its header alone, once approved: every staff member gone is held, however few', async () => {
    const before = (await readLog(db)).length;
    const result = importJson(upload(tmp.path('day-3'), { staff: 'header only' }));
    expect(result.body).toMatchObject({
      status: 'held',
      counts: { StaffRemoved: 2 },
      breaches: [{ recordType: 'staff', change: 'removed', count: 2, active: 2, threshold: 0.1 }],
    });
    expect(result.body['kept']).toEqual({});
    expect(await typesSince(before)).toEqual([]);
    expect(cli(['syncs', 'approve', result.body['syncId'] as string, '--by', 'e2e', '--db', db]).status).toBe(0);
    expect(await typesSince(before)).toEqual(['StaffRemoved', 'StaffRemoved']);
  });
});

/** A small district (under the guard's floor of 10 records) whose upload would empty it of a kind. */
describe('import of an SFTP CSV upload whose students.csv holds its header alone, into a district of six students (end to end)', () => {
  const tmp = scratch('csv-no-students');
  const db = tmp.path('ledger.db');
  afterAll(() => tmp.cleanup());

  it('is held, not applied: every student of the district would be removed', async () => {
    const first = cliJson(['import', upload(tmp.path('day-1')), '--district', DISTRICT, '--db', db, '--skip-projections']);
    expect(first.body).toMatchObject({ status: 'completed', counts: { StudentShared: 6, StudentEnrolled: 6 } });
    const before = await readLog(db);

    const emptied = cliJson(['import', upload(tmp.path('day-2'), { students: 'header only' }), '--district', DISTRICT, '--db', db, '--skip-projections']);
    expect(emptied.status).toBe(0);
    expect(emptied.body).toMatchObject({
      status: 'held',
      counts: { StudentRemoved: 6, StudentUnenrolled: 6 },
      breaches: [
        { recordType: 'student', change: 'removed', count: 6, active: 6, threshold: 0.1 },
        { recordType: 'enrollment', change: 'removed', count: 6, active: 6, threshold: 0.1 },
      ],
    });
    const after = await readLog(db);
    expect(after.slice(before.length).map((e) => e.type)).toEqual(['SyncStarted', 'SyncHeld']);
  });
});

/** A teacher who becomes staff in an upload whose teachers.csv has dropped a column: the new role keeps the person's field. */
describe('import of an SFTP CSV upload where a known teacher gains a staff role and teachers.csv lacks a column (end to end)', () => {
  const tmp = scratch('csv-partial-new-role');
  const db = tmp.path('ledger.db');
  afterAll(() => tmp.cleanup());
  const lines = (...rows: string[]) => `${rows.join('\n')}\n`;
  function upload(dir: string, options: { middleName: boolean; teacherIsStaff: boolean }): string {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'schools.csv'), lines('School_id,School_name', 'S1,North High'));
    writeFileSync(join(dir, 'students.csv'), lines('School_id,Student_id,Last_name,First_name', 'S1,100,Last,First'));
    const teacher = options.middleName ? ['School_id,Teacher_id,Last_name,First_name,Middle_name,Teacher_email', 'S1,T1,Noether,Emmy,Amalie,emmy@example.org']
      : ['School_id,Teacher_id,Last_name,First_name,Teacher_email', 'S1,T1,Noether,Emmy,emmy@example.org'];
    writeFileSync(join(dir, 'teachers.csv'), lines(...teacher));
    writeFileSync(join(dir, 'sections.csv'), lines('School_id,Section_id,Teacher_id,Name', 'S1,SEC1,T1,Algebra'));
    writeFileSync(join(dir, 'enrollments.csv'), lines('School_id,Section_id,Student_id', 'S1,SEC1,100'));
    writeFileSync(join(dir, 'staff.csv'), lines('School_id,Staff_id,Staff_email,Department', 'S1,F1,fay@example.org,Office', ...(options.teacherIsStaff ? ['S1,F2,emmy@example.org,Math'] : [])));
    return dir;
  }

  it("records the staff role with the middle name the ledger holds, and says it kept it", async () => {
    cliJson(['import', upload(tmp.path('day-1'), { middleName: true, teacherIsStaff: false }), '--district', DISTRICT, '--db', db, '--skip-projections']);
    const before = (await readLog(db)).length;
    const result = cliJson(['import', upload(tmp.path('day-2'), { middleName: false, teacherIsStaff: true }), '--district', DISTRICT, '--db', db, '--skip-projections']);
    expect(result.body).toMatchObject({ status: 'completed', counts: { StaffShared: 1 }, kept: { 'teachers.csv Middle_name': 1 } });
    const shared = (await readLog(db)).slice(before).find((e) => e.type === 'StaffShared')!;
    expect(shared.data).toMatchObject({ personal: { name: { first: 'Emmy', middle: 'Amalie', last: 'Noether' }, email: 'emmy@example.org' } });
  });
});

/** A CSV upload into a district the ledger has from Clever's own ids: every record under other ids. */
describe('import of an SFTP CSV upload into a district synced with Clever ids (end to end)', () => {
  const tmp = scratch('csv-into-clever');
  const db = tmp.path('ledger.db');
  afterAll(() => tmp.cleanup());

  it('is held as the replacement it is, and the report says the ids come from another source than the last sync', () => {
    const first = cliJson(['import', CLEVER_DEMO_FOLDER, '--db', db, '--skip-projections']);
    expect(first.body).toMatchObject({ status: 'completed', idsDifferFrom: null });
    const folder = upload(tmp.path('csv'));
    const held = cliJson(['import', folder, '--district', CLEVER_DEMO_DISTRICT_ID, '--db', db, '--skip-projections']);
    expect(held.body).toMatchObject({ status: 'held', idsDifferFrom: first.body['syncId'] });
    const text = cli(['syncs', 'discard', held.body['syncId'] as string, '--by', 'e2e', '--db', db]);
    expect(text.status).toBe(0);
    const again = cli(['import', folder, '--district', CLEVER_DEMO_DISTRICT_ID, '--db', db, '--skip-projections']);
    expect(again.stdout).toContain(
      `  Note: this sync's records have ids made from SIS ids (sftp-csv), but the district's last sync that recorded changes, ${first.body['syncId'] as string}, had Clever's own ids (snapshot):\n` +
        '  the same people and sections read as removed and shared again under other ids. If that is not meant, discard it.\n',
    );
  });
});
