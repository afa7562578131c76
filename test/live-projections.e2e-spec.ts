import Database from 'better-sqlite3';
import { Logger } from '@nestjs/common';
import { LiveProjectionRunner, ReadModelFiles, readModelPath, SqliteProjectionControl, SqliteReadModels, SQLITE_PROJECTIONS } from '@roster-ledger/read-models';
import { SqliteEventStore, SqliteLedgerDatabase } from '@roster-ledger/event-store';
import { CLEVER_DEMO_FOLDER, writeNextDaySnapshot } from '@roster-ledger/testing';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { ApiClient, TEST_KEYS, testKeysConfig } from './support/api-client';
import { startServe, stopServe } from './support/api-serve-process';
import { generateSnapshots } from './support/crash-snapshot';
import { cli, cliJson, readLog, scratch } from './support/ledger-cli';
import { startCli, type CliRun } from './support/crash-process';
import { generateDistrict } from '../scripts/generate/generate';

/**
 * The live projection runner (what `serve` runs) follows the log while another process writes
 * to it: imports made with --skip-projections by the CLI show up in the read models without
 * anyone asking, and a stopped runner stops cleanly. A server also follows the rebuilds another
 * process swaps in, and lets go of the files they replaced.
 */
/** Waits until every read model has folded the whole log; gives the position they reached. */
async function caughtUpOf(control: SqliteProjectionControl, deadlineMs: number): Promise<number> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const status = await control.status();
    if (status.every((s) => s.lag.events === 0 && s.position > 0)) return status[0]!.position;
    if (Date.now() > until) throw new Error(`not caught up: ${JSON.stringify(status.map((s) => [s.name, s.position, s.head]))}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('live projections following another process (end to end)', () => {
  const tmp = scratch('live');
  const db = tmp.path('ledger.db');
  afterAll(() => tmp.cleanup());

  it('folds events another process appends, within moments, and stops cleanly', async () => {
    expect(cli(['import', CLEVER_DEMO_FOLDER, '--db', db, '--skip-projections']).status).toBe(0);
    const store = new SqliteEventStore(new SqliteLedgerDatabase(db));
    const files = ReadModelFiles.beside(db, SQLITE_PROJECTIONS.map((p) => p.name));
    const control = new SqliteProjectionControl(files, store);
    const models = new SqliteReadModels(files.reader, control, store);
    const runner = new LiveProjectionRunner(control, store);
    const caughtUp = async (deadlineMs: number) => {
      const until = Date.now() + deadlineMs;
      for (;;) {
        const status = await control.status();
        if (status.every((s) => s.lag.events === 0 && s.position > 0)) return status;
        if (Date.now() > until) throw new Error(`not caught up: ${JSON.stringify(status.map((s) => [s.name, s.position, s.head]))}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    runner.start();
    try {
      await caughtUp(30_000);
      const changes = writeNextDaySnapshot(CLEVER_DEMO_FOLDER, tmp.path('next-day'));
      expect(await models.account(changes.addedStudent)).toBeNull();

      // another process appends the next day; the runner sees it through its subscription
      expect(cli(['import', tmp.path('next-day'), '--db', db, '--skip-projections']).status).toBe(0);
      await caughtUp(30_000);
      expect(await models.account(changes.addedStudent)).toMatchObject({ status: 'active', roles: ['student'] });
      expect((await models.account(changes.removedStudent))?.status).toBe('removed');
    } finally {
      await runner.stop();
      files.close();
      await store.close();
    }
  }, 90_000);

  it('lets its thread go between batches while it folds a large sync another process appended (a server keeps answering)', async () => {
    const large = tmp.path('large.db');
    const district = tmp.path('large-district');
    await generateSnapshots({ students: 4_000, seed: 'live-large', base: district });
    expect(cli(['import', CLEVER_DEMO_FOLDER, '--db', large, '--skip-projections']).status).toBe(0);
    const store = new SqliteEventStore(new SqliteLedgerDatabase(large));
    const files = ReadModelFiles.beside(large, SQLITE_PROJECTIONS.map((p) => p.name));
    const control = new SqliteProjectionControl(files, store);
    const runner = new LiveProjectionRunner(control, store);
    const names = SQLITE_PROJECTIONS.map((p) => p.name);
    // what a request arriving meanwhile would see: taken by a timer, which runs only when the thread is let go
    const seen: number[][] = [];
    const ticker = setInterval(() => seen.push(names.map((name) => control.checkpoint(name))), 2);
    const logged = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    try {
      runner.start();
      const before = await caughtUpOf(control, 30_000);
      expect(cli(['import', district, '--db', large, '--skip-projections']).status).toBe(0);
      const head = await store.headPosition();
      expect(head - before).toBeGreaterThan(15_000); // three batches' worth and more, at once
      await caughtUpOf(control, 60_000);
      // the timer ran within the first two batches (5,000 events each) of the fold: some read model
      // was seen there (folded batch after batch without letting go, the first look came after four)
      expect(seen.some((positions) => positions.some((p) => p > before && p <= before + 10_000))).toBe(true);
      // the server's log says why queries answer from before the sync meanwhile, and when that ends
      const lines = logged.mock.calls.map(([message]) => String(message));
      expect(lines).toContain(`folding ${(head - before).toLocaleString('en-US')} events into the read models; until they are folded, queries answer from before them`);
      expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^read models caught up: ${(head - before).toLocaleString('en-US')} events folded in \\d+\\.\\d s$`)));
    } finally {
      logged.mockRestore();
      clearInterval(ticker);
      await runner.stop();
      files.close();
      await store.close();
    }
  }, 120_000);

  it('answers each query from before a large sync or from after it, never from part of it, while it folds the sync another process appended', async () => {
    const ledger = tmp.path('consistent.db');
    const base = tmp.path('consistent-base');
    const rollover = tmp.path('consistent-rollover');
    await generateDistrict({ students: 3_000, seed: 'consistent', out: base, rollover });
    expect(cli(['import', base, '--db', ledger]).status).toBe(0);
    const before = (await readLog(ledger)).length;
    const serve = await startServe(ledger, { LEDGER_API_KEYS: testKeysConfig() });
    const api = new ApiClient(serve.started.url).as('compliance');
    // a secondary student (several classes) and one of her classes: the new term replaces both lists
    const users = (JSON.parse(readFileSync(join(base, 'users.json'), 'utf8')) as { data: { data: { id: string; roles: { student?: { grade?: string } } } }[] }).data;
    const student = users.find((u) => Number(u.data.roles.student?.grade) >= 9)!.data.id;
    const questions = [`/accounts/${student}/classes`];
    const { body: classes } = await api.get(questions[0]!);
    questions.push(`/classes/${(classes as { classes: { sectionId: string }[] }).classes[0]!.sectionId}/roster`);
    // the answer but for its moment ("now" moves on between two askings)
    const ask = (question: string) =>
      api.get<{ at?: string }>(question).then(({ status, body }) => {
        const { at: _now, ...answer } = body;
        return `${status} ${JSON.stringify(answer)}`;
      });
    const projections = async () => {
      const { items } = (await new ApiClient(serve.started.url).as('engineer').get<{ items: { head: number; lag: { events: number } }[] }>('/projections')).body;
      return { head: items[0]!.head, caughtUp: items.every((p) => p.lag.events === 0) };
    };
    try {
      const answersBefore = await Promise.all(questions.map(ask));
      // the new term replaces nearly every class list: held, then approved in another process, which appends it whole
      const held = cliJson<{ syncId: string; status: string }>(['import', rollover, '--db', ledger, '--skip-projections', '--json']);
      expect(held.body.status).toBe('held');
      const headBefore = (await projections()).head;
      const approving = startCli(['syncs', 'approve', held.body.syncId, '--by', 'alice', '--db', ledger]);
      let approved: CliRun | null = null;
      void approving.done.then((run) => (approved = run));
      const seen: { question: number; answer: string; afterAppend: boolean }[] = [];
      const until = Date.now() + 90_000;
      // asked over and over from the approval's start until the append is folded
      for (;;) {
        const { head, caughtUp } = await projections();
        if (approved !== null && caughtUp) break;
        if (Date.now() > until) throw new Error('the rollover was not folded in 90 s');
        for (let question = 0; question < questions.length; question++) seen.push({ question, answer: await ask(questions[question]!), afterAppend: head > headBefore });
      }
      expect((approved as CliRun | null)?.status).toBe(0);
      const appendedEvents = (await readLog(ledger)).length - before;
      const answersAfter = await Promise.all(questions.map(ask));
      expect(answersAfter).not.toEqual(answersBefore);
      expect(answersAfter[0]).not.toEqual(answersBefore[0]);

      const kinds = seen.map(({ question, answer }) => (answer === answersBefore[question] ? 'before' : answer === answersAfter[question] ? 'after' : 'in part'));
      const folding = seen.filter((s, i) => s.afterAppend && kinds[i] === 'before').length;
      console.log(`consistent answers: a rollover of ${appendedEvents} events; ${seen.length} answers while it was appended and folded, ${folding} of them from before it once it was appended`);
      expect(seen.filter((_, i) => kinds[i] === 'in part').map((s) => s.answer.slice(0, 300))).toEqual([]);
      // the server was asked while it folded the appended sync (its two threads, over 20,000 events)
      expect(appendedEvents).toBeGreaterThan(20_000);
      expect(folding).toBeGreaterThan(0);
    } finally {
      await stopServe(serve);
    }
  }, 240_000);

  // which files a process holds open is read from /proc: Linux only
  const withProc = existsSync('/proc/self/fd') ? it : it.skip;
  if (!existsSync('/proc/self/fd')) process.stderr.write('skipped: the spec of deleted read-model files held open reads /proc/<pid>/fd, which this system lacks\n');
  withProc('serve lets go of the versions a rebuild in another process replaced while it sits idle, so their disk space is given back', async () => {
    const idle = tmp.path('idle.db');
    expect(cli(['import', CLEVER_DEMO_FOLDER, '--db', idle]).status).toBe(0);
    const serve = await startServe(idle, { LEDGER_API_KEYS: testKeysConfig() });
    /** Read-model files of this ledger the server holds open although they were deleted. */
    const deletedHeldOpen = () =>
      readdirSync(`/proc/${serve.child.pid}/fd`)
        .map((fd) => {
          try {
            return readlinkSync(`/proc/${serve.child.pid}/fd/${fd}`);
          } catch {
            return ''; // closed since it was listed
          }
        })
        .filter((target) => target.startsWith(`${idle}.read-models`) && target.endsWith('(deleted)'));
    const search = () =>
      fetch(`${serve.started.url}/accounts?q=a&limit=1`, { headers: { authorization: `Bearer ${TEST_KEYS.support.key}` } }).then(async (r) => [r.status, ((await r.json()) as { items: unknown[] }).items.length]);
    try {
      // the server reads version 1 of the accounts and folds into every version 1
      expect(await search()).toEqual([200, 1]);
      expect(cli(['rebuild', '--all', '--db', idle]).status).toBe(0);
      const until = Date.now() + 15_000;
      while (deletedHeldOpen().length > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
      expect(deletedHeldOpen()).toEqual([]);
      // and it answers from the new versions
      expect(await search()).toEqual([200, 1]);
    } finally {
      await stopServe(serve);
    }
  }, 90_000);

  it('serve leaves a large sync to the command that appended it and rebuilds the read models for it, not folding it a second time', async () => {
    const ledger = tmp.path('left.db');
    const district = tmp.path('left-district');
    // a district of more events than the demo's ledger holds, and more than a command folds live
    // (100,000): the import's catch-up rebuilds every read model beside the live ones
    await generateSnapshots({ students: 20_000, seed: 'left-to-import', base: district });
    expect(cli(['import', CLEVER_DEMO_FOLDER, '--db', ledger]).status).toBe(0);
    const serve = await startServe(ledger, { LEDGER_API_KEYS: testKeysConfig() });
    /** serve's CPU time so far, in clock ticks (user and system, /proc/<pid>/stat fields 14 and 15). */
    const cpuTicks = () => {
      const fields = readFileSync(`/proc/${serve.child.pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
      return Number(fields[11]) + Number(fields[12]);
    };
    try {
      const before = cpuTicks();
      const imported = await startCli(['import', district, '--db', ledger, '--json']).done;
      expect([imported.status, imported.stderr]).toEqual([0, '']);
      const report = JSON.parse(imported.stdout) as { appended: number; readModelsRebuilt: string[]; readModelsFoldedElsewhere: boolean };
      expect(report.appended).toBeGreaterThan(100_000);
      expect(report.readModelsRebuilt).toEqual(expect.arrayContaining(SQLITE_PROJECTIONS.map((p) => p.name)));
      expect(report.readModelsFoldedElsewhere).toBe(false);
      // serve says it left the sync to the import, once, and that the read models caught up by it
      const caughtUp = 'read models caught up: another process folded those events';
      for (const deadline = Date.now() + 30_000; !serve.output().includes(caughtUp) && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 200));
      const lines = serve.output().split('\n');
      expect(lines.filter((line) => line.includes('another process is folding those events into the read models: left to it'))).toHaveLength(1);
      expect(lines.filter((line) => line.includes(caughtUp))).toHaveLength(1);
      expect(lines.filter((line) => / events folded (here|in )/.test(line))).toEqual([]);
      // and spent a few seconds of CPU at most meanwhile: folding the sync itself took longer than the import's rebuild of it
      expect((cpuTicks() - before) / 100).toBeLessThan(5);
      // it answers from the versions the import swapped in
      const headers = { authorization: `Bearer ${TEST_KEYS.support.key}` };
      const users = (JSON.parse(readFileSync(join(district, 'users.json'), 'utf8')) as { data: { data: { id: string } }[] }).data;
      const found = await fetch(`${serve.started.url}/accounts/${users[users.length - 1]!.data.id}`, { headers });
      expect(found.status).toBe(200);
    } finally {
      await stopServe(serve);
    }
  }, 180_000);

  it('serve says at start which read model it folds again from the log, and why', async () => {
    const upgraded = tmp.path('upgraded.db');
    expect(cli(['import', CLEVER_DEMO_FOLDER, '--db', upgraded]).status).toBe(0);
    // what an older release leaves: the audit's tables recorded with a shape this code does not make
    const state = new Database(readModelPath(upgraded, 'audit'));
    state.prepare("UPDATE projection_state SET schema = 'an older shape' WHERE name = 'audit'").run();
    state.close();
    const serve = await startServe(upgraded, { LEDGER_API_KEYS: testKeysConfig() });
    const warnings = () => serve.output().split('\n').filter((line) => line.includes('starts over from the log'));
    try {
      expect(warnings()).toEqual([
        expect.stringContaining(
          'read model audit starts over from the log (this release stores it in tables of another shape): until serve has folded the whole log into it, it answers from none of it (GET /projections shows its lag); `roster-ledger rebuild audit`, run while serve is stopped, does it in bulk, several times faster',
        ),
      ]);
      // a rebuild job stops the live runner and starts it again: the warning is not repeated
      const headers = { authorization: `Bearer ${TEST_KEYS.engineer.key}`, 'content-type': 'application/json' };
      const started = await fetch(`${serve.started.url}/projections/rebuild`, { method: 'POST', headers, body: JSON.stringify({ names: ['lookups'] }) });
      expect(started.status).toBe(202);
      let job = (await started.json()) as { id: string; status: string };
      for (const deadline = Date.now() + 30_000; job.status === 'running' && Date.now() < deadline; ) {
        await new Promise((r) => setTimeout(r, 200));
        job = (await (await fetch(`${serve.started.url}/projections/jobs/${job.id}`, { headers })).json()) as typeof job;
      }
      expect(job.status).toBe('succeeded');
      expect(warnings()).toHaveLength(1);
    } finally {
      await stopServe(serve);
    }
    // said once: the next start finds the audit in the shape this release makes
    const again = await startServe(upgraded, { LEDGER_API_KEYS: testKeysConfig() });
    try {
      expect(again.output()).not.toContain('starts over');
    } finally {
      await stopServe(again);
    }
  }, 90_000);
  it('lets go of the subscription of a batch that failed before it follows the log again', async () => {
    const ledger = tmp.path('retry.db');
    const store = new SqliteEventStore(new SqliteLedgerDatabase(ledger));
    const files = ReadModelFiles.beside(ledger, SQLITE_PROJECTIONS.map((p) => p.name));
    const control = new SqliteProjectionControl(files, store);
    // each subscription the runner opens, and whether it was stopped
    const opened: { stopped: boolean }[] = [];
    const subscribeToAll = store.subscribeToAll.bind(store);
    jest.spyOn(store, 'subscribeToAll').mockImplementation((options) => {
      const subscription = subscribeToAll(options);
      const seen = { stopped: false };
      opened.push(seen);
      const stop = subscription.stop.bind(subscription);
      subscription.stop = async () => {
        seen.stopped = true;
        await stop();
      };
      return subscription;
    });
    // the first two live batches fail (a busy database), as another process's long write can make them
    const applyLive = jest.spyOn(control, 'applyLive');
    applyLive.mockRejectedValueOnce(new Error('database is locked')).mockRejectedValueOnce(new Error('database is locked'));
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const runner = new LiveProjectionRunner(control, store);
    const followed = async (count: number) => {
      for (const deadline = Date.now() + 20_000; opened.length < count; ) {
        if (Date.now() > deadline) throw new Error(`the runner opened ${opened.length} subscriptions, not ${count}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    runner.start();
    try {
      for (const n of [1, 2]) {
        await followed(n);
        await store.appendToStream(`district-retry-${n}`, [{ id: `retry-${n}`, type: 'Noted', data: { n }, metadata: {} }]);
      }
      await followed(3);
      // the runner follows the log with one subscription: the two of the failed batches were stopped
      expect(opened.map((s) => s.stopped)).toEqual([true, true, false]);
    } finally {
      await runner.stop();
      jest.restoreAllMocks();
      files.close();
      await store.close();
    }
    expect(opened.every((s) => s.stopped)).toBe(true);
  }, 60_000);
});
