import { createWriteStream } from 'node:fs';
import { stat, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { once } from 'node:events';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { InvalidInput } from '@roster-ledger/domain';
import { openSnapshotFolder } from './index';
import { DEFAULT_MAX_STRING_LENGTH, READ_CHUNK_BYTES, readJsonFile, readJsonRecords } from './json-record-stream';
import { DISTRICT_ID, removeTempFolders, tempFolder } from './spec-support/temp-snapshot';

afterEach(removeTempFolders);

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** A user whose names hold multi-byte characters, so chunk boundaries fall inside characters too. */
const user = (i: number) => ({
  data: {
    id: `u${i}`,
    district: DISTRICT_ID,
    name: { first: `Zoë ${i}`, last: 'Łukasiewicz-Ñúñez 漢字 🎓' },
    roles: { student: { school: 's1', schools: ['s1', 's2'], grade: String((i % 12) + 1), dob: '6/18/1998' } },
  },
  uri: `/v3.0/users/u${i}`,
});

async function* chunksOf(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

async function collect(open: () => AsyncIterable<Uint8Array>) {
  const values: unknown[] = [];
  for await (const record of readJsonRecords(open, { file: 'users.json', maxStringLength: DEFAULT_MAX_STRING_LENGTH })) {
    values.push('value' in record ? record.value : null);
  }
  return values;
}

describe('streaming a file in chunks', () => {
  const document = { links: [{ rel: 'self', uri: '/v3.0/users' }], data: Array.from({ length: 1500 }, (_, i) => user(i)) };
  const bytes = Buffer.from(JSON.stringify(document, null, 1));
  const expected = document.data.map((item) => item.data);

  it('reads a file bigger than one chunk, with records and characters split across chunks', async () => {
    const folder = await tempFolder({ 'users.json': bytes });
    expect(bytes.length).toBeGreaterThan(3 * READ_CHUNK_BYTES);
    const values: unknown[] = [];
    for await (const record of readJsonFile(join(folder, 'users.json'), { maxStringLength: DEFAULT_MAX_STRING_LENGTH })) values.push('value' in record ? record.value : null);
    expect(values).toEqual(expected);
  });

  it('reads a broken file again to name the problem, counting its bytes once', async () => {
    const broken = Buffer.concat([bytes.subarray(0, bytes.length - 2), Buffer.from('\n,]}')]);
    const folder = await tempFolder({ 'users.json': broken });
    let counted = 0;
    const values: unknown[] = [];
    const failure = await (async () => {
      const records = readJsonFile(join(folder, 'users.json'), {
        maxStringLength: DEFAULT_MAX_STRING_LENGTH,
        onBytes: (count) => {
          counted += count;
        },
      });
      for await (const record of records) values.push('value' in record ? record.value : null);
    })().catch((error: unknown) => error);
    expect((failure as InvalidInput).message).toMatch(/users\.json, line \d+: invalid JSON after record #1500 \(the last complete record\), at byte offset \d+: found '\]' where/);
    expect(values).toEqual(expected);
    expect(counted).toBe(broken.length);
  });

  it.each([1, 7, 4093])('reads the same records from chunks of %i bytes', async (size) => {
    expect(await collect(() => chunksOf(bytes, size))).toEqual(expected);
  });

  it('accepts a UTF-8 byte order mark', async () => {
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('[{"id": "a"}]')]);
    expect(await collect(() => chunksOf(withBom, 2))).toEqual([{ id: 'a' }]);
  });

  it('names a character cut short at the end of the file', async () => {
    const cut = Buffer.from('[{"id": "é"}]').subarray(0, 10);
    await expect(collect(() => chunksOf(cut, 64))).rejects.toThrow('users.json, line 1: file is not valid UTF-8: it ends in the middle of a character');
  });
});

describe('reading lazily', () => {
  /** ~50 MB of users, produced chunk by chunk as the reader pulls them; counts the chunks pulled. */
  function generatedSource(total: number) {
    const pulled = { chunks: 0, bytes: 0 };
    async function* source(): AsyncGenerator<Uint8Array> {
      let pending = '{"links": [], "data": [';
      for (let i = 0; i < total; i += 1) {
        pending += `${i === 0 ? '' : ','}\n${JSON.stringify(user(i))}`;
        if (pending.length >= READ_CHUNK_BYTES) {
          const chunk = Buffer.from(pending);
          pulled.chunks += 1;
          pulled.bytes += chunk.length;
          pending = '';
          yield chunk;
        }
      }
      pulled.chunks += 1;
      yield Buffer.from(`${pending}\n]}`);
    }
    return { source, pulled };
  }

  it('yields the first record after reading one chunk of a 50 MB stream, and the next ones as they are asked for', async () => {
    const { source, pulled } = generatedSource(200_000);
    const records = readJsonRecords(source, { file: 'users.json', maxStringLength: DEFAULT_MAX_STRING_LENGTH });
    const first = await records.next();
    expect(first.value).toMatchObject({ index: 0, line: 2, value: { id: 'u0' } });
    expect(pulled.chunks).toBe(1);
    let last = first;
    for (let i = 0; i < 1000; i += 1) last = await records.next();
    expect(last.value).toMatchObject({ index: 1000, line: 1002, value: { id: 'u1000' } });
    expect(pulled.chunks).toBeLessThan(10);
    await records.return(undefined);
  });

  it('streams a 50 MB file: the first item arrives while most of the file is still unread', async () => {
    const folder = await tempFolder();
    const path = join(folder, 'users.json');
    const out = createWriteStream(path);
    const { source } = generatedSource(200_000);
    for await (const chunk of source()) if (!out.write(chunk)) await once(out, 'drain');
    out.end();
    await once(out, 'close');
    const size = (await stat(path)).size;
    expect(size).toBeGreaterThan(50_000_000);

    const snapshot = await openSnapshotFolder(folder);
    const items = snapshot.items()[Symbol.asyncIterator]();
    const first = await items.next();
    expect(first.value).toMatchObject({ type: 'record', record: { id: 'u0' } });
    expect(snapshot.progress().done).toBeLessThan(4 * READ_CHUNK_BYTES);

    // Had the reader read the whole file already, cutting it now would go unnoticed.
    await truncate(path, 1_000_000);
    let count = 1;
    const failure = await (async () => {
      for (let next = await items.next(); !next.done; next = await items.next()) count += 1;
    })().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(InvalidInput);
    expect((failure as InvalidInput).rule).toMatch(/^invalid JSON: the file ends in the middle of the document/);
    expect(count).toBeLessThan(10_000);
  });

  it('reads all of a 50 MB file while holding little of it in memory', async () => {
    const folder = await tempFolder();
    const out = createWriteStream(join(folder, 'users.json'));
    const { source } = generatedSource(200_000);
    for await (const chunk of source()) if (!out.write(chunk)) await once(out, 'drain');
    out.end();
    await once(out, 'close');

    const retainedHeap = () => {
      collectGarbage();
      return process.memoryUsage().heapUsed;
    };
    const before = retainedHeap();
    let midway = 0;
    let count = 0;
    for await (const item of (await openSnapshotFolder(folder)).items()) {
      count += 1;
      if (count === 100_000) midway = retainedHeap() - before;
      void item;
    }
    expect(count).toBe(200_000);
    // Half-way through, the file held as a string would take 25 MB or more, and its records
    // several times that. What is left is the chunk, the record at hand and the ids seen so far.
    expect(midway).toBeLessThan(20 * 1024 * 1024);
  });
});
