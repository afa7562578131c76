import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readlinkSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import Database from 'better-sqlite3';
import { LockFiles } from '@roster-ledger/process-locks';
import type { RecordedEvent } from '@roster-ledger/ledger';
import { CLEVER_DEMO_FOLDER } from '@roster-ledger/testing';
import { readLog, scratch } from './support/ledger-cli';
import { describeRun, killStrayChildren, runCli, sleep, startCli, type CliRun } from './support/crash-process';
import { logProblems, openReadOnly, rosterOnly, syncOutcomes, syncProblems } from './support/crash-ledger';
import { generateSnapshots, snapshotWithoutStudents } from './support/crash-snapshot';

/**
 * Concurrency (issue "Scale and crash safety", item 5): several processes on one ledger file.
 * One sync at a time per district, refused cleanly; readers of the log never see half a sync.
 */
const STUDENTS = 8_000;
/** A WAL this large holds part of the big sync's append (the ledger's other writes before it take kilobytes). */
const WAL_OF_THE_APPEND = 4 * 1024 * 1024;

describe('concurrency: processes sharing one ledger file (end to end)', () => {
  const tmp = scratch('concurrency');
  const big = tmp.path('big');
  const journal: string[] = [];
  const note = (line: string) => journal.push(line);

  beforeAll(() => generateSnapshots({ students: STUDENTS, seed: 'concurrency', base: big }), 30_000);
  afterEach(() => {
    if (journal.length > 0) console.log(`concurrency:\n  ${journal.join('\n  ')}`);
    journal.length = 0;
  });
  afterAll(() => {
    killStrayChildren();
    tmp.cleanup();
  });

  it(
    'two imports of the same district started at once: one completes, the other is refused (one sync at a time) and recorded as failed',
    async () => {
      // Started at once, the two runs overlap: the first to take the district lock holds it for the
      // whole diff and append (over a second for this district), far longer than the start-up
      // jitter between two processes. Should they ever not overlap (the second starting after the
      // first finished: a machine stalled for seconds), both complete, the second appending nothing;
      // that is correct too but tests nothing, so the race is run again, at most 3 times.
      for (let attempt = 1; attempt <= 3; attempt++) {
        const db = tmp.path(`race-${attempt}.db`);
        const runs = await Promise.all([0, 1].map(() => runCli(['import', big, '--db', db, '--skip-projections'])));
        note(`attempt ${attempt}: ${runs.map(describeRun).join('; ')}`);
        const log = await readLog(db);
        expect(logProblems(log)).toEqual([]);
        const syncs = syncOutcomes(log);
        expect(syncs).toHaveLength(2);
        const winners = syncs.filter((s) => s.rosterEvents > 0);
        // whatever the interleaving: one set of roster events, all from one sync
        expect(winners).toHaveLength(1);
        const winner = winners[0]!;
        expect(winner.types).toEqual(['SyncStarted', 'SyncCompleted']);
        expect(rosterOnly(log)).toHaveLength(winner.rosterEvents);

        const statuses = runs.map((r) => r.status).sort();
        if (statuses[0] === 0 && statuses[1] === 0) {
          note(`attempt ${attempt}: the two runs did not overlap (both completed, the second appended nothing); racing again`);
          expect(syncs.find((s) => s !== winner)).toMatchObject({ types: ['SyncStarted', 'SyncCompleted'], appended: 0, rosterEvents: 0 });
          continue;
        }
        expect(statuses).toEqual([0, 1]);
        const loserRun = runs.find((r) => r.status === 1)!;
        const loser = syncs.find((s) => s !== winner)!;
        const districtId = log.find((e) => e.type === 'DistrictShared')!.data['id'] as string;
        // the refused run says why, in one clear line, with the running sync and the district
        expect(loserRun.stderr).toContain(`Failed (SYNC_ALREADY_RUNNING): sync ${winner.syncId} of district ${districtId} is running; one sync at a time per district`);
        expect(loserRun.stderr).toContain('Nothing was applied');
        expect(loserRun.stderr).not.toMatch(/SQLITE|at .*\.ts:\d+/);
        // and it is recorded as a failed sync
        expect(loser).toMatchObject({ types: ['SyncStarted', 'SyncFailed'], failureCode: 'SYNC_ALREADY_RUNNING', rosterEvents: 0 });
        expect(syncProblems(log, ['SYNC_ALREADY_RUNNING'])).toEqual([]);
        const listed = await runCli(['syncs', 'list', '--db', db, '--json']);
        expect((JSON.parse(listed.stdout) as { items: { syncId: string; status: string }[] }).items.map((s) => [s.syncId, s.status]).sort()).toEqual(
          [[winner.syncId, 'completed'], [loser.syncId, 'failed']].sort(),
        );
        // the refused run left the winner's lock alone, and the lock was released: the district syncs again
        const next = await runCli(['import', big, '--db', db, '--skip-projections', '--json']);
        expect(next.status).toBe(0);
        expect(JSON.parse(next.stdout)).toMatchObject({ status: 'completed', appended: 0 });
        return;
      }
      throw new Error('the two imports never overlapped in 3 attempts: the race was not tested (see the log above)');
    },
    120_000,
  );

  it(
    'readers see a large sync either not at all or whole, never half, while it is being written',
    async () => {
      const db = tmp.path('readers.db');
      // the ledger file exists before the import starts, so readers can open it from the first moment
      await readLog(db); // opens (so creates) the ledger file with its schema, empty
      const reader = openReadOnly(db);
      const observations = { sql: [] as Observation[], readLog: [] as Observation[], cli: [] as Observation[] };
      try {
        const importer = startCli(['import', big, '--db', db, '--skip-projections', '--json']);

        // the CLI, in its own processes, one after another while the import runs
        const cliReader = (async () => {
          while (!importer.exited()) {
            const listed = await runCli(['syncs', 'list', '--db', db, '--json']);
            observations.cli.push(listed.status === 0 ? fromSyncList(listed) : { phase: 'error', detail: `syncs list exited ${listed.status}: ${listed.stderr}` });
          }
        })();
        // a read-only connection of this process, many times a second, and the store's own reader now and then
        let rounds = 0;
        while (!importer.exited()) {
          // the WAL's size, taken before the read transaction starts: a reader that then still sees
          // "before" while the WAL holds megabytes looked while the sync's one transaction was being
          // written (its pages spill into the WAL before the commit makes them visible)
          const walBytes = fileSize(`${db}-wal`);
          observations.sql.push({ ...observeSql(reader), walBytes });
          if (++rounds % 20 === 0) observations.readLog.push(fromLog(await readLog(db)));
          await sleep(5);
        }
        const imported: CliRun = await importer.done;
        await cliReader;
        expect([imported.status, imported.stderr]).toEqual([0, '']);
        const appended = (JSON.parse(imported.stdout) as { appended: number }).appended;
        expect(appended).toBeGreaterThan(STUDENTS * 5); // a large sync: each student shared and enrolled in several classes

        // one last look of each kind, after the import ended: the whole sync
        observations.sql.push(observeSql(reader));
        observations.readLog.push(fromLog(await readLog(db)));
        observations.cli.push(fromSyncList(await runCli(['syncs', 'list', '--db', db, '--json'])));
        const tally = Object.fromEntries(Object.entries(observations).map(([kind, list]) => [kind, countPhases(list)]));
        const duringAppend = observations.sql.filter((o) => o.phase === 'before' && (o.walBytes ?? 0) > WAL_OF_THE_APPEND).length;
        note(`import of ${appended} roster events: ${describeRun(imported)}; observations ${JSON.stringify(tally)}, ${duringAppend} of them while the append was being written`);

        for (const list of Object.values(observations)) {
          // never half a sync, never an error
          expect(list.filter((o) => o.phase !== 'before' && o.phase !== 'after')).toEqual([]);
          // "after" is always the whole sync, and once seen, it stays
          expect(list.filter((o) => o.phase === 'after' && o.roster !== undefined && o.roster !== appended)).toEqual([]);
          const firstAfter = list.findIndex((o) => o.phase === 'after');
          expect(list.slice(firstAfter).every((o) => o.phase === 'after')).toBe(true);
          expect(list[list.length - 1]!.phase).toBe('after');
        }
        // the readers really looked while the sync was under way, and while its append was being written
        expect(observations.sql.filter((o) => o.phase === 'before' && o.syncSeen).length).toBeGreaterThan(0);
        expect(duringAppend).toBeGreaterThan(0);
      } finally {
        reader.close();
      }
    },
    120_000,
  );

  it(
    'approving a held sync while an import of the same district starts: refused cleanly or applied whole, never half, never twice',
    async () => {
      // An import takes the district lock, sees the held sync and gives up at once; an approval
      // takes the same lock for its one append. Raced at a few offsets, either may find the lock
      // taken: the loser must be refused with a clear message and change nothing, and a refused
      // approval must still apply afterwards.
      const db = tmp.path('approve-race.db');
      const minus = snapshotWithoutStudents(CLEVER_DEMO_FOLDER, tmp.path('demo-minus-200'), 200);
      const cleanFailure = (run: CliRun) => expect(run.stderr).not.toMatch(/SQLITE|Error:|at .*\.ts:\d+/);
      for (const offset of [-300, 0, 200]) {
        // the whole district (the students back, if the last round removed them), then the removal, held
        const whole = await runCli(['import', CLEVER_DEMO_FOLDER, '--db', db, '--skip-projections']);
        expect([whole.status, whole.stderr]).toEqual([0, '']);
        const held = await runCli(['import', minus, '--db', db, '--skip-projections', '--json']);
        const heldSync = JSON.parse(held.stdout) as { syncId: string; status: string; pending: number };
        expect([held.status, heldSync.status]).toEqual([0, 'held']);

        // offset > 0: the approval starts that long after the import; < 0: the import starts after the approval
        const started = Promise.all([
          sleep(Math.max(0, -offset)).then(() => startCli(['import', CLEVER_DEMO_FOLDER, '--db', db, '--skip-projections']).done),
          sleep(Math.max(0, offset)).then(() => startCli(['syncs', 'approve', heldSync.syncId, '--by', 'alice', '--db', db]).done),
        ]);
        const [imported, approved] = await started;

        let approval: string;
        if (approved.status === 0) approval = 'approved';
        else {
          expect([approved.status, approved.stderr]).toEqual([2, expect.stringMatching(/^error \(SYNC_ALREADY_RUNNING\): sync \S+ of district \S+ is running; one sync at a time per district\n$/)]);
          approval = 'refused (an import held the lock)';
        }
        let importOutcome: string;
        if (imported.status === 0) importOutcome = 'import completed (after the approval)';
        else {
          expect(imported.status).toBe(1);
          expect(imported.stderr).toMatch(/is held awaiting approval|is running; one sync at a time per district/);
          importOutcome = `import refused: ${/is held awaiting approval/.test(imported.stderr) ? 'held sync pending' : 'the approval held the lock'}`;
        }
        cleanFailure(approved);
        cleanFailure(imported);
        note(`approval started ${offset} ms after the import: ${approval}; ${importOutcome} (${describeRun(imported)}; ${describeRun(approved)})`);

        if (approved.status !== 0) {
          // refused, it changed nothing: the sync is still held, and applies now
          const again = await runCli(['syncs', 'approve', heldSync.syncId, '--by', 'alice', '--db', db]);
          expect([again.status, again.stderr]).toEqual([0, '']);
        }
        const log = await readLog(db);
        expect(logProblems(log)).toEqual([]);
        // each sync ended; the held one applied its pending events exactly once, as announced
        expect(syncProblems(log, ['HELD_SYNC_PENDING', 'SYNC_ALREADY_RUNNING'])).toEqual([]);
        expect(syncOutcomes(log).find((s) => s.syncId === heldSync.syncId)).toMatchObject({
          types: ['SyncStarted', 'SyncHeld', 'SyncApproved', 'SyncCompleted'],
          appended: heldSync.pending,
          rosterEvents: heldSync.pending,
        });
      }
      const verify = await runCli(['projections', 'verify', '--db', db]);
      expect(verify.status).toBe(0);
    },
    120_000,
  );

  it(
    'two approvals of one held sync at once, or an approval and a discard: one of them ends it, the other is refused',
    async () => {
      // Both see the sync held; before, the lock let the same sync in through two processes, so
      // the second applied nothing yet said it had (exit 0), or failed on the state the first
      // saved; and a discard took no lock at all
      const db = tmp.path('double-approval.db');
      const minus = snapshotWithoutStudents(CLEVER_DEMO_FOLDER, tmp.path('demo-minus-250'), 250);
      for (const [second, offset] of [['approve', 0], ['approve', 30], ['approve', 100], ['discard', 0], ['discard', 150]] as const) {
        const whole = await runCli(['import', CLEVER_DEMO_FOLDER, '--db', db, '--skip-projections']);
        expect([whole.status, whole.stderr]).toEqual([0, '']);
        const held = await runCli(['import', minus, '--db', db, '--skip-projections', '--json']);
        const heldSync = JSON.parse(held.stdout) as { syncId: string; status: string; pending: number };
        expect(heldSync.status).toBe('held');
        const decide = (how: 'approve' | 'discard', by: string, after: number) =>
          sleep(after).then(() => startCli(['syncs', how, heldSync.syncId, '--by', by, '--db', db]).done);
        const runs = await Promise.all([decide('approve', 'alice', 0), decide(second, 'bob', offset)]);
        note(`${second} ${offset} ms after an approval: ${runs.map(describeRun).join('; ')}`);
        const applied = runs.filter((r) => r.status === 0);
        expect(applied).toHaveLength(1);
        const refused = runs.find((r) => r.status !== 0)!;
        expect([refused.status, refused.stderr]).toEqual([
          2,
          // said as another decision under way, never as the held sync "running"
          expect.stringMatching(
            new RegExp(`^error \\((SYNC_ALREADY_RUNNING\\): sync ${heldSync.syncId} is being approved or discarded by another request or process; one decision at a time|SYNC_NOT_HELD\\): sync ${heldSync.syncId} is (completed|discarded), not held)`),
          ),
        ]);
        const log = await readLog(db);
        expect(logProblems(log)).toEqual([]);
        const outcome = syncOutcomes(log).find((s) => s.syncId === heldSync.syncId);
        const discarded = second === 'discard' && runs[1]!.status === 0;
        if (!discarded) expect(outcome).toMatchObject({ types: ['SyncStarted', 'SyncHeld', 'SyncApproved', 'SyncCompleted'], rosterEvents: heldSync.pending });
        else expect(outcome).toMatchObject({ types: ['SyncStarted', 'SyncHeld', 'SyncDiscarded'], rosterEvents: 0 });
      }
    },
    120_000,
  );
});


describe("a district's lock held by another live process", () => {
  const tmp = scratch('letting-go');
  let other: ChildProcess;
  beforeAll(() => {
    // a live process of another pid, named as the lock's holder
    other = spawn('sleep', ['600'], { stdio: 'ignore' });
  });
  afterAll(() => {
    for (const held of files.values()) held.close();
    other.kill();
    tmp.cleanup();
  });

  /** The district files this test holds for the holders it writes, by ledger. */
  const files = new Map<string, LockFiles>();
  /**
   * Writes the lock of the demo district as held by the other process, for `syncId`; `started`
   * the holder's start as noted ('' when not known, as in a ledger from before starts were).
   * `holding`: the district's lock file held as that process would hold it while it runs.
   */
  async function holdLock(db: string, syncId: string, { started = '', holding = true } = {}): Promise<void> {
    const ledger = new Database(db);
    try {
      const district = ledger.prepare("SELECT json_extract(data, '$.districtId') FROM events WHERE type = 'SyncStarted' LIMIT 1").pluck().get() as string;
      ledger
        .prepare('INSERT OR REPLACE INTO sync_locks (district_id, sync_id, pid, host, started, acquired_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(district, syncId, other.pid, hostname(), started, new Date().toISOString());
      if (holding) {
        if (!files.has(db)) files.set(db, new LockFiles(`${db}.sync-locks`));
        expect(await files.get(db)!.take(district)).toBe(true);
      }
    } finally {
      ledger.close();
    }
  }
  /**
   * Lets go of the lock after `ms`, as its holder would (its row, then its file); resolves to a
   * moment just before: the waiting process may take the lock and record its start within the
   * same millisecond as the release, before a clock read after it.
   */
  async function releaseLockAfter(db: string, ms: number): Promise<number> {
    await sleep(ms);
    const ledger = new Database(db);
    try {
      const releasing = Date.now();
      ledger.exec('DELETE FROM sync_locks');
      files.get(db)?.close();
      return releasing;
    } finally {
      ledger.close();
    }
  }

  it('waits for a holder whose sync has recorded its outcome (it is only letting go), and refuses one whose sync has not', async () => {
    const db = tmp.path('letting-go.db');
    const first = await runCli(['import', CLEVER_DEMO_FOLDER, '--db', db, '--skip-projections', '--json']);
    expect(first.status).toBe(0);
    const completed = (JSON.parse(first.stdout) as { syncId: string }).syncId;

    // the first sync, completed in its record, still holds the lock for a moment (saving the
    // district's state): the next, started meanwhile, waits for it and then runs (held longer
    // when the machine is so slow that the next one began only after the lock was let go)
    let waited = false;
    for (let holdMs = 3_000; !waited && holdMs <= 12_000; holdMs *= 2) {
      await holdLock(db, completed);
      const [next, releasedAt] = await Promise.all([runCli(['import', CLEVER_DEMO_FOLDER, '--db', db, '--skip-projections', '--json']), releaseLockAfter(db, holdMs)]);
      // (its report, when it failed, says why)
      expect([next.status, next.stderr, next.status === 0 ? '' : next.stdout]).toEqual([0, '', '']);
      const summary = JSON.parse(next.stdout) as { syncId: string; startedAt: string };
      expect(summary).toMatchObject({ status: 'completed', appended: 0 });
      waited = Date.parse(summary.startedAt) < releasedAt;
      // it records its start once it holds the district
      const recorded = (await readLog(db)).find((e) => e.type === 'SyncStarted' && (e.data as { syncId: string }).syncId === summary.syncId)!;
      if (waited) expect(Date.parse(recorded.recordedAt)).toBeGreaterThanOrEqual(releasedAt);
    }
    expect(waited).toBe(true);

    // a holder whose sync the ledger does not know to have ended: refused at once, as before
    await holdLock(db, 'a-sync-under-way');
    const refused = await runCli(['import', CLEVER_DEMO_FOLDER, '--db', db, '--skip-projections']);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('Failed (SYNC_ALREADY_RUNNING): sync a-sync-under-way of district');
  }, 120_000);

  it('takes over from a holder whose lock file no process holds, though its process id names a live process (the id reused once the holder died)', async () => {
    const db = tmp.path('reused-pid.db');
    expect((await runCli(['import', CLEVER_DEMO_FOLDER, '--db', db, '--skip-projections'])).status).toBe(0);
    // the id is the live process's, its start not: the holder that noted it is dead
    const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    await holdLock(db, 'a-sync-of-a-process-gone', { started: `${other.pid}/${readlinkSync('/proc/self/ns/pid')}/${boot}/1`, holding: false });
    const next = await runCli(['import', CLEVER_DEMO_FOLDER, '--db', db, '--skip-projections', '--json']);
    expect([next.status, next.stderr]).toEqual([0, '']);
    expect(JSON.parse(next.stdout)).toMatchObject({ status: 'completed' });
  }, 60_000);
});

/** What one reader saw of the import's sync: "before" (none of its roster events), "after" (all, and SyncCompleted), or something else. */
interface Observation {
  phase: 'before' | 'after' | 'partial' | 'error';
  /** Whether the sync's SyncStarted was visible (the import under way). */
  syncSeen?: boolean;
  /** Roster events of the sync that the reader saw. */
  roster?: number;
  detail?: string;
  /** Size of the WAL file just before the look. */
  walBytes?: number;
}

/** Classifies one reader's view of the one sync of the ledger: its stream, and the roster events carrying its id. */
function classify(sync: { types: string[]; appended: number | null } | undefined, roster: number): Observation {
  if (sync === undefined) return roster === 0 ? { phase: 'before', syncSeen: false, roster } : { phase: 'partial', roster, detail: 'roster events without a sync' };
  const completed = sync.types.includes('SyncCompleted');
  if (!completed && roster === 0) return { phase: 'before', syncSeen: true, roster };
  if (completed && roster === sync.appended) return { phase: 'after', syncSeen: true, roster };
  return { phase: 'partial', syncSeen: true, roster, detail: `sync [${sync.types.join(', ')}] announcing ${sync.appended}, ${roster} roster events visible` };
}

/** One consistent look through the read-only connection: one read transaction, so one snapshot of the file. */
function observeSql(db: Database.Database): Observation {
  try {
    return db.transaction(() => {
      const syncRows = db.prepare("SELECT type, data FROM events WHERE stream_id LIKE 'sync-%' ORDER BY position").all() as { type: string; data: string }[];
      const roster = db.prepare("SELECT COUNT(*) FROM events WHERE stream_id NOT LIKE 'sync-%'").pluck().get() as number;
      if (syncRows.length === 0) return classify(undefined, roster);
      const completed = syncRows.find((r) => r.type === 'SyncCompleted');
      return classify({ types: syncRows.map((r) => r.type), appended: completed ? (JSON.parse(completed.data) as { appended: number }).appended : null }, roster);
    })();
  } catch (error) {
    return { phase: 'error', detail: String(error) };
  }
}

/** A look through the event store's own reader (batches of 1,000 by position). */
function fromLog(log: RecordedEvent[]): Observation {
  const [sync] = syncOutcomes(log).filter((s) => s.types.length > 0);
  const roster = rosterOnly(log).length;
  return classify(sync, roster);
}

/** A look through `syncs list --json`: the sync is absent or running (before), or completed with its count (after). */
function fromSyncList(run: CliRun): Observation {
  let list: { status: string; appended: number }[];
  try {
    list = (JSON.parse(run.stdout) as { items: { status: string; appended: number }[] }).items;
  } catch {
    return { phase: 'error', detail: `not JSON (exit ${run.status}): ${run.stdout.slice(0, 200)} ${run.stderr.slice(0, 200)}` };
  }
  const [sync] = list;
  if (list.length > 1) return { phase: 'error', detail: `${list.length} syncs listed` };
  if (sync === undefined) return { phase: 'before', syncSeen: false };
  if (sync.status === 'running') return { phase: 'before', syncSeen: true };
  if (sync.status === 'completed') return { phase: 'after', syncSeen: true, roster: sync.appended };
  return { phase: 'partial', detail: `sync listed as ${sync.status}` };
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

function countPhases(list: Observation[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const o of list) counts[o.phase] = (counts[o.phase] ?? 0) + 1;
  return counts;
}
