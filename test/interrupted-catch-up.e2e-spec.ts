import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { CATCH_UP_INTERRUPTED } from '../apps/cli/src/commands/recorded-sync';
import { startedSyncs } from './support/crash-ledger';
import { generateSnapshots, snapshotBlockingOn } from './support/crash-snapshot';
import { startCli, waitFor } from './support/crash-process';
import { cliJson, readLog, scratch } from './support/ledger-cli';

/**
 * An import stopped with Ctrl-C while its sync runs (nothing of the snapshot is recorded), or
 * while its read models follow the sync (minutes at scale: the sync stands): the command says
 * which, and exits 130; the next command goes on from there.
 */
describe('an import interrupted (end to end)', () => {
  const tmp = scratch('interrupted-catch-up');
  const district = tmp.path('district');
  beforeAll(() => generateSnapshots({ students: 12_000, seed: 'interrupted-catch-up', base: district }), 120_000);
  afterAll(() => tmp.cleanup());

  /**
   * A copy of the district whose users.json is a named pipe nobody writes to: its sync records
   * SyncStarted and then waits, at a known point of its run, until it is stopped. (Stopped at a
   * moment picked while it reads real files, a sync of a few seconds on a loaded machine could run
   * through its commit before its event loop turned to the signal: the spec then saw it complete.)
   */
  const blockingCopy = (name: string) => snapshotBlockingOn(district, tmp.path(name), 'users.json').folder;
  const syncStartedAndWaiting = (db: string) => waitFor('the sync to record SyncStarted', () => startedSyncs(db).length > 0, 60_000);

  it('while its sync runs, says that none of the snapshot is recorded and what the sync shows as until the next one, and exits 130', async () => {
    const db = tmp.path('stopped', 'ledger.db');
    mkdirSync(tmp.path('stopped'));
    // (with --json: a script that parses stdout gets the interruption as an error object too)
    const run = startCli(['import', blockingCopy('stopped-snapshot'), '--db', db, '--json']);
    await syncStartedAndWaiting(db);
    run.child.kill('SIGINT');
    const stopped = await run.done;
    expect(stopped.status).toBe(130);
    const syncId = /interrupted while sync (\S+) ran\./.exec(stopped.stderr)?.[1];
    expect(syncId).toBeDefined();
    expect(stopped.stderr).toContain(`roster-ledger syncs show ${syncId} --db ${db} says what became of it`);
    expect(stopped.stderr).toContain(`shows as stopped (its process gone) until the district's next sync records it as interrupted: run the command again.`);
    expect(JSON.parse(stopped.stdout)).toEqual({ error: { code: 'INTERRUPTED', message: stopped.stderr.trim() } });
    expect(cliJson<{ status: string; processGone: boolean }>(['syncs', 'show', syncId!, '--db', db]).body).toMatchObject({ status: 'running', processGone: true });
    const log = await readLog(db);
    expect(log.map((e) => e.type)).toEqual(['SyncStarted']);

    const again = cliJson<{ status: string; interruptedSyncs: string[] }>(['import', district, '--db', db, '--skip-projections']);
    expect(again.body).toMatchObject({ status: 'completed', interruptedSyncs: [syncId] });
  }, 180_000);

  it('stopped by SIGTERM while its sync runs (a service manager, a scheduler, timeout), says the same, and exits 143', async () => {
    const db = tmp.path('terminated', 'ledger.db');
    mkdirSync(tmp.path('terminated'));
    const run = startCli(['import', blockingCopy('terminated-snapshot'), '--db', db]);
    await syncStartedAndWaiting(db);
    run.child.kill('SIGTERM');
    const stopped = await run.done;
    expect(stopped.status).toBe(143);
    expect(stopped.stderr).toMatch(/interrupted while sync \S+ ran\. roster-ledger syncs show \S+ --db \S+ says what became of it/);
    expect((await readLog(db)).map((e) => e.type)).toEqual(['SyncStarted']);
  }, 180_000);

  it('while its read models are updated, says the sync stands and how the read models catch up, exits 130, and the next command catches them up', async () => {
    const db = tmp.path('ledger.db');
    const run = startCli(['import', district, '--db', db]);
    // the sync's report is printed once it is committed, before the read models follow it
    await new Promise<void>((resolve) => {
      let seen = '';
      run.child.stdout!.on('data', (chunk: Buffer | string) => {
        seen += String(chunk);
        if (seen.includes(': COMPLETED in ')) resolve();
      });
    });
    run.child.kill('SIGINT');
    const stopped = await run.done;
    expect({ status: stopped.status, stderr: stopped.stderr.trim() }).toEqual({ status: 130, stderr: CATCH_UP_INTERRUPTED });
    expect(stopped.stdout).not.toContain('Read models updated');

    const log = await readLog(db);
    expect(log.filter((e) => e.type === 'SyncCompleted')).toHaveLength(1);
    const status = cliJson<{ items: { name: string; lag: { events: number } }[] }>(['projections', '--json', '--db', db]).body.items;
    expect(status.some((s) => s.lag.events > 0)).toBe(true); // left behind, as it said
    // a command that reads them brings them up to the log
    cliJson(['search', 'a', '--db', db]);
    const after = cliJson<{ items: { name: string; lag: { events: number } }[] }>(['projections', '--json', '--db', db]).body.items;
    expect(after.map((s) => [s.name, s.lag.events])).toEqual(after.map((s) => [s.name, 0]));
  }, 180_000);
  it('a rebuild stopped with Ctrl-C says the live read models are as they were and which command resumes it, and that command does', async () => {
    const db = tmp.path('rebuilt', 'ledger.db');
    mkdirSync(tmp.path('rebuilt'));
    expect(cliJson(['import', district, '--db', db, '--skip-projections']).status).toBe(0);
    const run = startCli(['rebuild', '--all', '--db', db]);
    // once a version is being built beside the live ones (v1, from the import)
    const versions = () => (existsSync(`${db}.read-models`) ? readdirSync(`${db}.read-models`).filter((f) => f.endsWith('.v2.db')) : []);
    await waitFor('the rebuild to start its versions', () => versions().length > 0, 60_000);
    run.child.kill('SIGINT');
    const stopped = await run.done;
    expect(stopped.status).toBe(130);
    expect(stopped.stderr.trim()).toBe(
      `interrupted: the live read models are as they were, and what was rebuilt so far is kept: roster-ledger rebuild --all --db ${db} resumes where it stopped.`,
    );
    const again = cliJson<{ rebuilt: unknown[] }>(['rebuild', '--all', '--db', db, '--json']);
    expect(again.status).toBe(0);
    const after = cliJson<{ items: { name: string; lag: { events: number }; rebuilding: unknown }[] }>(['projections', '--json', '--db', db]).body.items;
    expect(after.map((s) => [s.name, s.lag.events, s.rebuilding])).toEqual(after.map((s) => [s.name, 0, null]));
  }, 180_000);
});
