import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { resolve } from 'node:path';

const BIN = resolve(__dirname, '../../bin/roster-ledger');

export interface ServeProcess {
  child: ChildProcessWithoutNullStreams;
  /** What `serve --json` printed on start: the URLs it serves. */
  started: { url: string; docs: string; db: string; keys: number };
  output: () => string;
}

/** Starts the real `roster-ledger serve --json --port 0` and waits for the line that says where it listens. */
export function startServe(db: string, env: NodeJS.ProcessEnv): Promise<ServeProcess> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--db', db, '--json'], { env: { ...process.env, LEDGER_CONFIG: '', ...env } });
  let stdout = '';
  let stderr = '';
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`serve did not start in time:\n${stdout}\n${stderr}`)), 30_000);
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      try {
        const started = JSON.parse(stdout) as ServeProcess['started'];
        clearTimeout(timer);
        ok({ child, started, output: () => stdout + stderr });
      } catch {
        // not the whole document yet
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`serve exited with ${code}:\n${stdout}\n${stderr}`));
    });
  });
}

/** Sends a signal and waits for the process to end; resolves with its exit code. */
export function stopServe(serve: ServeProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  return new Promise((ok) => {
    serve.child.once('exit', (code) => ok(code));
    serve.child.kill(signal);
  });
}

/** Runs `serve` expecting it to refuse to start (on `port`: by default, one the system picks), with `extra` options. */
export function serveRefusal(db: string, env: NodeJS.ProcessEnv, port = 0, extra: string[] = []): { status: number | null; stderr: string; stdout: string } {
  const result = spawnSync(process.execPath, [BIN, 'serve', '--port', String(port), '--db', db, ...extra], {
    encoding: 'utf8',
    env: { ...process.env, LEDGER_CONFIG: '', ...env },
    timeout: 60_000,
  });
  return { status: result.status, stderr: result.stderr, stdout: result.stdout };
}
