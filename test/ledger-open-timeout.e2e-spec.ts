import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { LedgerConfig } from '@roster-ledger/config';
import { SqliteLedgerDatabase } from '@roster-ledger/event-store';
import { CLEVER_DEMO_FOLDER } from '@roster-ledger/testing';
import { LedgerRuntimeModule } from '../apps/cli/src/ledger-runtime.module';
import { testKeysConfig } from './support/api-client';
import { cli, cliJson, type CliResult } from './support/ledger-cli';

/**
 * LEDGER_OPEN_TIMEOUT_MS sets how long a process waits on start for another that holds the ledger
 * file whole (a large sync's append in bulk): a command run meanwhile can be made to wait for it
 * rather than fail after the default 5 s. Once open, statements keep their 5 s busy timeout: a
 * server's thread must never block for minutes on another process's write.
 */
describe('opening the ledger while another process holds it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-open-timeout-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("keeps statements' busy timeout at 5 s whatever LEDGER_OPEN_TIMEOUT_MS says", async () => {
    const config = LedgerConfig.load({ LEDGER_CONFIG: '', LEDGER_OPEN_TIMEOUT_MS: '120000' }, { db: join(dir, 'ledger.db') });
    const app = await NestFactory.createApplicationContext(LedgerRuntimeModule.forRoot(config), { logger: false });
    try {
      expect(app.get(SqliteLedgerDatabase, { strict: false }).db.pragma('busy_timeout', { simple: true })).toBe(5_000);
    } finally {
      await app.close();
    }
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

  /** The CLI run on a new ledger `name` while it is held in bulk, waiting at most 200 ms on start. */
  const cliWhileHeld = (name: string, args: string[], env: NodeJS.ProcessEnv = {}): CliResult => {
    const path = join(dir, name);
    new SqliteLedgerDatabase(path).close();
    const release = holdInBulk(path);
    try {
      return cli([...args, '--db', path], { LEDGER_OPEN_TIMEOUT_MS: '200', ...env });
    } finally {
      release();
    }
  };

  it('a command run while another process appends in bulk fails past its open timeout with one line saying why and what to do', () => {
    const result = cliWhileHeld('held.db', ['syncs', 'list']);
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^error: SQLite ledger .*held\.db is locked by another connection \(SQLITE_BUSY\).*run this again when it is done, or set LEDGER_OPEN_TIMEOUT_MS to wait longer/),
    ]);
  });

  it('with LEDGER_OPEN_TIMEOUT_MS long enough, the command waits for that append and answers', async () => {
    const path = join(dir, 'waited.db');
    new SqliteLedgerDatabase(path).close();
    const release = holdInBulk(path);
    const child = spawn(process.execPath, [require.resolve('../bin/roster-ledger'), 'syncs', 'list', '--db', path], {
      env: { ...process.env, LEDGER_CONFIG: '', LEDGER_OPEN_TIMEOUT_MS: '60000' },
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

  it('serve started meanwhile says in one line that it cannot serve, and why', () => {
    const result = cliWhileHeld('served.db', ['serve', '--port', '0'], { LEDGER_API_KEYS: testKeysConfig() });
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^cannot serve on 127\.0\.0\.1:0: SQLite ledger .*served\.db is locked by another connection .*set LEDGER_OPEN_TIMEOUT_MS to wait longer/),
    ]);
  });

  it('a ledger cut short fails with one line saying it is damaged, and nothing is made beside it', () => {
    const whole = join(dir, 'whole.db');
    expect(cli(['import', CLEVER_DEMO_FOLDER, '--db', whole, '--skip-projections']).status).toBe(0);
    const cut = join(dir, 'cut', 'ledger.db');
    mkdirSync(dirname(cut));
    writeFileSync(cut, readFileSync(whole).subarray(0, 64 * 1024));
    for (const command of [['syncs', 'list'], ['search', 'Ziemann'], ['import', CLEVER_DEMO_FOLDER]]) {
      const result = cli([...command, '--db', cut]);
      expect({ command, status: result.status }).toEqual({ command, status: 1 });
      expect(result.stderr.trim().split('\n')).toEqual([`error: the ledger at ${cut} is damaged (SQLITE_CORRUPT: database disk image is malformed): part of the file is missing or overwritten, as a copy cut short or made while it was written leaves it. Nothing was changed. Restore it from a backup (see Backing up in the README)`]);
      expect(readdirSync(dirname(cut))).toEqual(['ledger.db']);
    }
  }, 60_000);

  it('a damaged read model or access log is named as such, not as a damaged ledger, and the read model is made again once moved aside', () => {
    const ledger = join(dir, 'parts', 'ledger.db');
    mkdirSync(dirname(ledger));
    expect(cli(['import', CLEVER_DEMO_FOLDER, '--db', ledger]).status).toBe(0);
    const spoil = (file: string) => {
      const bytes = readFileSync(file);
      bytes.fill(0x5a, 4096);
      writeFileSync(file, bytes);
    };
    spoil(join(`${ledger}.read-models`, 'accounts.v1.db'));
    const readModel = cli(['search', 'Ziemann', '--db', ledger]);
    expect(readModel.status).toBe(1);
    expect(readModel.stderr).toMatch(new RegExp(`^error: a read model of the ledger at ${ledger} is damaged \\(SQLITE_CORRUPT: .*move ${ledger}\\.read-models aside and run the command again`));
    renameSync(`${ledger}.read-models`, join(dir, 'parts', 'aside'));
    expect(cli(['search', 'Ziemann', '--db', ledger]).stdout).toContain('Steve G Ziemann');

    spoil(`${ledger}.access-log.db`);
    const accessLog = cli(['search', 'Ziemann', '--db', ledger]);
    expect(accessLog.status).toBe(1);
    expect(accessLog.stderr.trim()).toMatch(new RegExp(`^error: the access log at ${ledger}\\.access-log\\.db is damaged \\(SQLITE_CORRUPT: .*The ledger itself is not at fault, and needs no restore`));
  }, 60_000);

  it('a read model damaged where starting does not read is named as such when a command meets the damage, in text and in JSON', () => {
    const ledger = join(dir, 'deep', 'ledger.db');
    mkdirSync(dirname(ledger));
    expect(cli(['import', CLEVER_DEMO_FOLDER, '--db', ledger]).status).toBe(0);
    const accounts = join(`${ledger}.read-models`, 'accounts.v1.db');
    const bytes = readFileSync(accounts);
    bytes.fill(0xff, Math.floor(bytes.length / 2), Math.floor((bytes.length * 9) / 10));
    writeFileSync(accounts, bytes);
    // started, and answering from the pages that are whole
    expect(cli(['projections', '--db', ledger]).status).toBe(0);
    const text = cli(['search', 'Ziemann', '--db', ledger]);
    expect(text.status).toBe(1);
    expect(text.stderr.trim()).toMatch(
      new RegExp(`^error \\(FILE_DAMAGED\\): a read model of the ledger at ${ledger} is damaged \\(SQLITE_CORRUPT: .*The command stopped there\\. .*move ${ledger}\\.read-models aside and run the command again`),
    );
    const asJson = cliJson<{ error: { code: string; message: string } }>(['search', 'Ziemann', '--db', ledger]);
    expect(asJson.status).toBe(1);
    expect(asJson.body.error.code).toBe('FILE_DAMAGED');
    expect(asJson.body.error.message).toContain(`a read model of the ledger at ${ledger} is damaged`);
  }, 60_000);

  it('a --db file that is not a ledger fails with one line naming it', () => {
    const path = join(dir, 'notes.txt');
    writeFileSync(path, 'not a database, just notes\n');
    const result = cli(['syncs', 'list', '--db', path]);
    // refused before it is opened (NOT_A_LEDGER): nothing is made beside it
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^error: .*notes\.txt is not a ledger: it is not an SQLite database file; pass --db/)]);
  });
});
