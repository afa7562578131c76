import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DistrictLockFiles } from './district-lock-files';

describe('DistrictLockFiles', () => {
  const dir = mkdtempSync(join(tmpdir(), 'roster-ledger-lock-files-'));
  const folder = join(dir, 'ledger.db.sync-locks');
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const child of children) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  /** Another process holding the district's file as a sync's process does, until it is killed. */
  async function anotherProcessHolding(districtId: string): Promise<ChildProcess> {
    const script = `
      const Database = require(${JSON.stringify(require.resolve('better-sqlite3'))});
      require('node:fs').mkdirSync(${JSON.stringify(folder)}, { recursive: true });
      const db = new Database(${JSON.stringify(join(folder, `${districtId}.lock`))});
      db.exec('BEGIN EXCLUSIVE');
      process.stdout.write('held\\n');
      setInterval(() => {}, 60000);`;
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(child);
    await new Promise<void>((resolve, reject) => {
      child.stdout!.once('data', () => resolve());
      child.once('exit', (code) => reject(new Error(`the holding process exited (${code})`)));
    });
    return child;
  }

  it('holds a district for one process at a time, and lets go on release', async () => {
    const mine = new DistrictLockFiles(folder);
    const theirs = new DistrictLockFiles(folder);
    try {
      expect(await mine.take('d-1')).toBe(true);
      expect(await mine.take('d-1')).toBe(true);
      expect(mine.holds('d-1')).toBe(true);
      expect(await theirs.take('d-1')).toBe(false);
      expect(theirs.heldAnywhere('d-1')).toBe(true);
      // another district is its own file
      expect(await theirs.take('d-2')).toBe(true);
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
    const files = new DistrictLockFiles(folder);
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

  it('looks at a district never held without creating its file', () => {
    const files = new DistrictLockFiles(join(dir, 'never.sync-locks'));
    expect(files.heldAnywhere('d-4')).toBe(false);
    expect(existsSync(join(dir, 'never.sync-locks'))).toBe(false);
  });

  it('in memory, only notes what this process holds', async () => {
    const files = DistrictLockFiles.beside(':memory:');
    expect(files.heldAnywhere('d-5')).toBe(false);
    expect(await files.take('d-5')).toBe(true);
    expect(files.heldAnywhere('d-5')).toBe(true);
    files.release('d-5');
    expect(files.heldAnywhere('d-5')).toBe(false);
  });
});
