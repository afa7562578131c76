import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { CLEVER_DEMO_FOLDER } from '@roster-ledger/testing';
import { BIN, cli, scratch } from './support/ledger-cli';

interface Ended {
  code: number | null;
  stderr: string;
}

/** Runs the CLI with stdout given to `stdout` (a pipe read until `readBytes`, then closed; or a file descriptor). */
function run(args: string[], stdout: { readBytes: number } | number): Promise<Ended> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, LEDGER_CONFIG: '' },
      stdio: ['ignore', typeof stdout === 'number' ? stdout : 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    if (typeof stdout !== 'number') {
      let read = 0;
      // a reader that stops early, as `| head -c` does
      child.stdout!.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (read >= stdout.readBytes) child.stdout!.destroy();
      });
    }
    child.once('close', (code) => done({ code, stderr }));
  });
}

/**
 * An export whose output cannot be written to its end: a reader that stopped early, a full disk.
 * Before, the first ended with exit 0 and no word (the summary line was missing, which nobody
 * notices), and the second with a stack trace.
 */
describe('a command whose output cannot be written to its end (end to end)', () => {
  const tmp = scratch('output-failure');
  afterAll(() => tmp.cleanup());
  let db: string;

  beforeAll(() => {
    db = tmp.path('ledger.db');
    expect(cli(['import', CLEVER_DEMO_FOLDER, '--db', db]).status).toBe(0);
  }, 120_000);

  it('ends an export cut short by its reader with the exit code of SIGPIPE, and says it is incomplete', async () => {
    // the demo's export is megabytes: far more than a pipe holds
    const ended = await run(['audit', 'export', '--db', db], { readBytes: 1000 });
    expect(ended.code).toBe(141);
    expect(ended.stderr).toContain('note: the output was closed by its reader before the end: this export is incomplete');
    expect(ended.stderr).not.toContain('audit feed written');
  }, 120_000);

  it('ends a listing cut short by its reader with the exit code of SIGPIPE, saying nothing', async () => {
    const ended = await run(['events', '--limit', '1000', '--db', db], { readBytes: 1000 });
    expect(ended).toEqual({ code: 141, stderr: '' });
  }, 120_000);

  const full = existsSync('/dev/full');
  (full ? it : it.skip)('says in one line that the disk is full, not with a stack trace', async () => {
    const fd = openSync('/dev/full', 'w');
    try {
      const ended = await run(['audit', 'export', '--db', db], fd);
      expect(ended.code).toBe(1);
      expect(ended.stderr.trim().split('\n')).toEqual([
        'error: writing the output failed (the disk is full, ENOSPC): this export is incomplete (export again; a whole one ends with how many changes it wrote and the next --after)',
      ]);
    } finally {
      closeSync(fd);
    }
  }, 120_000);
  if (!full) console.log('skipped: the full-disk case needs /dev/full, which this system has not');
});
