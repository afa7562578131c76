import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidInput } from '@roster-ledger/domain';
import type { RosterRecord } from '@roster-ledger/domain';
import { CleverCsvSnapshotReader } from '../csv-snapshot-reader';
import type { CsvSnapshotOptions } from '../csv-snapshot-reader';
import type { SnapshotItem } from '../../snapshot-item';

/** Spec helpers: CSV folders under the OS temp dir, removed by `removeTempCsvFolders`. */
const created: string[] = [];

export const CSV_DISTRICT = 'district-under-test';
/** The day the specs' imports run on, as a sync gives it: it tells the century of a two-digit year of birth. */
export const CSV_IMPORTED_ON = '2026-12-06';

export async function tempCsvFolder(files: Record<string, string | Uint8Array>): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'clever-csv-'));
  created.push(folder);
  for (const [name, content] of Object.entries(files)) await writeFile(join(folder, name), content);
  return folder;
}

export async function removeTempCsvFolders(): Promise<void> {
  await Promise.all(created.splice(0).map((folder) => rm(folder, { recursive: true, force: true })));
}

/** Lines joined with LF; a trailing newline like most exporters write. */
export function csv(...lines: string[]): string {
  return `${lines.join('\n')}\n`;
}

/** A small valid district: two schools, three students, two teachers, two sections. */
export function smallDistrict(): Record<string, string> {
  return {
    'schools.csv': csv('School_id,School_name,Low_grade,High_grade', 'S1,North High,9,12', 'S2,South Elementary,K,5'),
    'students.csv': csv(
      'School_id,Student_id,Last_name,First_name,Grade,Gender,DOB,Race,Hispanic_Latino',
      'S1,100,Lovelace,Ada,9,female,12/10/05,W,N',
      'S1,101,Turing,Alan,10,Male,6/23/2004,A,yes',
      'S2,102,Hopper,Grace,0,F,2015-12-09,B,false',
    ),
    'teachers.csv': csv('School_id,Teacher_id,Last_name,First_name,Teacher_email', 'S1,T1,Noether,Emmy,emmy@example.org', 'S2,T2,Curie,Marie,marie@example.org'),
    'sections.csv': csv(
      'School_id,Section_id,Teacher_id,Teacher_2_id,Name,Grade,Course_name,Course_number,Period,Term_name,Term_start,Term_end',
      'S1,SEC1,T1,T2,Algebra (1),9,Algebra,MA101,3,Y1,8/1/15,6/1/16',
      'S2,SEC2,T2,,Reading K,0,,,,Y1,8/1/15,6/1/16',
    ),
    'enrollments.csv': csv('School_id,Section_id,Student_id', 'S1,SEC1,101', 'S1,SEC1,100', 'S2,SEC2,102'),
  };
}

export async function readCsvItems(folder: string, options: CsvSnapshotOptions = { districtId: CSV_DISTRICT, importedOn: CSV_IMPORTED_ON }): Promise<SnapshotItem[]> {
  const source = await new CleverCsvSnapshotReader(options).open(folder);
  const items: SnapshotItem[] = [];
  for await (const item of source.items()) items.push(item);
  return items;
}

/** The InvalidInput that opening or reading the folder ends with; fails the spec when there is none. */
export async function readCsvFailure(folder: string, options?: CsvSnapshotOptions): Promise<InvalidInput> {
  try {
    await readCsvItems(folder, options);
  } catch (error) {
    if (error instanceof InvalidInput) return error;
    throw error;
  }
  throw new Error('expected the CSV snapshot to be rejected, but it was read');
}

export function csvRecords(items: readonly SnapshotItem[]): RosterRecord[] {
  return items.flatMap((item) => (item.type === 'record' ? [item.record] : []));
}
