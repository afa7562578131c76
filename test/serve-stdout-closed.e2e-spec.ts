import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { CLEVER_DEMO_FOLDER } from '@roster-ledger/testing';
import { testKeysConfig } from './support/api-client';
import { BIN, cli, scratch } from './support/ledger-cli';

/** A port the system has just given out and taken back: free for the server to listen on. */
function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => ok(port));
    });
  });
}

/**
 * `serve` whose stdout goes away (a log reader that stopped, `serve | head`): a server others
 * query goes on serving, and says once on stderr that what it prints there is dropped. It used
 * to end with exit 0 and no word, as a command whose reader stopped early does.
 */
describe('serve with its stdout closed (end to end)', () => {
  const tmp = scratch('serve-stdout-closed');
  afterAll(() => tmp.cleanup());

  it('goes on answering, and says so on stderr', async () => {
    const db = tmp.path('ledger.db');
    expect(cli(['import', CLEVER_DEMO_FOLDER, '--db', db, '--skip-projections']).status).toBe(0);
    const port = await freePort();
    const child = spawn(process.execPath, [BIN, 'serve', '--port', String(port), '--db', db], { env: { ...process.env, LEDGER_CONFIG: '', LEDGER_API_KEYS: testKeysConfig() } });
    // the reader gone before the server prints where it listens
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    let exitCode: number | null | undefined;
    child.once('exit', (code) => (exitCode = code));
    try {
      let status = 0;
      for (let tries = 0; tries < 300 && status !== 200 && exitCode === undefined; tries++) {
        status = await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.status, () => 0);
        if (status !== 200) await new Promise((later) => setTimeout(later, 100));
      }
      // well after its first words went to the closed stdout
      await new Promise((later) => setTimeout(later, 1_000));
      expect({ status, exitCode }).toEqual({ status: 200, exitCode: undefined });
      expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
      expect(stderr).toContain('note: stdout is closed (EPIPE): serve goes on serving; what it would print there is dropped');
    } finally {
      if (exitCode === undefined) {
        const exited = new Promise((ok) => child.once('exit', ok));
        child.kill('SIGTERM');
        await exited;
      }
    }
  }, 60_000);
});
