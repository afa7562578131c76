import { existsSync } from 'node:fs';
import type { RecordedEvent } from '@roster-ledger/ledger';
import { readLog, scratch } from './support/ledger-cli';
import {
  crashSeed,
  describeRun,
  drawDelay,
  killStrayChildren,
  runCli,
  runCliKilledAfter,
  seededRandom,
  sleep,
  startCli,
  waitFor,
  type CliRun,
} from './support/crash-process';
import {
  describeProjectionState,
  ledgerSummary,
  lockHolder,
  logProblems,
  projectionState,
  rosterDifference,
  rosterOnly,
  startedSyncs,
  pendingChangeSets,
  strayReadModels,
  syncOutcomes,
  syncProblems,
  tryReadOnly,
  type ProjectionStateRow,
} from './support/crash-ledger';
import { generateSnapshots, snapshotBlockingOn } from './support/crash-snapshot';

/**
 * Crash safety (issue "Scale and crash safety", item 4): the real CLI in child processes,
 * SIGKILLed at random points of an import, a rebuild and a projection catch-up, then run to the
 * end; the ledger must come out as if nothing had been killed.
 *
 * The kill delays come from a seeded PRNG; the seed and every delay are printed, and
 * `CRASH_SEED=<seed> npx jest test/crash-safety` draws the same delays again (where a kill lands
 * also depends on the machine's speed: the delays are drawn up to the durations measured at the
 * start of the run).
 */
const STUDENTS = 3_000;
const IMPORT_KILL_ROUNDS = 6;
const REBUILD_KILL_ROUNDS = 5;
const RUNNER_KILL_ROUNDS = 6;
const MIN_DELAY_MS = 50;
const PROJECTIONS = ['accounts', 'classes', 'enrollments', 'timelines', 'audit', 'syncs', 'lookups'];

describe('crash safety: SIGKILL at random points (end to end)', () => {
  const tmp = scratch('crash');
  const seed = crashSeed();
  const random = seededRandom(seed);
  const base = tmp.path('base');
  const churn = tmp.path('churn');
  const referenceDb = tmp.path('reference.db');
  /** The log of a ledger that imported base then churn without a kill. */
  let reference: RecordedEvent[];
  /** Wall times of the reference runs (CLI start-up included): the upper bounds of the kill delays. */
  const typical = { base: 0, churn: 0 };
  const journal: string[] = [];
  const note = (line: string) => journal.push(line);

  beforeAll(async () => {
    console.log(`crash-safety: seed ${seed} (reproduce with CRASH_SEED=${seed})`);
    await generateSnapshots({ students: STUDENTS, seed: 'crash-safety', base, churn });
    const first = await runCli(['import', base, '--db', referenceDb, '--json']);
    const second = await runCli(['import', churn, '--db', referenceDb, '--json']);
    expect([first.status, first.stderr]).toEqual([0, '']);
    expect([second.status, second.stderr]).toEqual([0, '']);
    typical.base = first.ms;
    typical.churn = second.ms;
    reference = await readLog(referenceDb);
    note(`reference ledger: base import ${typical.base} ms, churn import ${typical.churn} ms, ${reference.length} events`);
  }, 60_000);

  afterEach(() => {
    // printed whether the test passed or not: the delays and what each kill left are what a failure needs
    if (journal.length > 0) console.log(`crash-safety (seed ${seed}):\n  ${journal.join('\n  ')}`);
    journal.length = 0;
  });

  afterAll(() => {
    killStrayChildren();
    tmp.cleanup();
  });

  /** Runs the CLI, killed after a delay drawn from the seeded PRNG, and notes what happened. */
  async function killedRun(label: string, args: string[], maxDelay: number, db: string): Promise<CliRun> {
    const delay = drawDelay(random, MIN_DELAY_MS, maxDelay);
    const run = await runCliKilledAfter(args, delay);
    note(`${label}: kill at ${delay} ms -> ${describeRun(run)}; ${ledgerSummary(db)}`);
    // a run that ended before its kill must have succeeded
    if (!run.killed) expect([run.status, run.stderr]).toEqual([0, '']);
    return run;
  }

  it(
    'imports SIGKILLed at random points lose and double nothing: the log equals one imported without kills',
    async () => {
      const db = tmp.path('killed-imports.db');
      for (let round = 1; round <= IMPORT_KILL_ROUNDS; round++) {
        await killedRun(`import base, round ${round}`, ['import', base, '--db', db], typical.base, db);
      }
      const completed = await runCli(['import', base, '--db', db, '--json']);
      expect([completed.status, completed.stderr]).toEqual([0, '']);
      note(`import base to the end: ${describeRun(completed)}; ${ledgerSummary(db)}`);

      await killedRun('import churn', ['import', churn, '--db', db], typical.churn, db);
      const churned = await runCli(['import', churn, '--db', db, '--json']);
      expect([churned.status, churned.stderr]).toEqual([0, '']);
      note(`import churn to the end: ${describeRun(churned)}; ${ledgerSummary(db)}`);

      const log = await readLog(db);
      // no event lost or duplicated: every stream 0..n-1 without a gap, ids unique, positions increasing
      expect(logProblems(log)).toEqual([]);
      // and every event under the seal its append wrote with it: no kill left one without the other
      const sealed = await runCli(['verify-log', '--db', db, '--json']);
      expect([sealed.status, JSON.parse(sealed.stdout)]).toEqual([0, expect.objectContaining({ intact: true, sealedUpTo: log[log.length - 1]!.position, unsealedBefore: 0 })]);
      // The same roster events as the reference ledger, as multisets of (stream, revision, type, data).
      // Event ids derive from the sync id (a random UUID per run) and the metadata carries the sync id
      // and the clocks of that run, so those legitimately differ between the two ledgers.
      expect(rosterDifference(log, reference)).toEqual({ onlyInFirst: [], onlyInSecond: [], sizes: [rosterOnly(reference).length, rosterOnly(reference).length] });
      // every sync ended: completed, or failed as interrupted (the next run records a killed one so);
      // none is left "running", and only completed syncs have roster events
      expect(syncProblems(log, ['INTERRUPTED'])).toEqual([]);
      const completedSyncs = syncOutcomes(log).filter((s) => s.appended !== null);
      expect(completedSyncs.filter((s) => s.rosterEvents > 0)).toHaveLength(2); // one sync applied the base, one the churn

      // one more import of the same snapshot, every record read and compared, appends no roster event
      const again = await runCli(['import', churn, '--db', db, '--read-all', '--json']);
      expect(again.status).toBe(0);
      expect(JSON.parse(again.stdout)).toMatchObject({ status: 'completed', appended: 0 });
      expect(rosterOnly(await readLog(db))).toEqual(rosterOnly(log));
      // the change sets the killed imports staged were dropped by the syncs that came after them
      expect(pendingChangeSets(db)).toEqual([]);

      // every read model equals a rebuild from the log
      const verify = await runCli(['projections', 'verify', '--db', db]);
      expect([verify.status, verify.stdout.match(/equal to a rebuild from the log/g)?.length]).toEqual([0, PROJECTIONS.length]);
      expect(strayReadModels(db)).toEqual([]);
    },
    150_000,
  );

  describe('a sync killed at a known point of its run (a snapshot file that blocks: a named pipe)', () => {
    it('is recorded as interrupted by the next run when it was killed holding the district lock', async () => {
      const db = tmp.path('killed-holding-lock.db');
      const blocking = snapshotBlockingOn(base, tmp.path('base-blocking-users'), 'users.json');
      const run = startCli(['import', blocking.folder, '--db', db, '--skip-projections']);
      // the lock is taken once the district is known, SyncStarted recorded a moment after (its own
      // transaction); the sync then blocks opening users.json: killed there, holding the lock
      const killedSync = await waitFor(
        'the sync to take the district lock and record SyncStarted',
        () => {
          const holder = lockHolder(db);
          return holder !== undefined && startedSyncs(db).includes(holder) ? holder : undefined;
        },
        30_000,
      );
      run.kill();
      const killed = await run.done;
      expect(killed.killed).toBe(true);
      blocking.restore();

      const next = await runCli(['import', blocking.folder, '--db', db]);
      expect([next.status, next.stderr]).toEqual([0, '']);
      // and says so, rather than leaving it to be found in syncs list
      expect(next.stdout).toMatch(new RegExp(`^  Sync ${killedSync} \\(started \\S+ by \\S+\\) had stopped unfinished, its process gone: recorded as failed \\(INTERRUPTED\\); nothing of it was applied\\.$`, 'm'));
      const log = await readLog(db);
      expect(syncOutcomes(log).find((s) => s.syncId === killedSync)).toMatchObject({ types: ['SyncStarted', 'SyncFailed'], failureCode: 'INTERRUPTED', rosterEvents: 0 });
      expect(syncProblems(log, ['INTERRUPTED'])).toEqual([]);
      expect(logProblems(log)).toEqual([]);
      expect(lockHolder(db)).toBeUndefined();
    }, 60_000);

    it('leaves nothing behind when it was killed while reading its first record (before SyncStarted)', async () => {
      // A sync learns its district from its first record before it records SyncStarted (so that
      // even a failed sync is on its district's history). A process killed while that read
      // blocks (for a Clever API source, a network round trip) has recorded nothing: no sync is
      // left "running", no lock is held, and the next import runs as if it had never started.
      const db = tmp.path('killed-before-lock.db');
      const blocking = snapshotBlockingOn(base, tmp.path('base-blocking-districts'), 'districts.json');
      const run = startCli(['import', blocking.folder, '--db', db, '--skip-projections']);
      await waitFor('the ledger file', () => existsSync(db), 30_000);
      await sleep(1_000); // it cannot get further: districts.json is a pipe nobody writes to
      expect(startedSyncs(db)).toEqual([]);
      expect(lockHolder(db)).toBeUndefined();
      run.kill();
      expect((await run.done).killed).toBe(true);
      blocking.restore();

      const next = await runCli(['import', blocking.folder, '--db', db, '--json']);
      expect([next.status, next.stderr]).toEqual([0, '']);
      const log = await readLog(db);
      note(`a sync killed before SyncStarted, then a full import: ${ledgerSummary(db)}`);
      expect(syncOutcomes(log).map((s) => s.types)).toEqual([['SyncStarted', 'SyncCompleted']]);
      expect(syncProblems(log, [])).toEqual([]);
    }, 60_000);
  });

  it(
    'rebuilds SIGKILLed at random points resume from their checkpoint, end with every read model live and verified, and leave the log alone',
    async () => {
      const db = referenceDb;
      const logBefore = await readLog(db);
      const measured = await runCli(['rebuild', '--all', '--db', db, '--json']);
      expect([measured.status, measured.stderr]).toEqual([0, '']);
      note(`rebuild --all to the end (measured): ${describeRun(measured)}; ${describeProjectionState(projectionState(db))}`);

      let previous = projectionState(db);
      for (let round = 1; round <= REBUILD_KILL_ROUNDS; round++) {
        await killedRun(`rebuild --all, round ${round}`, ['rebuild', '--all', '--db', db], measured.ms, db);
        const now = projectionState(db);
        note(`  projections: ${describeProjectionState(now)}`);
        // a killed rebuild resumes where it stopped: its checkpoint never goes back
        expect(checkpointsGoingBack(previous, now, 'building')).toEqual([]);
        expect(checkpointsGoingBack(previous, now, 'live')).toEqual([]);
        previous = now;
      }
      // where each interrupted build stopped, as the state files noted it; the others start from
      // the beginning of the log
      const interrupted = new Set(previous.filter((row) => row.building_version !== null).map((row) => row.name));
      const stoppedAt = Object.fromEntries(PROJECTIONS.map((name) => {
        const p = previous.find((row) => row.name === name);
        return [name, p === undefined || p.building_version === null ? 0 : (p.building_position ?? 0)];
      }));
      const head = logBefore[logBefore.length - 1]!.position;

      const finished = await runCli(['rebuild', '--all', '--db', db, '--json']);
      expect([finished.status, finished.stderr]).toEqual([0, '']);
      const result = JSON.parse(finished.stdout) as { swapped: boolean; events: number; resumedFrom: Record<string, number> };
      expect(result.swapped).toBe(true);
      note(`rebuild --all to the end: ${describeRun(finished)}, folded ${result.events} events (head ${head}, resumed from ${JSON.stringify(result.resumedFrom)})`);
      // a rebuild left half done was resumed from its checkpoint, not started over, and read the
      // log from there. The checkpoint is the build's own file's; its state file notes it right
      // after that file's commit, so a kill between the two leaves the note a batch behind (never
      // ahead): the rebuild resumes at or after the noted position, never before it
      for (const name of PROJECTIONS) {
        if (!interrupted.has(name)) expect([name, result.resumedFrom[name]]).toEqual([name, 0]);
        else expect([name, result.resumedFrom[name]! >= stoppedAt[name]! && result.resumedFrom[name]! <= head]).toEqual([name, true]);
      }
      expect(result.events).toBe(head - Math.min(...PROJECTIONS.map((name) => result.resumedFrom[name]!)));

      const status = await runCli(['projections', '--db', db, '--json']);
      expect(status.status).toBe(0);
      const rows = (JSON.parse(status.stdout) as { items: { name: string; status: string; rebuilding: unknown; lag: { events: number } }[] }).items;
      expect(rows.map((r) => [r.name, r.status, r.rebuilding, r.lag.events])).toEqual(PROJECTIONS.map((n) => [n, 'running', null, 0]));
      expect(strayReadModels(db)).toEqual([]);

      const verify = await runCli(['projections', 'verify', '--db', db]);
      expect([verify.status, verify.stdout.match(/equal to a rebuild from the log/g)?.length]).toEqual([0, PROJECTIONS.length]);
      // rebuilds read the log and never write to it
      expect(await readLog(db)).toEqual(logBefore);
    },
    120_000,
  );

  it(
    'a projection runner SIGKILLed mid-batch folds every event exactly once after it catches up',
    async () => {
      const db = tmp.path('killed-runner.db');
      const imported = await runCli(['import', base, '--db', db, '--skip-projections', '--json']);
      expect([imported.status, imported.stderr]).toEqual([0, '']);
      const head = () => tryReadOnly(db, (d) => d.prepare('SELECT MAX(position) FROM events').pluck().get() as number) ?? 0;
      note(`import --skip-projections: ${describeRun(imported)}; ${describeProjectionState(projectionState(db))}, head ${head()}`);
      let previous = projectionState(db);
      expect(previous.every((p) => p.position < head())).toBe(true);

      // First a kill at a moment known to be mid catch-up: as soon as the first batch committed,
      // while the next batch is being folded (checkpoints above 0, below the head).
      const watched = startCli(['projections', 'verify', '--db', db]);
      await waitFor(
        'the first catch-up batch to commit',
        () => watched.exited() || projectionState(db).some((p) => p.position > 0 && p.position < head()),
        60_000,
        5,
      );
      const stopped = watched.kill();
      note(`verify killed as soon as a checkpoint moved (${stopped ? 'mid catch-up' : 'too late: it had ended'}): ${describeRun(await watched.done)}; ${describeProjectionState(projectionState(db))}`);
      expect(checkpointsGoingBack(previous, projectionState(db), 'live')).toEqual([]);
      previous = projectionState(db);

      // Then kills at random points of commands that catch up: verify (catches up, then compares
      // with scratch rebuilds) and an import of the same snapshot (appends nothing, then catches up).
      for (let round = 1; round <= RUNNER_KILL_ROUNDS; round++) {
        const args = round % 2 === 1 ? ['projections', 'verify', '--db', db] : ['import', base, '--db', db];
        await killedRun(`${args.slice(0, 2).join(' ')}, round ${round}`, args, typical.base, db);
        const now = projectionState(db);
        note(`  projections: ${describeProjectionState(now)}, head ${head()}`);
        // each batch commits with its checkpoint: a checkpoint never goes back
        expect(checkpointsGoingBack(previous, now, 'live')).toEqual([]);
        previous = now;
      }

      const caughtUp = await runCli(['import', base, '--db', db, '--json']);
      expect([caughtUp.status, caughtUp.stderr]).toEqual([0, '']);
      expect(JSON.parse(caughtUp.stdout)).toMatchObject({ status: 'completed', appended: 0 });
      // verify compares each read model with a rebuild from the log: a timeline row or an
      // enrollment interval folded twice (or lost) is a difference
      const verify = await runCli(['projections', 'verify', '--db', db]);
      note(`verify: ${verify.stdout.trim().replace(/\n/g, ' | ')}`);
      expect([verify.status, verify.stdout.match(/equal to a rebuild from the log/g)?.length]).toEqual([0, PROJECTIONS.length]);
      expect(projectionState(db).map((p) => [p.name, p.position, p.status])).toEqual(PROJECTIONS.slice().sort().map((n) => [n, head(), 'running']));
      expect(strayReadModels(db)).toEqual([]);
      const log = await readLog(db);
      expect(logProblems(log)).toEqual([]);
      expect(syncProblems(log, ['INTERRUPTED'])).toEqual([]);
    },
    120_000,
  );
});

/** Projections whose live (or building) checkpoint moved back between two observations of the same version. */
function checkpointsGoingBack(before: ProjectionStateRow[], after: ProjectionStateRow[], which: 'live' | 'building'): string[] {
  const problems: string[] = [];
  for (const now of after) {
    const then = before.find((p) => p.name === now.name);
    if (!then) continue;
    if (which === 'live' && then.live_version === now.live_version && now.position < then.position) {
      problems.push(`${now.name} v${now.live_version}: checkpoint ${then.position} -> ${now.position}`);
    }
    if (which === 'building' && then.building_version !== null && then.building_version === now.building_version && (now.building_position ?? 0) < (then.building_position ?? 0)) {
      problems.push(`${now.name} rebuild v${now.building_version}: checkpoint ${then.building_position} -> ${now.building_position}`);
    }
  }
  return problems;
}
