import { readdirSync, rmSync } from 'node:fs';
import { readModelFolder } from '@roster-ledger/read-models';
import { CLEVER_DEMO_FOLDER, writeNextDaySnapshot } from '@roster-ledger/testing';
import { cliJson, scratch } from './support/ledger-cli';

/** The read models' files beside a ledger file, through the real CLI. */
describe('read-model files beside the ledger (end to end)', () => {
  const tmp = scratch('read-model-files');
  afterAll(() => tmp.cleanup());

  it('keeps one file per read model in <ledger>.read-models/', () => {
    const db = tmp.path('kept.db');
    expect(cliJson(['import', CLEVER_DEMO_FOLDER, '--db', db]).status).toBe(0);
    expect(readdirSync(readModelFolder(db)).filter((f) => f.endsWith('.db')).sort()).toEqual(
      ['accounts', 'audit', 'classes', 'enrollments', 'lookups', 'syncs', 'timelines'].map((n) => `${n}.db`),
    );
  });

  it('a ledger file deleted and made anew: its read models show the new log, not the records of the old one', () => {
    const db = tmp.path('remade.db');
    const changes = writeNextDaySnapshot(CLEVER_DEMO_FOLDER, tmp.path('next-day'));
    expect(cliJson(['import', tmp.path('next-day'), '--db', db]).status).toBe(0);
    expect(cliJson<{ id: string }[]>(['search', changes.addedStudent, '--db', db]).body.map((a) => a.id)).toEqual([changes.addedStudent]);

    // the ledger file goes; its read models' folder is left behind
    for (const suffix of ['', '-wal', '-shm']) rmSync(db + suffix, { force: true });
    expect(cliJson(['import', CLEVER_DEMO_FOLDER, '--db', db]).status).toBe(0);

    expect(cliJson<unknown[]>(['search', changes.addedStudent, '--db', db]).body).toEqual([]);
    const projections = cliJson<{ name: string; position: number; head: number }[]>(['projections', '--db', db]).body;
    expect(projections.every((p) => p.position === p.head && p.head > 0)).toBe(true);
    const verify = cliJson<{ projection: string; equal: boolean }[]>(['projections', 'verify', '--db', db]).body;
    expect(verify.filter((v) => !v.equal)).toEqual([]);
  }, 60_000);
});
