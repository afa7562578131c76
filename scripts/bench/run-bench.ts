import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { binNodeFlags } from './bin-node-flags';
import { appendBaseline } from './append-baseline';
import type { MachineShare } from './machine-share';
import { measure, type Measured } from './measure';
import { queryLatency } from './query-latency';
import { syncHistoryBench } from './sync-history-bench';
import { stagedSetFolder } from '@roster-ledger/event-store';
import { accessLogPath, readModelFolder } from '@roster-ledger/read-models';

/**
 * `npm run bench -- <profile>`: generates a district, then measures, each step in its own process:
 * first import (read models caught up), unchanged re-import (the same files recognised, then every
 * record read and compared), 1% churn, term rollover (held by the
 * guard, then approved), a rebuild of every projection, our append rate against a plain SQLite
 * insert of the same rows, and query latency under 50 concurrent clients.
 * Profiles: `demo` (2,000 students, a smoke run), `100k`, `1m`; `--students N` for any size.
 * `sync-history [--syncs N]` measures the list of syncs instead (see syncHistoryBench).
 */
const PROFILES: Record<string, number> = { demo: 2_000, '100k': 100_000, '1m': 1_000_000 };
const ROOT = resolve(__dirname, '../..');
const NODE = process.execPath;
const CLI = join(ROOT, 'bin/roster-ledger');

interface StepResult {
  step: string;
  wallSeconds: number;
  /** User and system CPU time of the step's process: less moved by a busy host than the wall time. */
  cpuSeconds: number;
  peakRssMb: number;
  /** Share of the machine's CPU the hypervisor gave other guests during the step (null where unknown). */
  stealPercent: number | null;
  /** Cores busy on average during the step with anything but the step: other work that slowed it. */
  otherCores: number | null;
  events: number;
  eventsPerSecond: number;
  note: string;
}

function fail(step: string, m: Measured): never {
  throw new Error(`${step} failed (exit ${m.status}):\n${m.stdout.slice(-2000)}\n${m.stderr.slice(-2000)}`);
}

async function cli(step: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ m: Measured; body: any }> {
  const m = await measure(NODE, [...binNodeFlags(), CLI, ...args, '--json'], env);
  if (m.status !== 0) fail(step, m);
  return { m, body: JSON.parse(m.stdout) };
}

async function main(argv: string[]): Promise<void> {
  const profile = argv.find((a) => !a.startsWith('--')) ?? 'demo';
  if (profile === 'sync-history') return syncHistoryBench(argv);
  const studentsArg = argv.indexOf('--students');
  const students = studentsArg >= 0 ? Number(argv[studentsArg + 1]) : PROFILES[profile];
  if (!students) throw new Error(`unknown profile ${profile}; use ${Object.keys(PROFILES).join(', ')} or --students N`);
  const work = join(ROOT, 'data/bench', `${students}`);
  const folder = (name: string) => join(work, name);
  mkdirSync(work, { recursive: true });
  const log = (text: string) => process.stderr.write(`${text}\n`);

  if (!existsSync(join(folder('base'), 'sections.json')) || !existsSync(join(folder('rollover'), 'sections.json'))) {
    log(`generating ${students.toLocaleString('en-US')} students into ${work} ...`);
    const g = await measure(NODE, ['-r', join(ROOT, 'bin/register.js'), join(ROOT, 'scripts/generate/generate-district.ts'),
      '--students', String(students), '--seed', '1', '--out', folder('base'), '--churn', folder('churn'), '--rollover', folder('rollover'), '--replace']);
    if (g.status !== 0) fail('generate', g);
    log(`generated in ${g.wallSeconds.toFixed(1)} s (peak ${g.peakRssMb} MB)`);
  }
  const db = join(work, 'ledger.db');
  for (const file of [db, accessLogPath(db)]) for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
  rmSync(readModelFolder(db), { recursive: true, force: true });
  rmSync(stagedSetFolder(db)!, { recursive: true, force: true });
  // the rollover replaces nearly every enrollment: the guard holds it, and the bench approves it
  const results: StepResult[] = [];
  const record = (step: string, m: Measured, events: number, note = '') => {
    const r: StepResult = {
      step,
      wallSeconds: Math.round(m.wallSeconds * 10) / 10,
      cpuSeconds: m.cpuSeconds,
      peakRssMb: m.peakRssMb,
      stealPercent: m.machine?.stealPercent ?? null,
      otherCores: otherCores(m),
      events,
      eventsPerSecond: Math.round(events / m.wallSeconds),
      note,
    };
    results.push(r);
    log(
      `${step}: ${r.wallSeconds} s (CPU ${r.cpuSeconds} s${describeStepMachine(m)}), ${r.events.toLocaleString('en-US')} events, ` +
        `${r.eventsPerSecond.toLocaleString('en-US')} events/s, peak ${r.peakRssMb} MB${note === '' ? '' : `; ${note}`}`,
    );
  };

  // the sync itself: from its start to its commit and saved state snapshot, before the import folds the read models
  const syncTime = (body: { durationMs: number }) => `the sync itself ${(body.durationMs / 1000).toFixed(1)} s`;
  const first = await cli('first import', ['import', folder('base'), '--db', db]);
  record('first import (read models caught up)', first.m, first.body.appended, `${first.body.status}, ${syncTime(first.body)}`);
  const again = await cli('re-import', ['import', folder('base'), '--db', db]);
  record('unchanged re-import, the same files', again.m, again.body.appended,
    `appended ${again.body.appended}, ${again.body.sameFilesAs ? 'recognised by their SHA-256' : 'NOT recognised'}, ${syncTime(again.body)}`);
  // what an API sync or a folder of other bytes costs: every record read and compared
  const reread = await cli('re-import, read all', ['import', folder('base'), '--read-all', '--db', db]);
  record('unchanged re-import, every record read (--read-all)', reread.m, reread.body.appended, `appended ${reread.body.appended}, ${syncTime(reread.body)}`);
  const churn = await cli('churn', ['import', folder('churn'), '--db', db]);
  record('1% churn', churn.m, churn.body.appended || churn.body.pending, `${churn.body.status}, ${syncTime(churn.body)}`);
  const rollover = await cli('rollover', ['import', folder('rollover'), '--db', db]);
  let rolloverNote = rollover.body.status;
  let rolloverEvents = rollover.body.appended;
  if (rollover.body.status === 'held') {
    const approve = await cli('approve rollover', ['syncs', 'approve', rollover.body.syncId, '--by', 'bench', '--db', db]);
    rolloverNote = `held, then approved in ${approve.m.wallSeconds.toFixed(1)} s (CPU ${approve.m.cpuSeconds} s${describeStepMachine(approve.m)}, peak ${approve.m.peakRssMb} MB)`;
    rolloverEvents = rollover.body.pending;
  }
  record('term rollover', rollover.m, rolloverEvents, rolloverNote);
  const rebuild = await cli('rebuild', ['rebuild', '--all', '--db', db]);
  record('rebuild of all projections', rebuild.m, rebuild.body.events, `${Math.round(rebuild.body.events / rebuild.body.seconds).toLocaleString('en-US')} events/s inside the rebuild`);

  log('append rate against a plain better-sqlite3 insert ...');
  const append = await appendBaseline(db, Math.min(first.body.appended, 2_000_000));
  log(`append: ours ${append.oursPerSecond.toLocaleString('en-US')}/s, plain insert ${append.plainPerSecond.toLocaleString('en-US')}/s, ratio ${append.ratio}`);

  log('query latency, 50 concurrent clients ...');
  const pacing = [
    { thinkMs: 0, pauses: 'fixed' as const },
    { thinkMs: 100, pauses: 'fixed' as const },
    { thinkMs: 100, pauses: 'random' as const },
  ];
  const latency = await queryLatency(db, { clients: 50, seconds: 15, pacing });
  for (const q of latency) {
    log(
      `${q.query} (pause ${q.thinkMs} ms, ${q.pauses}, ${q.clients === 'wrk' ? 'wrk' : 'Node'} clients): p50 ${q.p50Ms} ms, p99 ${q.p99Ms} ms over ${q.requests} requests` +
        ` (in the server: p50 ${q.serverP50Ms} ms, p99 ${q.serverP99Ms} ms), ${q.errors} errors${describeErrors(q.errorKinds)}, ${q.accessLogBacklog} reads not indexed yet` +
        describeMachine(q),
    );
    for (const line of q.serverLogOnErrors) log(`  serve: ${line}`);
  }

  const summary = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version },
    command: `npm run bench -- ${argv.join(' ')}`,
    students,
    steps: results,
    append,
    latency,
  };
  writeFileSync(join(work, 'results.json'), JSON.stringify(summary, null, 2));
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
}

/** Cores busy on average during a step with anything but the step's own process. */
function otherCores(m: Measured): number | null {
  if (m.machine === null || !(m.wallSeconds > 0) || Number.isNaN(m.cpuSeconds)) return null;
  return Math.max(0, Math.round((m.machine.busyCores - m.cpuSeconds / m.wallSeconds) * 100) / 100);
}

/** `0.4 cores`, `1 core` */
const cores = (n: number | null): string => `${n} ${n === 1 ? 'core' : 'cores'}`;

/** `, 23.5% stolen by the host, 0.4 cores busy with other work`, or nothing where the machine's counters cannot be read. */
function describeStepMachine(m: Measured): string {
  return m.machine === null ? '' : `, ${m.machine.stealPercent}% stolen by the host, ${cores(otherCores(m))} busy with other work`;
}

/** `, 23.5% stolen by the host, 1.62 cores busy` (the server's and the clients' work together), or nothing where unknown. */
function describeMachine({ machine }: { machine: MachineShare | null }): string {
  return machine === null ? '' : `, ${machine.stealPercent}% stolen by the host, ${cores(machine.busyCores)} busy`;
}

/** ` (HTTP 503: 2, ECONNRESET: 1)`, or nothing when no request failed. */
function describeErrors(kinds: Record<string, number>): string {
  const parts = Object.entries(kinds).map(([kind, count]) => `${kind}: ${count}`);
  return parts.length === 0 ? '' : ` (${parts.join(', ')})`;
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
