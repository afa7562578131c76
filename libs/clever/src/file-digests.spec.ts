import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FileDigests, isFileError } from './file-digests';
import { removeTempFolders, tempFolder } from './spec-support/temp-snapshot';

afterEach(removeTempFolders);

const sha256sum = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('FileDigests', () => {
  it('gives each file its size and SHA-256, in order, a file larger than a read chunk included', async () => {
    // 9 MiB and a byte: three chunks of the thread's reads, the last one a byte
    const folder = await tempFolder({ 'big.bin': randomBytes(9 * 1024 * 1024 + 1), 'empty.bin': '', 'small.txt': 'hello\n' });
    const paths = ['small.txt', 'big.bin', 'empty.bin'].map((name) => join(folder, name));
    const digests = await new FileDigests(paths).all();
    expect(digests).toEqual(paths.map((path) => ({ bytes: readFileSync(path).length, sha256: sha256sum(path) })));
    expect(digests[2]!.sha256).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('fails a file it cannot read with the file system error, after the digests before it', async () => {
    const folder = await tempFolder({ 'a.txt': 'a' });
    const digests = new FileDigests([join(folder, 'a.txt'), join(folder, 'gone.txt')]);
    await expect(digests.digest(0)).resolves.toEqual({ bytes: 1, sha256: sha256sum(join(folder, 'a.txt')) });
    const failure = await digests.digest(1).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'ENOENT' });
    expect(isFileError(failure)).toBe(true);
  });

  it('gives no digest once stopped', async () => {
    const folder = await tempFolder({ 'big.bin': randomBytes(32 * 1024 * 1024) });
    const digests = new FileDigests([join(folder, 'big.bin')]);
    await digests.stop();
    const failure = await digests.digest(0).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Error);
    expect(isFileError(failure)).toBe(false);
  });

  it('hashes small files on the caller\'s thread, with the digests the thread gives', async () => {
    const folder = await tempFolder({ 'a.txt': 'hello\n', 'b.bin': randomBytes(5 * 1024 * 1024 + 3), 'empty.bin': '' });
    const paths = ['a.txt', 'b.bin', 'empty.bin'].map((name) => join(folder, name));
    const expected = paths.map((path) => ({ bytes: readFileSync(path).length, sha256: sha256sum(path) }));
    const here = new FileDigests(paths);
    expect(here['worker']).toBeNull();
    expect(await here.all()).toEqual(expected);
    const onThread = new FileDigests(paths, 0);
    expect(onThread['worker']).not.toBeNull();
    expect(await onThread.all()).toEqual(expected);
  });

  it('gives no digest once stopped, and the file system error of a file it cannot read, on the caller\'s thread too', async () => {
    const folder = await tempFolder({ 'a.txt': 'a' });
    const missing = new FileDigests([join(folder, 'a.txt')]);
    await missing.stop();
    await expect(missing.digest(0)).rejects.toThrow('stopped');
    const gone = new FileDigests([join(folder, 'a.txt'), join(folder, 'gone.txt')], Number.POSITIVE_INFINITY);
    await expect(gone.digest(0)).resolves.toEqual({ bytes: 1, sha256: sha256sum(join(folder, 'a.txt')) });
    expect(await gone.digest(1).catch((error: unknown) => error)).toMatchObject({ code: 'ENOENT' });
  });

  it('hashes nothing, and starts no thread, for no files', async () => {
    const none = new FileDigests([]);
    expect(none['worker']).toBeNull();
    await expect(none.all()).resolves.toEqual([]);
  });
});
