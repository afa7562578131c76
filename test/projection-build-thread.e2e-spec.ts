import { join } from 'node:path';
import { VerifyUnderWay } from '@roster-ledger/ledger';
import { readModelFolder } from '@roster-ledger/read-models';
import { anotherProcessHolding, CLEVER_DEMO_FOLDER } from '@roster-ledger/testing';
import { workerThreadFor } from '../apps/cli/src/projection-build/projection-build';
import { cliJson, scratch } from './support/ledger-cli';

/** The second thread of a rebuild, a verify or a catch-up: a real worker thread on a real ledger. */
describe('the projection-build thread (end to end)', () => {
  const tmp = scratch('projection-build-thread');
  afterAll(() => tmp.cleanup());

  it("verifies its half as the asking thread would, and hands back another process's verify as the VerifyUnderWay it met", async () => {
    const db = tmp.path('thread.db');
    expect(cliJson(['import', CLEVER_DEMO_FOLDER, '--db', db]).status).toBe(0);
    const thread = workerThreadFor(db);
    const verified = await thread.verify(['audit', 'syncs'], { bulkBatchSize: 5_000, onProgress: () => undefined });
    expect(verified.map((v) => [v.projection, v.equal])).toEqual([
      ['audit', true],
      ['syncs', true],
    ]);

    const { holder, exited } = await anotherProcessHolding(join(readModelFolder(db), 'locks'), 'verify-audit');
    try {
      const refused = thread.verify(['audit', 'syncs'], { bulkBatchSize: 5_000, onProgress: () => undefined });
      await expect(refused).rejects.toBeInstanceOf(VerifyUnderWay);
      await expect(refused).rejects.toMatchObject({ code: 'VERIFY_UNDER_WAY', projection: 'audit' });
    } finally {
      holder.kill('SIGKILL');
      await exited;
    }
  }, 60_000);
});
