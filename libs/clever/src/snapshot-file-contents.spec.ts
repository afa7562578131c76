import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SnapshotContents } from '@roster-ledger/domain';
import { CleverSnapshotReader } from './clever-snapshot-reader';
import type { CleverSnapshotSource } from './clever-snapshot-reader';
import { FileDigests } from './file-digests';
import { jsonSnapshotReading } from './snapshot-reading';
import { DISTRICT_ID, envelope, removeTempFolders, tempFolder } from './spec-support/temp-snapshot';

afterEach(async () => {
  jest.restoreAllMocks();
  await removeTempFolders();
});

const user = (id: string, first: string) => ({
  id,
  district: DISTRICT_ID,
  name: { first, last: 'Lovelace' },
  roles: { student: { school: 'sch1', schools: ['sch1'], grade: '9' } },
});

/** A small district: its files, written an hour ago (so a rewrite in the same clock tick still changes their times). */
async function snapshot(): Promise<string> {
  const folder = await tempFolder({
    'users.json': envelope([user('u1', 'Ada'), user('u2', 'Bob')]),
    'schools.json': envelope([{ id: 'sch1', district: DISTRICT_ID, name: 'North High' }], 'schools'),
    'districts.json': envelope([{ id: DISTRICT_ID, name: 'Demo' }], 'districts'),
  });
  await age(folder);
  return folder;
}

async function age(folder: string): Promise<void> {
  const anHourAgo = new Date(Date.now() - 3_600_000);
  for (const name of await readdir(folder)) await utimes(join(folder, name), anHourAgo, anHourAgo);
}

/** The digests `sha256sum` would print for the folder's files, sorted by name. */
function expectedContents(folder: string, names: string[], reading = jsonSnapshotReading(65_536)): SnapshotContents {
  return {
    reading,
    files: [...names].sort().map((name) => {
      const bytes = readFileSync(join(folder, name));
      return { name, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
    }),
  };
}

async function readAll(source: CleverSnapshotSource): Promise<number> {
  let count = 0;
  for await (const _ of source.items()) count += 1;
  return count;
}

const open = (folder: string, options = {}) => new CleverSnapshotReader(options).open(folder);

/** The same bytes at a different place: same size, another SHA-256. */
function oneByteChanged(text: string): string {
  return text.replace('Ada', 'Adb');
}

describe('the contents of a JSON snapshot folder', () => {
  it('are the name, size and SHA-256 of every file the pass read, sorted by name', async () => {
    const folder = await snapshot();
    const source = await open(folder);
    expect(await readAll(source)).toBeGreaterThan(0);
    const contents = await source.contents!();
    expect(contents).toEqual(expectedContents(folder, ['users.json', 'schools.json', 'districts.json']));
    expect(contents!.files.map((file) => file.name)).toEqual(['districts.json', 'schools.json', 'users.json']);
    expect(contents!.reading).toMatch(/^clever-json v\d+ max-string 65536$/);
  });

  it('name the reading with the longest string accepted', async () => {
    const folder = await snapshot();
    const source = await open(folder, { maxStringLength: 1000 });
    await readAll(source);
    expect((await source.contents!())?.reading).toBe(jsonSnapshotReading(1000));
  });

  it('are null before any pass, and while a pass is under way', async () => {
    const folder = await snapshot();
    const source = await open(folder);
    expect(await source.contents!()).toBeNull();
    const items = source.items()[Symbol.asyncIterator]();
    await items.next();
    expect(await source.contents!()).toBeNull();
    while (!(await items.next()).done);
    expect(await source.contents!()).not.toBeNull();
  });

  it('are null when a file is rewritten after the pass (same size, other bytes)', async () => {
    const folder = await snapshot();
    const source = await open(folder);
    await readAll(source);
    const users = join(folder, 'users.json');
    await writeFile(users, oneByteChanged(readFileSync(users, 'utf8')));
    expect(await source.contents!()).toBeNull();
  });

  it('are null when a file is rewritten while the pass reads', async () => {
    const folder = await snapshot();
    const source = await open(folder);
    const users = join(folder, 'users.json');
    let rewritten = false;
    for await (const item of source.items()) {
      if (!rewritten && item.type === 'record' && item.record.kind === 'district') {
        await writeFile(users, oneByteChanged(readFileSync(users, 'utf8')));
        rewritten = true;
      }
    }
    expect(rewritten).toBe(true);
    expect(await source.contents!()).toBeNull();
  });

  it('are null when the pass is abandoned, whose hashing is then stopped', async () => {
    const folder = await snapshot();
    const source = await open(folder);
    const stop = jest.spyOn(FileDigests.prototype, 'stop');
    for await (const _ of source.items()) break;
    expect(stop).toHaveBeenCalledTimes(1);
    expect(await source.contents!()).toBeNull();
  });

  it('are null when the pass fails, and null for a folder mended after it was opened: it is opened again', async () => {
    const folder = await snapshot();
    const users = join(folder, 'users.json');
    const good = readFileSync(users, 'utf8');
    await writeFile(users, good.replace(']', ''));
    const source = await open(folder);
    await expect(readAll(source)).rejects.toThrow();
    expect(await source.contents!()).toBeNull();
    await writeFile(users, good);
    await readAll(source);
    // what the reader saw at its opening (which files, a CSV's header) may not be what it read
    expect(await source.contents!()).toBeNull();
    const reopened = await open(folder);
    await readAll(reopened);
    expect(await reopened.contents!()).toEqual(expectedContents(folder, ['users.json', 'schools.json', 'districts.json']));
  });

  it('are null when a file changed between the opening and the pass', async () => {
    const folder = await snapshot();
    const source = await open(folder);
    const users = join(folder, 'users.json');
    await writeFile(users, oneByteChanged(readFileSync(users, 'utf8')));
    await readAll(source);
    expect(await source.contents!()).toBeNull();
  });

  it('are those of the last pass: an abandoned pass after a whole one leaves none', async () => {
    const folder = await snapshot();
    const source = await open(folder);
    await readAll(source);
    for await (const _ of source.items()) break;
    expect(await source.contents!()).toBeNull();
  });
});

describe('matching a JSON snapshot folder with earlier contents', () => {
  async function contentsOf(folder: string): Promise<SnapshotContents> {
    const source = await open(folder);
    await readAll(source);
    return (await source.contents!())!;
  }

  it('is true for the same files, without an items() pass, and leaves the next pass whole', async () => {
    const folder = await snapshot();
    const earlier = await contentsOf(folder);
    const source = await open(folder);
    expect(await source.matches!(earlier)).toBe(true);
    expect(source.progress().done).toBe(0);
    expect(await source.contents!()).toBeNull();
    await readAll(source);
    expect(await source.contents!()).toEqual(earlier);
    expect(await source.matches!(earlier)).toBe(true);
  });

  it('is true while a pass is under way (a sync peeks at the first record before it asks), and the pass then goes on whole', async () => {
    const folder = await snapshot();
    const earlier = await contentsOf(folder);
    const source = await open(folder);
    const items = source.items()[Symbol.asyncIterator]();
    expect((await items.next()).done).toBe(false);
    expect(await source.matches!(earlier)).toBe(true);
    let rest = 0;
    while (!(await items.next()).done) rest += 1;
    expect(rest).toBeGreaterThan(0);
    expect(await source.contents!()).toEqual(earlier);
  });

  it('is true whatever the order of the files in the contents', async () => {
    const folder = await snapshot();
    const earlier = await contentsOf(folder);
    const source = await open(folder);
    expect(await source.matches!({ ...earlier, files: [...earlier.files].reverse() })).toBe(true);
  });

  it('is false when one byte changed at the same size, and stops hashing at that file', async () => {
    const folder = await snapshot();
    const earlier = await contentsOf(folder);
    // the smallest file, which is hashed first
    const districts = join(folder, 'districts.json');
    await writeFile(districts, readFileSync(districts, 'utf8').replace('Demo', 'Demp'));
    const source = await open(folder);
    const digest = jest.spyOn(FileDigests.prototype, 'digest');
    expect(await source.matches!(earlier)).toBe(false);
    expect(digest).toHaveBeenCalledTimes(1);
  });

  it('is false when a file changed at the same size that is hashed last', async () => {
    const folder = await snapshot();
    const earlier = await contentsOf(folder);
    const users = join(folder, 'users.json');
    await writeFile(users, oneByteChanged(readFileSync(users, 'utf8')));
    expect(await (await open(folder)).matches!(earlier)).toBe(false);
  });

  it('is false, without hashing, when a size differs', async () => {
    const folder = await snapshot();
    const earlier = await contentsOf(folder);
    const users = join(folder, 'users.json');
    await writeFile(users, `${readFileSync(users, 'utf8')} `);
    const source = await open(folder);
    const digest = jest.spyOn(FileDigests.prototype, 'digest');
    expect(await source.matches!(earlier)).toBe(false);
    expect(digest).not.toHaveBeenCalled();
  });

  it('is false when a file was added or removed', async () => {
    const folder = await snapshot();
    const earlier = await contentsOf(folder);
    await writeFile(join(folder, 'terms.json'), envelope([], 'terms'));
    expect(await (await open(folder)).matches!(earlier)).toBe(false);
    await rm(join(folder, 'terms.json'));
    expect(await (await open(folder)).matches!(earlier)).toBe(true);
    await rm(join(folder, 'schools.json'));
    expect(await (await open(folder)).matches!(earlier)).toBe(false);
  });

  it('is false when a file was removed after the folder was opened', async () => {
    const folder = await snapshot();
    const earlier = await contentsOf(folder);
    const source = await open(folder);
    await rm(join(folder, 'schools.json'));
    expect(await source.matches!(earlier)).toBe(false);
  });

  it('is false for the same files read another way', async () => {
    const folder = await snapshot();
    const earlier = await contentsOf(folder);
    expect(await (await open(folder, { maxStringLength: 1000 })).matches!(earlier)).toBe(false);
    expect(await (await open(folder)).matches!({ ...earlier, reading: earlier.reading.replace(/v\d+/, 'v0') })).toBe(false);
  });
});
