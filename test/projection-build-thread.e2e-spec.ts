import { join } from 'node:path';
import { RebuildUnderWay } from '@roster-ledger/ledger';
import { LockFiles } from '@roster-ledger/process-locks';
import { readModelFolder } from '@roster-ledger/read-models';
import { anotherProcessHolding, CLEVER_DEMO_FOLDER } from '@roster-ledger/testing';
import { workerThreadFor } from '../apps/cli/src/projection-build/projection-build';
import { cliJson, scratch } from './support/ledger-cli';

/** The second thread of a rebuild, a verify or a catch-up: a real worker thread on a real ledger. */
describe('the projection-build thread (end to end)', () => {
  const tmp = scratch('projection-build-thread');
  afterAll(() => tmp.cleanup());

  it("verifies its half under the claim of the thread that asked (which holds the half's verify files), and finds it equal", async () => {
    const db = tmp.path('verify.db');
    expect(cliJson(['import', CLEVER_DEMO_FOLDER, '--db', db]).status).toBe(0);
    // as the asking thread of a two-thread verify holds both halves' files while they build
    const asking = new LockFiles(join(readModelFolder(db), 'locks'));
    for (const name of ['verify-audit', 'verify-syncs']) expect(asking.tryTake(name)).toBe(true);
    try {
      const verified = await workerThreadFor(db).verify(['audit', 'syncs'], { bulkBatchSize: 5_000, onProgress: () => undefined });
      expect(verified.map((v) => [v.projection, v.equal])).toEqual([
        ['audit', true],
        ['syncs', true],
      ]);
    } finally {
      asking.close();
    }
  }, 60_000);

  it("hands back another process's rebuild as the RebuildUnderWay it met", async () => {
    const db = tmp.path('rebuild.db');
    expect(cliJson(['import', CLEVER_DEMO_FOLDER, '--db', db]).status).toBe(0);
    // a process that holds audit's build file and has not noted its build (starting one, or stuck)
    const { holder, exited } = await anotherProcessHolding(join(readModelFolder(db), 'locks'), 'build-audit');
    try {
      const refused = workerThreadFor(db).rebuild(['audit', 'syncs'], {
        dryRun: false,
        bulkBatchSize: 5_000,
        onProgress: () => undefined,
        beforeSwap: () => Promise.resolve(true),
      });
      await expect(refused).rejects.toBeInstanceOf(RebuildUnderWay);
      await expect(refused).rejects.toMatchObject({ code: 'REBUILD_UNDER_WAY', projection: 'audit' });
    } finally {
      holder.kill('SIGKILL');
      await exited;
    }
  }, 60_000);
});
