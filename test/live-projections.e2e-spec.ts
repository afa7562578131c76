import { LiveProjectionRunner, ReadModelFiles, SqliteProjectionControl, SqliteReadModels, SQLITE_PROJECTIONS } from '@roster-ledger/read-models';
import { SqliteEventStore, SqliteLedgerDatabase } from '@roster-ledger/event-store';
import { CLEVER_DEMO_FOLDER, writeNextDaySnapshot } from '@roster-ledger/testing';
import { cli, scratch } from './support/ledger-cli';

/**
 * The live projection runner (what `serve` runs) follows the log while another process writes
 * to it: imports made with --skip-projections by the CLI show up in the read models without
 * anyone asking, and a stopped runner stops cleanly.
 */
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
});
