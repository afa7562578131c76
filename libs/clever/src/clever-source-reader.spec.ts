import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CleverSourceReader, isCsvSnapshotFolder } from './clever-source-reader';
import { CSV_DISTRICT, removeTempCsvFolders, smallDistrict, tempCsvFolder } from './csv/spec-support/temp-csv';

afterEach(removeTempCsvFolders);

/** The small CSV district with `students.csv` renamed (or, given undefined, left out). */
const withStudentsAs = (name: string | undefined) => {
  const { 'students.csv': students, ...rest } = smallDistrict();
  return tempCsvFolder(name === undefined ? rest : { ...rest, [name]: students! });
};

describe('which reader a location gets', () => {
  const reader = new CleverSourceReader();

  it('reads a CSV upload whose files are named in another case (Students.csv) as CSV', async () => {
    const folder = await withStudentsAs('Students.csv');
    expect({ csv: isCsvSnapshotFolder(folder), source: reader.sourceOf(folder) }).toEqual({ csv: true, source: 'sftp-csv' });
    const source = await reader.open(folder, { districtId: CSV_DISTRICT });
    let users = 0;
    for await (const input of source.items()) if (input.type === 'record' && input.record.kind === 'user') users++;
    expect({ source: source.source, users: users > 0 }).toEqual({ source: 'sftp-csv', users: true });
  });

  it('reads a CSV upload without students.csv as CSV, so that it fails naming the file it lacks', async () => {
    const folder = await withStudentsAs(undefined);
    expect(reader.sourceOf(folder)).toBe('sftp-csv');
    await expect(reader.open(folder, { districtId: CSV_DISTRICT })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('missing required file students.csv'),
    });
  });

  it('tells a folder of JSON files (with a stray CSV file beside them), a folder that is not there, and a Clever API district apart', () => {
    const json = mkdtempSync(join(tmpdir(), 'roster-ledger-json-'));
    try {
      writeFileSync(join(json, 'users.json'), '{"data": []}');
      writeFileSync(join(json, 'schools.csv'), 'School_id,School_name\n');
      expect([json, join(json, 'nope'), 'clever-api:d1'].map((location) => reader.sourceOf(location))).toEqual(['snapshot', 'snapshot', 'clever-api']);
      expect(isCsvSnapshotFolder(json)).toBe(false);
    } finally {
      rmSync(json, { recursive: true, force: true });
    }
  });
});
