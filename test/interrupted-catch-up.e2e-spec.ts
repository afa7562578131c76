import { CATCH_UP_INTERRUPTED } from '../apps/cli/src/commands/recorded-sync';
import { generateSnapshots } from './support/crash-snapshot';
import { startCli } from './support/crash-process';
import { cliJson, readLog, scratch } from './support/ledger-cli';

/**
 * An import stopped with Ctrl-C while its read models follow the sync (minutes at scale): the
 * sync stands, the command says so and exits 130, and the next command brings the read models up.
 */
describe('an import interrupted while its read models are updated (end to end)', () => {
  const tmp = scratch('interrupted-catch-up');
  afterAll(() => tmp.cleanup());

  it('says the sync stands and how the read models catch up, exits 130, and the next command catches them up', async () => {
    const db = tmp.path('ledger.db');
    const district = tmp.path('district');
    await generateSnapshots({ students: 12_000, seed: 'interrupted-catch-up', base: district });
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
    const status = cliJson<{ name: string; lag: { events: number } }[]>(['projections', '--json', '--db', db]).body;
    expect(status.some((s) => s.lag.events > 0)).toBe(true); // left behind, as it said
    // a command that reads them brings them up to the log
    cliJson(['search', 'a', '--db', db]);
    const after = cliJson<{ name: string; lag: { events: number } }[]>(['projections', '--json', '--db', db]).body;
    expect(after.map((s) => [s.name, s.lag.events])).toEqual(after.map((s) => [s.name, 0]));
  }, 180_000);
});
