import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { LedgerConfig } from '@roster-ledger/config';
import { SqliteLedgerDatabase } from '@roster-ledger/event-store';
import { LedgerRuntimeModule } from '../apps/cli/src/ledger-runtime.module';
import { cli, type CliResult } from './support/ledger-cli';

/**
 * LEDGER_BUSY_TIMEOUT_MS sets how long a process's connection to the ledger waits for another's
 * lock: a command run while a large sync appends in bulk (which holds the whole file) can be made
 * to wait for it rather than fail after the default 5 s.
 */
describe("a process's ledger connection", () => {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-busy-timeout-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const busyTimeoutWith = async (env: NodeJS.ProcessEnv): Promise<unknown> => {
    const config = LedgerConfig.load({ LEDGER_CONFIG: '', ...env }, { db: join(dir, 'ledger.db') });
    const app = await NestFactory.createApplicationContext(LedgerRuntimeModule.forRoot(config), { logger: false });
    try {
      return app.get(SqliteLedgerDatabase, { strict: false }).db.pragma('busy_timeout', { simple: true });
    } finally {
      await app.close();
    }
  };

  it('waits as long as LEDGER_BUSY_TIMEOUT_MS says for another connection, else 5 s', async () => {
    expect(await busyTimeoutWith({ LEDGER_BUSY_TIMEOUT_MS: '120000' })).toBe(120_000);
    expect(await busyTimeoutWith({ LEDGER_BUSY_TIMEOUT_MS: '' })).toBe(5_000);
    expect(await busyTimeoutWith({})).toBe(5_000);
  });

  /**
   * Holds the ledger as a sync's append in bulk does: in rollback-journal mode, under an exclusive
   * lock, which keeps every other connection from opening it. Returns the release.
   */
  const holdInBulk = (path: string): (() => void) => {
    const holder = new SqliteLedgerDatabase(path);
    holder.db.pragma('journal_mode = DELETE');
    holder.db.exec('BEGIN EXCLUSIVE');
    return () => {
      holder.db.exec('COMMIT');
      holder.close();
    };
  };

  it('a command run while another process appends in bulk fails past its busy timeout with one line saying why and what to do', () => {
    const path = join(dir, 'held.db');
    new SqliteLedgerDatabase(path).close();
    const release = holdInBulk(path);
    let result: CliResult;
    try {
      result = cli(['syncs', 'list', '--db', path], { LEDGER_BUSY_TIMEOUT_MS: '200' });
    } finally {
      release();
    }
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^error: SQLite ledger .*held\.db is locked by another connection \(SQLITE_BUSY\).*run this again when it is done, or set LEDGER_BUSY_TIMEOUT_MS to wait longer/),
    ]);
  });

  it('with LEDGER_BUSY_TIMEOUT_MS long enough, the command waits for that append and answers', async () => {
    const path = join(dir, 'waited.db');
    new SqliteLedgerDatabase(path).close();
    const release = holdInBulk(path);
    const child = spawn(process.execPath, [require.resolve('../bin/roster-ledger'), 'syncs', 'list', '--db', path], {
      env: { ...process.env, LEDGER_CONFIG: '', LEDGER_BUSY_TIMEOUT_MS: '60000' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolveExit) => child.once('close', resolveExit));
    // well past the default 5 s of waiting, counting the command's start
    await new Promise((resolveLater) => setTimeout(resolveLater, 8_000));
    release();
    expect({ status: await exited, stderr }).toEqual({ status: 0, stderr: '' });
    expect(stdout).toMatch(/no syncs/i);
  }, 60_000);

  it('a --db file that is not a ledger fails with one line naming it', () => {
    const path = join(dir, 'notes.txt');
    writeFileSync(path, 'not a database, just notes\n');
    const result = cli(['syncs', 'list', '--db', path]);
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^error: SQLite ledger .*notes\.txt failed \(SQLITE_NOTADB\): file is not a database$/)]);
  });
});
