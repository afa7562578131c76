import { join } from 'node:path';
import { generateDistrict } from '../scripts/generate/generate';
import { cliJson, scratch } from './support/ledger-cli';

/**
 * A sync about to append a large change starts the read models' second thread as it starts
 * writing, so that the catch-up after it finds the thread ready. The thread must then take the
 * catch-up's half as a thread started for it would, and one that no catch-up takes (a sync held
 * by the guard) must not keep the command from ending.
 */
describe('the read models second thread, started while a large sync writes', () => {
  const tmp = scratch('second-thread');
  afterAll(() => tmp.cleanup());

  it('folds its half of the catch-up after a first import, and leaves a held sync to end as before', async () => {
    // 4,000 students plan about 30,000 events, above the 20,000 from which a catch-up takes two threads
    await generateDistrict({ students: 4_000, seed: '7', out: tmp.path('base'), rollover: tmp.path('rollover') });
    const db = tmp.path('ledger.db');

    const first = cliJson<{ status: string; appended: number; projectedEvents: number; readModelsBehind: unknown }>(['import', tmp.path('base'), '--db', db]);
    expect(first.status).toBe(0);
    expect(first.body.appended).toBeGreaterThan(20_000);
    // every event of the log, the sync's own two included, folded into every read model
    expect(first.body).toMatchObject({ status: 'completed', projectedEvents: first.body.appended + 2, readModelsBehind: null });
    const verified = cliJson<{ projection: string; equal: boolean }[]>(['projections', 'verify', '--db', db]);
    expect(verified.status).toBe(0);
    expect(verified.body.filter((v) => !v.equal)).toEqual([]);
    expect(verified.body).toHaveLength(7);

    // a term's rollover plans as much again, and is held: nothing for the thread started for it to fold
    const held = cliJson<{ status: string; pending: number }>(['import', join(tmp.dir, 'rollover'), '--db', db]);
    expect(held.status).toBe(0);
    expect(held.body.status).toBe('held');
    expect(held.body.pending).toBeGreaterThan(20_000);
  }, 180_000);
});
