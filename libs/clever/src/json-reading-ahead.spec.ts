import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidInput } from '@roster-ledger/domain';
import { JsonReadingThread, type KnownJsonRecord } from './json-reading-thread';
import type { JsonRecord } from './json-envelope-parser';
import { DEFAULT_MAX_STRING_LENGTH, readJsonFile } from './json-record-stream';
import { DISTRICT_ID, envelope, removeTempFolders, tempFolder } from './spec-support/temp-snapshot';

afterEach(removeTempFolders);

const student = (i: number) => ({
  id: `student-${i}`,
  district: DISTRICT_ID,
  name: { first: 'Ada', last: `Lovelace ${i}` },
  roles: { student: { school: 'school-1', grade: String(1 + (i % 12)) } },
});
const section = (i: number) => ({ id: `section-${i}`, district: DISTRICT_ID, school: 'school-1', name: `Algebra ${i}`, students: [`student-${i}`] });

/** Files many times larger than the few batches the thread sends before the reader takes one. */
async function largeFiles(): Promise<{ users: string; sections: string }> {
  const folder = await tempFolder({
    'users.json': envelope(Array.from({ length: 20_000 }, (_, i) => student(i))),
    'sections.json': envelope(
      Array.from({ length: 10_000 }, (_, i) => section(i)),
      'sections',
    ),
  });
  return { users: join(folder, 'users.json'), sections: join(folder, 'sections.json') };
}

async function recordsOf(thread: JsonReadingThread, file: string, recognise?: (fingerprint: string, idHint: string) => string | undefined) {
  const records: (JsonRecord | KnownJsonRecord)[] = [];
  for await (const record of thread.records(file, { maxStringLength: DEFAULT_MAX_STRING_LENGTH, ...(recognise ? { recognise } : {}) })) records.push(record);
  return records;
}

async function readAlone(file: string): Promise<JsonRecord[]> {
  const records: JsonRecord[] = [];
  for await (const record of readJsonFile(file, { maxStringLength: DEFAULT_MAX_STRING_LENGTH })) records.push(record as JsonRecord);
  return records;
}

/** A thread that has read both files to their end before either is asked for, as during a sync's state load. */
async function readAheadOf(files: { users: string; sections: string }): Promise<JsonReadingThread> {
  const thread = new JsonReadingThread({ threadFrom: 1024 });
  await thread.readAhead([files.users, files.sections], DEFAULT_MAX_STRING_LENGTH);
  await thread.readAheadSent();
  return thread;
}

const shape = (records: readonly (JsonRecord | KnownJsonRecord)[]) => records.map(({ value, index, line }) => ({ value, index, line }));

describe('files read ahead on the reading thread while the reader does other work', () => {
  it('yields every record of each file as a reading of that file alone does, parsed from the file again', async () => {
    const files = await largeFiles();
    const thread = await readAheadOf(files);
    try {
      expect(shape(await recordsOf(thread, files.users))).toEqual(shape(await readAlone(files.users)));
      expect(shape(await recordsOf(thread, files.sections))).toEqual(shape(await readAlone(files.sections)));
    } finally {
      await thread.close();
    }
  });

  it('recognises records by the fingerprints found ahead, and parses only the ones it does not know', async () => {
    const files = await largeFiles();
    const first = new JsonReadingThread({ threadFrom: 1024 });
    const fingerprints = new Map<string, string>();
    for (const record of await recordsOf(first, files.users)) {
      if (record.value !== null) fingerprints.set(record.fingerprint!, String(record.value['id']));
    }
    await first.close();

    const thread = await readAheadOf(files);
    try {
      // every student but one is known by the bytes that made it
      const recognise = (fingerprint: string, idHint: string) => (idHint !== 'student-12345' && fingerprints.get(fingerprint) === idHint ? idHint : undefined);
      const records = await recordsOf(thread, files.users, recognise);
      expect(records).toHaveLength(20_000);
      const parsed = records.filter((record) => record.value !== null);
      expect(parsed.map((record) => record.value)).toEqual([student(12_345)]);
      expect(records[19_999]).toMatchObject({ value: null, knownAs: 'student-19999', index: 19_999 });
    } finally {
      await thread.close();
    }
  });

  it('rejects a record whose bytes changed after the thread read them, naming the file and the record', async () => {
    const files = await largeFiles();
    const thread = await readAheadOf(files);
    // the file written to during the sync: the same length, another name in a record near its end
    const text = envelope(Array.from({ length: 20_000 }, (_, i) => student(i)));
    const at = Buffer.byteLength(text.slice(0, text.indexOf('"Lovelace 19990"')));
    const handle = await open(files.users, 'r+');
    await handle.write(Buffer.from('"Lovelacf 19990"'), 0, 16, at);
    await handle.close();

    const error = await recordsOf(thread, files.users).then(
      () => undefined,
      (e: unknown) => e,
    );
    await thread.close();
    expect(error).toBeInstanceOf(InvalidInput);
    expect((error as InvalidInput).at).toMatchObject({ file: files.users, record: 19_990, recordId: 'student-19990' });
    expect((error as InvalidInput).message).toMatch(/record #19991, id student-19990: file changed while it was read/);
  });

  it('wants the files read ahead in the order given', async () => {
    const files = await largeFiles();
    const thread = await readAheadOf(files);
    try {
      await expect(recordsOf(thread, files.sections)).rejects.toThrow(/asked for before .*users\.json/);
    } finally {
      await thread.close();
    }
  });
});
