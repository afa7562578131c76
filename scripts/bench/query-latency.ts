import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createHash, randomBytes } from 'node:crypto';
import { Agent, get } from 'node:http';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { accessLogPath, readModelPath, readModelVersionPath } from '@roster-ledger/read-models';
import { binNodeFlags } from './bin-node-flags';
import { cpuCounters, shareBetween, type MachineShare } from './machine-share';

export interface LatencyResult {
  query: string;
  /**
   * Who asked: `node`, the bench's own clients (node:http, in this process), or `wrk` (Debian's
   * load generator, in C, with scripts/bench/paced-clients.lua), which the bench also runs each
   * phase with when it is installed: a few per cent of a core, and no collector of its own.
   */
  clients: 'node' | 'wrk';
  /** Pause of each client between its answer and its next request: 0 = as fast as it can. */
  thinkMs: number;
  /** `fixed`: every pause is thinkMs; `random`: pauses drawn from an exponential distribution of that mean. */
  pauses: 'fixed' | 'random';
  requests: number;
  /** As the clients saw it: queueing, HTTP and the clients' own event loop included. */
  p50Ms: number;
  p99Ms: number;
  /** Inside the server, from the request's arrival in Express to its response (serve's request log). */
  serverP50Ms: number;
  serverP99Ms: number;
  errors: number;
  /** What each failed request got, counted: its HTTP status, or the connection's error code. */
  errorKinds: Record<string, number>;
  /** When a request failed: the first lines serve logged during the phase other than answers with 200 (its failures, and why). */
  serverLogOnErrors: string[];
  /** Reads logged but not indexed by student yet when the phase ended: work deferred past it, if any. */
  accessLogBacklog: number;
  /** What the machine did during the phase (server and clients share it); null where it cannot be read. */
  machine: MachineShare | null;
}

/** A load phase: how long each client pauses between an answer and its next request. */
export interface Pacing {
  thinkMs: number;
  pauses: 'fixed' | 'random';
}

const ROOT = resolve(__dirname, '../..');

/** Ids to ask about, read straight from the live read-model tables. */
export function sampleIds(dbPath: string): { students: string[]; sections: string[] } {
  const sample = (projection: string, sql: (version: number) => string): string[] => {
    const state = new Database(readModelPath(dbPath, projection), { readonly: true });
    let version: number;
    try {
      version = state.prepare('SELECT live_version FROM projection_state WHERE name = ?').pluck().get(projection) as number;
    } finally {
      state.close();
    }
    const db = new Database(readModelVersionPath(dbPath, projection, version), { readonly: true });
    try {
      return db.prepare(sql(version)).pluck().all() as string[];
    } finally {
      db.close();
    }
  };
  const students = sample('accounts', (v) => `SELECT id FROM rm_accounts_accounts_v${v} WHERE roles LIKE '%student%' ORDER BY random() LIMIT 4000`);
  const sections = sample('classes', (v) => `SELECT id FROM rm_classes_classes_v${v} ORDER BY random() LIMIT 4000`);
  return { students, sections };
}

/** Reads the server logged but has not indexed by student yet. */
function accessLogBacklog(dbPath: string): number {
  const db = new Database(accessLogPath(dbPath), { readonly: true });
  try {
    return db.prepare('SELECT (SELECT COALESCE(MAX(id), 0) FROM access_log) - (SELECT up_to FROM access_log_indexed)').pluck().get() as number;
  } finally {
    db.close();
  }
}

/** The handling times serve's request log shows (`GET /route 200 0.8ms who`), sorted. */
function handlingTimes(log: string): number[] {
  const times = [...log.matchAll(/GET \S+ \d{3} (\d+(?:\.\d+)?)ms/g)].map((m) => Number(m[1]));
  return times.sort((a, b) => a - b);
}

/** Serve's log lines other than those of requests answered with 200. */
function otherThanAnswered(log: string): string[] {
  return log.split('\n').filter((line) => line.trim() !== '' && !/GET \S+ 200 /.test(line));
}

/**
 * One GET on a kept-alive connection, resolved once the whole body is read: null when it answered
 * 200, else what went wrong (`HTTP 503`, `ECONNRESET`). Plain `node:http` rather than `fetch`: the
 * 50 clients share the server's two cores, and fetch's own work per request (about twice http's
 * here) and its garbage showed up as server latency.
 */
function httpGet(agent: Agent, url: string, headers: Record<string, string>): Promise<string | null> {
  const failure = (error: NodeJS.ErrnoException) => error.code ?? error.message;
  return new Promise((resolve) => {
    const request = get(url, { agent, headers }, (response) => {
      response.on('data', () => undefined);
      response.on('end', () => resolve(response.statusCode === 200 ? null : `HTTP ${response.statusCode}`));
      response.on('error', (error) => resolve(failure(error)));
    });
    request.on('error', (error) => resolve(failure(error)));
  });
}

/** A client's pause: exactly thinkMs, or drawn from an exponential distribution of that mean. */
const pauseOf = ({ thinkMs, pauses }: Pacing) => (pauses === 'random' ? -Math.log(1 - Math.random()) * thinkMs : thinkMs);

/** wrk's path when it is installed (Debian's package `wrk`), else null. */
function findWrk(): string | null {
  for (const dir of (process.env.PATH ?? '').split(':')) if (dir !== '' && existsSync(join(dir, 'wrk'))) return join(dir, 'wrk');
  return null;
}

/**
 * One phase through wrk: `clients` connections asking for `paths` in turn with the pacing's pauses
 * (scripts/bench/paced-clients.lua). Run as a child process the bench waits for without blocking
 * its event loop: serve's log comes through a pipe this process must keep draining.
 */
async function wrkPhase(wrk: string, url: string, key: string, paths: string[], pacing: Pacing, clients: number, seconds: number) {
  const folder = mkdtempSync(join(tmpdir(), 'roster-ledger-bench-'));
  try {
    writeFileSync(join(folder, 'paths.txt'), `${paths.join('\n')}\n`);
    const threads = 2;
    const child = spawn(wrk, [`-t${threads}`, `-c${clients}`, `-d${seconds}s`, '-s', join(__dirname, 'paced-clients.lua'), url], {
      env: { ...process.env, PATHS: join(folder, 'paths.txt'), THINK: String(pacing.thinkMs), PAUSES: pacing.pauses, KEY: key, CONNECTIONS_PER_THREAD: String(Math.ceil(clients / threads)) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    const line = /requests (\d+) errors (\d+) p50 ([\d.]+) p99 ([\d.]+)/.exec(output);
    if (status !== 0 || line === null) throw new Error(`wrk failed (exit ${status}):\n${output}`);
    return { requests: Number(line[1]), errors: Number(line[2]), p50Ms: Number(line[3]), p99Ms: Number(line[4]) };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

/**
 * Starts `roster-ledger serve` on the ledger and keeps `clients` concurrent clients asking, for
 * `seconds` each, for student timelines and as-of class rosters over HTTP: once as fast as they
 * can (the server saturated: latency is mostly queueing), and once with each client pausing
 * `thinkMs` between requests (people at a support desk). Every loop is bounded in time and talks
 * to 127.0.0.1 only.
 */
export async function queryLatency(dbPath: string, options: { clients: number; seconds: number; pacing: Pacing[] }): Promise<LatencyResult[]> {
  const { students, sections } = sampleIds(dbPath);
  const key = randomBytes(24).toString('hex');
  const sha256 = createHash('sha256').update(key).digest('hex');
  const port = 30_000 + Math.floor(Math.random() * 20_000);
  const server = spawn(process.execPath, [...binNodeFlags(), join(ROOT, 'bin/roster-ledger'), 'serve', '--port', String(port), '--db', dbPath], {
    env: { ...process.env, LEDGER_API_KEYS: JSON.stringify([{ name: 'bench', role: 'compliance', sha256 }]) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let serverOutput = '';
  server.stdout.on('data', (d: Buffer) => (serverOutput += d.toString()));
  server.stderr.on('data', (d: Buffer) => (serverOutput += d.toString()));
  const base = `http://127.0.0.1:${port}`;
  try {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const ok = await fetch(`${base}/health/live`).then((r) => r.ok, () => false);
      if (ok) break;
      if (Date.now() > deadline || server.exitCode !== null) throw new Error(`serve did not start:\n${serverOutput}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const asOf = new Date().toISOString();
    const on = (ids: string[], classes: string[]): [string, (i: number) => string, number][] => [
      ['student timeline', (i) => `/accounts/${ids[i % ids.length]}/timeline?limit=100`, ids.length],
      ['class roster as of a date', (i) => `/classes/${classes[i % classes.length]}/roster?asOf=${asOf}`, classes.length],
    ];
    // the measured phases ask about the first half of each sample, the warm-up about the second:
    // the warm-up warms the server, not the very rows measured
    const half = (ids: string[]) => Math.ceil(ids.length / 2);
    const queries = on(students.slice(0, half(students)), sections.slice(0, half(sections)));
    const warmUp = on(students.slice(half(students)), sections.slice(half(sections)));
    // idle connections dropped after 4 s: the server closes a kept-alive connection idle for 5 s
    // (Node's keepAliveTimeout), and a client that reuses one just as it does gets ECONNRESET.
    // With 100 ms pauses a few connections carry the load and the pool's others sit idle: three
    // such resets, with nothing in the server's log, were a bench's only failed requests
    const agent = new Agent({ keepAlive: true, maxSockets: options.clients, timeout: 4_000 });
    const headers = { authorization: `Bearer ${key}` };
    /** `clients` clients asking `path` for `seconds`, paced; each client's response times. */
    const load = async (path: (i: number) => string, pacing: Pacing, seconds: number) => {
      const times: number[] = [];
      const errorKinds: Record<string, number> = {};
      let n = 0;
      const end = Date.now() + seconds * 1000;
      const sleep = (ms: number) => (ms > 0 ? new Promise((r) => setTimeout(r, ms)) : undefined);
      await Promise.all(
        Array.from({ length: options.clients }, async () => {
          // people do not all click at the same millisecond: without a staggered start, every
          // phase opened with a burst of 50 requests whose queue alone was half of the 1% tail
          await sleep(pacing.pauses === 'random' ? pauseOf(pacing) : Math.random() * pacing.thinkMs);
          while (Date.now() < end) {
            const i = n++;
            const started = performance.now();
            const failed = await httpGet(agent, base + path(i), headers);
            if (failed !== null) errorKinds[failed] = (errorKinds[failed] ?? 0) + 1;
            times.push(performance.now() - started);
            await sleep(pauseOf(pacing));
          }
        }),
      );
      return { times, errorKinds };
    };
    // the first seconds of a fresh server are its compiler warming up and pages coming into the
    // cache: not what a support desk sees all day
    for (const [, path] of warmUp) await load(path, { thinkMs: 10, pauses: 'random' }, 3);
    const wrk = findWrk();
    const results: LatencyResult[] = [];
    const ms = (sorted: number[], p: number) => Math.round(percentile(sorted, p) * 10) / 10;
    /** Runs one phase, and records it with what serve logged and the machine did meanwhile. */
    const phase = async (query: string, pacing: Pacing, clients: LatencyResult['clients'], run: () => Promise<Pick<LatencyResult, 'requests' | 'p50Ms' | 'p99Ms' | 'errorKinds'>>) => {
      const logFrom = serverOutput.length;
      const countersBefore = cpuCounters();
      const phaseStarted = performance.now();
      const seen = await run();
      const machine = shareBetween(countersBefore, cpuCounters(), (performance.now() - phaseStarted) / 1000);
      const phaseLog = serverOutput.slice(logFrom);
      const served = handlingTimes(phaseLog);
      const errors = Object.values(seen.errorKinds).reduce((sum, count) => sum + count, 0);
      results.push({
        query,
        clients,
        ...pacing,
        ...seen,
        serverP50Ms: ms(served, 50),
        serverP99Ms: ms(served, 99),
        errors,
        serverLogOnErrors: errors === 0 ? [] : otherThanAnswered(phaseLog).slice(0, 20),
        accessLogBacklog: accessLogBacklog(dbPath),
        machine,
      });
    };
    for (const pacing of options.pacing)
    for (const [query, path, count] of queries) {
      await phase(query, pacing, 'node', async () => {
        const { times, errorKinds } = await load(path, pacing, options.seconds);
        times.sort((a, b) => a - b);
        return { requests: times.length, p50Ms: ms(times, 50), p99Ms: ms(times, 99), errorKinds };
      });
      if (wrk === null) continue;
      const paths = Array.from({ length: count }, (_, i) => path(i));
      await phase(query, pacing, 'wrk', async () => {
        const seen = await wrkPhase(wrk, base, key, paths, pacing, options.clients, options.seconds);
        // wrk counts failures without telling them apart: an error, a timeout, a status not 2xx
        const errorKinds: Record<string, number> = seen.errors > 0 ? { 'wrk: failed or not 2xx': seen.errors } : {};
        return { requests: seen.requests, p50Ms: Math.round(seen.p50Ms * 10) / 10, p99Ms: Math.round(seen.p99Ms * 10) / 10, errorKinds };
      });
    }
    return results;
  } finally {
    server.kill('SIGTERM');
  }
}
