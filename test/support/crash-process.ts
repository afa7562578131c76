import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

/**
 * Child processes of the real `roster-ledger` CLI that a crash or concurrency spec can start,
 * watch, and SIGKILL at a chosen moment; a seeded PRNG for the kill delays; a poll helper.
 */

const BIN = resolve(__dirname, '../../bin/roster-ledger');

export interface CliRun {
  args: string[];
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Wall time from spawn to exit. */
  ms: number;
  /** Whether the run was ended by our SIGKILL (false when it exited on its own first). */
  killed: boolean;
}

export interface CliProcess {
  child: ChildProcess;
  startedAt: number;
  /** Whether the process has exited. */
  exited(): boolean;
  /** SIGKILLs the process if it still runs; returns whether a signal was sent. */
  kill(): boolean;
  done: Promise<CliRun>;
}

const live = new Set<ChildProcess>();

/** Starts the CLI in a child process (no shell: the pid is the CLI's own node process). */
export function startCli(args: string[], env: NodeJS.ProcessEnv = {}): CliProcess {
  const startedAt = Date.now();
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, LEDGER_CONFIG: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  let stdout = '';
  let stderr = '';
  let killed = false;
  let exited = false;
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const done = new Promise<CliRun>((resolveRun, reject) => {
    child.on('error', (error) => {
      live.delete(child);
      reject(error);
    });
    // 'close' (not 'exit'): the output pipes are drained too
    child.on('close', (status, signal) => {
      exited = true;
      live.delete(child);
      resolveRun({ args, status, signal, stdout, stderr, ms: Date.now() - startedAt, killed: killed && signal === 'SIGKILL' });
    });
  });
  child.on('exit', () => (exited = true));
  return {
    child,
    startedAt,
    exited: () => exited,
    kill: () => {
      if (exited || child.exitCode !== null || child.signalCode !== null) return false;
      killed = true;
      return child.kill('SIGKILL');
    },
    done,
  };
}

/** Runs the CLI to its end. */
export function runCli(args: string[], env?: NodeJS.ProcessEnv): Promise<CliRun> {
  return startCli(args, env).done;
}

/** Runs the CLI and SIGKILLs it `delayMs` after the spawn, unless it ended before. */
export async function runCliKilledAfter(args: string[], delayMs: number, env?: NodeJS.ProcessEnv): Promise<CliRun> {
  const run = startCli(args, env);
  const timer = setTimeout(() => run.kill(), delayMs);
  try {
    return await run.done;
  } finally {
    clearTimeout(timer);
  }
}

/** SIGKILLs every CLI child still running (for afterAll, when a spec failed half-way). */
export function killStrayChildren(): void {
  for (const child of live) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  live.clear();
}

export { seededRandom } from '@roster-ledger/testing';

/** The seed of a run: `CRASH_SEED` to reproduce a failure, else a fresh one (printed by the spec). */
export function crashSeed(): number {
  const given = process.env['CRASH_SEED'];
  if (given !== undefined && given !== '') {
    const seed = Number(given);
    if (!Number.isInteger(seed)) throw new Error(`CRASH_SEED must be an integer, got ${given}`);
    return seed;
  }
  return Date.now() % 2_147_483_647;
}

/** An integer delay in [min, max] drawn from `random`. */
export function drawDelay(random: () => number, min: number, max: number): number {
  return Math.round(min + random() * Math.max(0, max - min));
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` every `everyMs` until it returns a value other than undefined/false; fails after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 20_000, everyMs = 10): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** One line about a run, for the spec's log: how long, how it ended. */
export function describeRun(run: CliRun): string {
  const how = run.killed ? 'SIGKILLed' : run.signal ? `ended by ${run.signal}` : `exited ${run.status}`;
  // a run that failed on its own says why: its stderr, so a failure in CI can be read from the log
  const why = !run.killed && run.status !== 0 && run.stderr.trim() !== '' ? ` (stderr: ${run.stderr.trim().split('\n').slice(0, 6).join(' | ')})` : '';
  return `${run.args.slice(0, 2).join(' ')}: ${how} after ${run.ms} ms${why}`;
}
