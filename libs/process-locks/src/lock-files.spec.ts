import { spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { anotherProcessHolding as holdingElsewhere } from '@roster-ledger/testing';
import { LockFiles } from './lock-files';

describe('LockFiles', () => {
  const dir = mkdtempSync(join(tmpdir(), 'roster-ledger-lock-files-'));
  const folder = join(dir, 'ledger.db.sync-locks');
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const child of children) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  /** Another process holding a file as a process at work does, until it is killed (at the end, if not before). */
  async function anotherProcessHolding(name: string): Promise<ChildProcess> {
    const { holder } = await holdingElsewhere(folder, name);
    children.push(holder);
    return holder;
  }

  it('holds a name for one process at a time, and lets go once released as often as taken', async () => {
    const mine = new LockFiles(folder);
    const theirs = new LockFiles(folder);
    try {
      expect(await mine.take('d-1')).toBe(true);
      expect(await mine.take('d-1')).toBe(true);
      expect(mine.holds('d-1')).toBe(true);
      expect(await theirs.take('d-1')).toBe(false);
      expect(theirs.heldAnywhere('d-1')).toBe(true);
      // another name is its own file
      expect(await theirs.take('d-2')).toBe(true);
      // taken twice (a work inside another): held until released twice
      mine.release('d-1');
      expect([mine.holds('d-1'), theirs.heldAnywhere('d-1')]).toEqual([true, true]);
      mine.release('d-1');
      expect(mine.holds('d-1')).toBe(false);
      expect(theirs.heldAnywhere('d-1')).toBe(false);
      expect(await theirs.take('d-1')).toBe(true);
    } finally {
      mine.close();
      theirs.close();
    }
  });

  it("sees another process's hold, and the file free once that process is killed", async () => {
    const child = await anotherProcessHolding('d-3');
    const files = new LockFiles(folder);
    try {
      expect(files.heldAnywhere('d-3')).toBe(true);
      expect(await files.take('d-3')).toBe(false);
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      expect(files.heldAnywhere('d-3')).toBe(false);
      expect(await files.take('d-3')).toBe(true);
    } finally {
      files.close();
    }
  });

  it("deletes a holder's own file when it lets go for good, and a dead holder's when swept, never a live one's", async () => {
    const child = await anotherProcessHolding('round-7');
    const files = new LockFiles(folder);
    const exists = (name: string) => existsSync(join(folder, `${name}.lock`));
    try {
      expect(files.tryTake('round-7')).toBe(false);
      expect(files.sweep('round-7')).toBe(false);
      expect(exists('round-7')).toBe(true);
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      expect(files.sweep('round-7')).toBe(true);
      expect(exists('round-7')).toBe(false);
      // a name with no file was never held, or its holder is gone
      expect(files.sweep('round-7')).toBe(true);

      expect(files.tryTake('round-8')).toBe(true);
      expect(files.sweep('round-8')).toBe(false);
      expect(new LockFiles(folder).sweep('round-8')).toBe(false);
      expect(exists('round-8')).toBe(true);
      files.discard('round-8');
      expect([files.holds('round-8'), exists('round-8')]).toEqual([false, false]);
    } finally {
      files.close();
    }
  });

  it('sweeps every file of a family of names that no process holds and that is old enough, and no other', async () => {
    const family = join(dir, 'family');
    const files = new LockFiles(family);
    const exists = (name: string) => existsSync(join(family, `${name}.lock`));
    const age = (name: string) => utimesSync(join(family, `${name}.lock`), new Date(Date.now() - 120_000), new Date(Date.now() - 120_000));
    const left = new LockFiles(family);
    for (const name of ['round-a', 'round-b', 'round-young', 'build-x']) expect(left.tryTake(name)).toBe(true);
    left.close(); // (as a killed holder leaves them)
    const { holder } = await holdingElsewhere(family, 'round-held');
    children.push(holder);
    for (const name of ['round-a', 'round-b', 'build-x', 'round-held']) age(name);
    try {
      expect(files.sweepAll('round-', 60_000)).toBe(2);
      expect(['round-a', 'round-b', 'round-young', 'round-held', 'build-x'].map(exists)).toEqual([false, false, true, true, true]);
    } finally {
      files.close();
    }
    expect(new LockFiles(join(dir, 'no-such-folder')).sweepAll('round-', 0)).toBe(0);
  });

  it("keeps this process's hold through its own looks at the file (another process still cannot take it)", async () => {
    const mine = new LockFiles(folder);
    try {
      expect(await mine.take('d-6')).toBe(true);
      // a look opens and closes a connection of this process on the file: POSIX drops a process's
      // locks on a file when it closes any handle on it, unless SQLite keeps that handle open
      expect(new LockFiles(folder).heldAnywhere('d-6')).toBe(true);
      expect(new LockFiles(folder).heldAnywhere('d-6')).toBe(true);
      const tried = spawnSync(
        process.execPath,
        [
          '-e',
          `const Database = require(${JSON.stringify(require.resolve('better-sqlite3'))});
           const db = new Database(${JSON.stringify(join(folder, 'd-6.lock'))}, { timeout: 0 });
           try { db.exec('BEGIN EXCLUSIVE'); process.stdout.write('taken'); } catch (error) { process.stdout.write(error.code); }`,
        ],
        { encoding: 'utf8' },
      );
      expect(tried.stdout).toBe('SQLITE_BUSY');
    } finally {
      mine.close();
    }
  });

  it('refuses a name that is not safe in a file name', async () => {
    await expect(new LockFiles(folder).take('../elsewhere')).rejects.toThrow('not a lock file\'s name: "../elsewhere"');
  });

  it('looks at a name never held without creating its file', () => {
    const files = new LockFiles(join(dir, 'never.sync-locks'));
    expect(files.heldAnywhere('d-4')).toBe(false);
    expect(existsSync(join(dir, 'never.sync-locks'))).toBe(false);
  });

  it('in memory, only notes what this process holds', async () => {
    const files = new LockFiles(null);
    expect(files.heldAnywhere('d-5')).toBe(false);
    expect(await files.take('d-5')).toBe(true);
    expect(files.heldAnywhere('d-5')).toBe(true);
    files.release('d-5');
    expect(files.heldAnywhere('d-5')).toBe(false);
  });
});
