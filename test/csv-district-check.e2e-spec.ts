import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLEVER_DEMO_FOLDER } from '@roster-ledger/testing';
import { cli, cliJson, readLog, scratch } from './support/ledger-cli';

const DISTRICT = 'district-north';
const TYPO = 'district-nroth';

/** The smallest whole SFTP upload: one school, teacher, student and section. */
function upload(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const write = (name: string, ...lines: string[]) => writeFileSync(join(dir, name), `${lines.join('\n')}\n`);
  write('schools.csv', 'School_id,School_name', 'S1,North High');
  write('students.csv', 'School_id,Student_id,Last_name,First_name', 'S1,100,Lovelace,Ada');
  write('teachers.csv', 'School_id,Teacher_id,Last_name,First_name', 'S1,T1,Noether,Emmy');
  write('sections.csv', 'School_id,Section_id,Teacher_id,Name', 'S1,SEC1,T1,Algebra');
  write('enrollments.csv', 'School_id,Section_id,Student_id', 'S1,SEC1,100');
  return dir;
}

/**
 * A CSV upload names no district, so its --district alone says whose it is: a district the ledger
 * does not hold, in a ledger that holds others, is taken only with --new-district.
 */
describe('import of an SFTP CSV upload: --district checked against the districts the ledger holds (end to end)', () => {
  const tmp = scratch('csv-district');
  const db = tmp.path('ledger.db');
  const folder = upload(tmp.path('upload'));
  afterAll(() => tmp.cleanup());
  const importCsv = (district: string, ...more: string[]) => cliJson(['import', folder, '--district', district, '--db', db, '--skip-projections', ...more]);

  it("takes a ledger's first district without --new-district", () => {
    expect(importCsv(DISTRICT).body).toMatchObject({ status: 'completed', districtId: DISTRICT, counts: { StudentShared: 1 } });
  });

  it('refuses a district the ledger does not hold, naming those it holds, and records nothing', async () => {
    const before = await readLog(db);
    const [held] = (cliJson(['syncs', 'list', '--db', db]).body as { items: { syncId: string }[] }).items;
    const result = cli(['import', folder, '--district', TYPO, '--db', db]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`--district ${TYPO} is not a district this ledger holds; it holds ${DISTRICT} (last sync ${held!.syncId}, `);
    expect(result.stderr).toContain('pass --new-district as well');
    expect(await readLog(db)).toEqual(before);
    // nothing recorded of it: the ledger still does not know the mistyped district
    expect(cli(['syncs', 'list', '--district', TYPO, '--db', db]).status).toBe(2);
  });

  it('takes a new district with --new-district, and then refuses --new-district for it', async () => {
    expect(importCsv('district-south', '--new-district').body).toMatchObject({ status: 'completed', districtId: 'district-south', counts: { StudentShared: 1 } });
    const before = await readLog(db);
    const again = importCsv('district-south', '--new-district');
    expect(again.status).toBe(2);
    expect(again.body).toMatchObject({ error: { message: expect.stringContaining('but it holds district district-south (last sync ') } });
    expect(await readLog(db)).toEqual(before);
    expect(importCsv('district-south').body).toMatchObject({ status: 'completed', appended: 0 });
    // the id pasted with a space around it is the same district
    expect(importCsv(' district-south ').body).toMatchObject({ status: 'completed', districtId: 'district-south', appended: 0 });
    // and so it is to the commands that read a district
    const listed = cliJson<{ items: { districtId: string }[] }>(['syncs', 'list', '--district', ' district-south ', '--db', db]);
    expect(listed.status).toBe(0);
    expect(new Set(listed.body.items.map((s) => s.districtId))).toEqual(new Set(['district-south']));
  });

  it('counts a district whose every sync failed as one the ledger does not hold: it still needs --new-district', () => {
    const broken = upload(tmp.path('broken'));
    writeFileSync(join(broken, 'students.csv'), 'School_id,Student_id,Last_name\nS1,100,Lovelace\n');
    const failed = cliJson(['import', broken, '--district', 'district-west', '--new-district', '--db', db]);
    expect([failed.status, failed.body['status']]).toEqual([1, 'failed']);
    const again = importCsv('district-west');
    expect(again.status).toBe(2);
    expect(again.body).toMatchObject({ error: { message: expect.stringContaining('--district district-west is not a district this ledger holds') } });
    // the district closest to the id typed is named first
    const typo = importCsv('district-suoth');
    expect((typo.body as { error: { message: string } }).error.message).toMatch(/it holds district-south \(last sync .*\), district-north \(last sync /);
  });

  it('refuses --new-district on a Clever API JSON snapshot, whose records name their district, before any ledger is opened', () => {
    const fresh = tmp.path('json.db');
    const result = cli(['import', CLEVER_DEMO_FOLDER, '--new-district', '--db', fresh]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--new-district confirms the --district of an SFTP CSV upload');
    expect(existsSync(fresh)).toBe(false);
  });
});
