import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readdir, rename, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SnapshotContents } from '@roster-ledger/domain';
import type { CleverSnapshotSource } from '../clever-snapshot-reader';
import { FINGERPRINT_VERSION } from '../record-fingerprint';
import { CSV_MAPPING_VERSION, csvSnapshotReading } from '../snapshot-reading';
import { CleverCsvSnapshotReader } from './csv-snapshot-reader';
import type { CsvSnapshotOptions } from './csv-snapshot-reader';
import { DEFAULT_MAX_RECORD_CHARS } from './csv-row-stream';
import { CSV_DISTRICT, csv, removeTempCsvFolders, smallDistrict, tempCsvFolder } from './spec-support/temp-csv';

afterEach(removeTempCsvFolders);

/** The small district with a staff.csv and a README the reader does not read, written an hour ago. */
async function upload(): Promise<string> {
  const folder = await tempCsvFolder({
    ...smallDistrict(),
    'staff.csv': csv('School_id,Staff_id,Staff_email,First_name,Last_name', 'S1,ST1,st1@example.org,Rosalind,Franklin'),
    'README.txt': 'not a Clever file',
  });
  const anHourAgo = new Date(Date.now() - 3_600_000);
  for (const name of await readdir(folder)) await utimes(join(folder, name), anHourAgo, anHourAgo);
  return folder;
}

const open = (folder: string, options: CsvSnapshotOptions = { districtId: CSV_DISTRICT }) => new CleverCsvSnapshotReader(options).open(folder);

async function readAll(source: CleverSnapshotSource): Promise<void> {
  for await (const _ of source.items());
}

function digestOf(folder: string, name: string) {
  const bytes = readFileSync(join(folder, name));
  return { name, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
}

async function contentsOf(folder: string): Promise<SnapshotContents> {
  const source = await open(folder);
  await readAll(source);
  return (await source.contents!())!;
}

describe('the contents of a CSV snapshot folder', () => {
  it('are the digests of the CSV files the reader reads, sorted by name, read for the district', async () => {
    const folder = await upload();
    expect(await contentsOf(folder)).toEqual({
      reading: csvSnapshotReading(CSV_DISTRICT, DEFAULT_MAX_RECORD_CHARS, undefined, false),
      files: ['enrollments.csv', 'schools.csv', 'sections.csv', 'staff.csv', 'students.csv', 'teachers.csv'].map((name) => digestOf(folder, name)),
    });
    expect(csvSnapshotReading(CSV_DISTRICT, DEFAULT_MAX_RECORD_CHARS, undefined, false)).toBe(`clever-csv v${FINGERPRINT_VERSION}.${CSV_MAPPING_VERSION} max-record 1048576 district ${CSV_DISTRICT}`);
    // ids under the ledger's key are other ids: the same files read without it are read again
    expect(csvSnapshotReading(CSV_DISTRICT, DEFAULT_MAX_RECORD_CHARS, undefined, true)).toBe(`clever-csv v${FINGERPRINT_VERSION}.${CSV_MAPPING_VERSION} max-record 1048576 ids-keyed district ${CSV_DISTRICT}`);
  });

  it('are read anew in another year: the year tells the century of a two-digit year (of birth, of a term)', async () => {
    const folder = await upload();
    const readingIn = async (importedOn: string) => {
      const source = await open(folder, { districtId: CSV_DISTRICT, importedOn });
      await readAll(source);
      return (await source.contents!())!.reading;
    };
    expect(await readingIn('2026-12-31')).toBe(await readingIn('2026-01-01'));
    expect(await readingIn('2027-01-01')).not.toBe(await readingIn('2026-12-31'));
  });

  it('name a file by the name it has in the folder', async () => {
    const folder = await upload();
    await rename(join(folder, 'schools.csv'), join(folder, 'Schools.csv'));
    const names = (await contentsOf(folder)).files.map((file) => file.name);
    expect(names).toEqual(['Schools.csv', 'enrollments.csv', 'sections.csv', 'staff.csv', 'students.csv', 'teachers.csv']);
  });

  it('are null when a file is rewritten after the pass, and when the pass is abandoned', async () => {
    const folder = await upload();
    const source = await open(folder);
    await readAll(source);
    const students = join(folder, 'students.csv');
    await writeFile(students, readFileSync(students, 'utf8').replace('Ada', 'Adb'));
    expect(await source.contents!()).toBeNull();

    const again = await open(folder);
    for await (const _ of again.items()) break;
    expect(await again.contents!()).toBeNull();
  });
});

describe('matching a CSV snapshot folder with earlier contents', () => {
  it('is true for the same files read for the same district', async () => {
    const folder = await upload();
    const earlier = await contentsOf(folder);
    expect(await (await open(folder)).matches!(earlier)).toBe(true);
  });

  it('is false for the same files read for another district', async () => {
    const folder = await upload();
    const earlier = await contentsOf(folder);
    expect(await (await open(folder, { districtId: 'another-district' })).matches!(earlier)).toBe(false);
    expect(await (await open(folder, { districtId: CSV_DISTRICT, maxRecordChars: 4096 })).matches!(earlier)).toBe(false);
  });

  it('is false when one byte of a file changed at the same size', async () => {
    const folder = await upload();
    const earlier = await contentsOf(folder);
    const sections = join(folder, 'sections.csv');
    await writeFile(sections, readFileSync(sections, 'utf8').replace('Algebra (1)', 'Algebra (2)'));
    expect(await (await open(folder)).matches!(earlier)).toBe(false);
  });

  it('is false when a file the reader reads was added, and not for one it does not read', async () => {
    const folder = await upload();
    const earlier = await contentsOf(folder);
    await writeFile(join(folder, 'notes.txt'), 'still not a Clever file');
    expect(await (await open(folder)).matches!(earlier)).toBe(true);
    await writeFile(join(folder, 'admins.csv'), csv('School_id,Staff_id,Staff_email,First_name,Last_name'));
    expect(await (await open(folder)).matches!(earlier)).toBe(false);
  });
});
