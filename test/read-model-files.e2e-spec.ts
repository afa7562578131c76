import { readdirSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { readModelFolder, readModelPath, readModelVersionPath } from '@roster-ledger/read-models';
import { CLEVER_DEMO_FOLDER, writeNextDaySnapshot } from '@roster-ledger/testing';
import { cliJson, scratch } from './support/ledger-cli';

/** The read models' files beside a ledger file, through the real CLI. */
describe('read-model files beside the ledger (end to end)', () => {
  const tmp = scratch('read-model-files');
  afterAll(() => tmp.cleanup());

  const NAMES = ['accounts', 'audit', 'classes', 'enrollments', 'lookups', 'syncs', 'timelines'];
  // (commit-rounds.db beside them notes the rounds of commits under way)
  const files = (db: string) =>
    readdirSync(readModelFolder(db))
      .filter((f) => f.endsWith('.db') && f !== 'commit-rounds.db')
      .sort();

  it('keeps a state file per read model and a file for its live version in <ledger>.read-models/; a rebuild leaves only the new version', () => {
    const db = tmp.path('kept.db');
    expect(cliJson(['import', CLEVER_DEMO_FOLDER, '--db', db]).status).toBe(0);
    expect(files(db)).toEqual(NAMES.flatMap((n) => [`${n}.db`, `${n}.v1.db`]).sort());

    expect(cliJson(['rebuild', '--all', '--db', db]).status).toBe(0);
    expect(files(db)).toEqual(NAMES.flatMap((n) => [`${n}.db`, `${n}.v2.db`]).sort());
    const verify = cliJson<{ projection: string; equal: boolean }[]>(['projections', 'verify', '--db', db]).body;
    expect(verify.map((v) => [v.projection, v.equal]).sort()).toEqual(NAMES.map((n) => [n, true]));
    // the verification's scratch copy goes too
    expect(files(db)).toEqual(NAMES.flatMap((n) => [`${n}.db`, `${n}.v2.db`]).sort());
  }, 60_000);

  it('a ledger file deleted and made anew: its read models show the new log, not the records of the old one', () => {
    const db = tmp.path('remade.db');
    const changes = writeNextDaySnapshot(CLEVER_DEMO_FOLDER, tmp.path('next-day'));
    expect(cliJson(['import', tmp.path('next-day'), '--db', db]).status).toBe(0);
    expect(cliJson<{ items: { id: string }[] }>(['search', changes.addedStudent, '--db', db]).body.items.map((a) => a.id)).toEqual([changes.addedStudent]);

    // the ledger file goes; its read models' folder is left behind
    for (const suffix of ['', '-wal', '-shm']) rmSync(db + suffix, { force: true });
    expect(cliJson(['import', CLEVER_DEMO_FOLDER, '--db', db]).status).toBe(0);

    expect(cliJson<{ items: unknown[] }>(['search', changes.addedStudent, '--db', db]).body).toEqual({ items: [], next: null, searchedBy: 'name or identifier', foundByFormer: [] });
    const projections = cliJson<{ items: { name: string; position: number; head: number }[] }>(['projections', '--db', db]).body.items;
    expect(projections.every((p) => p.position === p.head && p.head > 0)).toBe(true);
    const verify = cliJson<{ projection: string; equal: boolean }[]>(['projections', 'verify', '--db', db]).body;
    expect(verify.filter((v) => !v.equal)).toEqual([]);
  }, 60_000);

  it('a read model this release stores in tables of another shape is folded again from the log, and the command says so first', () => {
    const db = tmp.path('upgraded.db');
    expect(cliJson(['import', CLEVER_DEMO_FOLDER, '--db', db]).status).toBe(0);
    // what an older release leaves: the audit's tables recorded with a shape this code does not make
    const state = new Database(readModelPath(db, 'audit'));
    state.prepare("UPDATE projection_state SET schema = 'an older shape' WHERE name = 'audit'").run();
    state.close();

    const search = cliJson<{ items: unknown[] }>(['search', 'noor', '--db', db]);
    expect(search.status).toBe(0);
    const notes = search.stderr.split('\n').filter((line) => line.startsWith('note: read model'));
    expect(notes).toEqual([expect.stringMatching(/^note: read model audit starts over from the log \(this release stores it in tables of another shape\): all [\d,]+ events of the log are to be folded into it again$/)]);

    // folded again before the command answered, and said once: the next command starts no read model over
    const projections = cliJson<{ items: { name: string; version: number; position: number; head: number }[] }>(['projections', '--db', db]);
    expect(projections.stderr).not.toContain('starts over');
    const audit = projections.body.items.find((p) => p.name === 'audit')!;
    expect(audit).toMatchObject({ version: 2, position: audit.head });
    const verify = cliJson<{ projection: string; equal: boolean }[]>(['projections', 'verify', 'audit', '--db', db]).body;
    expect(verify).toEqual([expect.objectContaining({ projection: 'audit', equal: true })]);
  }, 60_000);

  it('the syncs read model started over (a release whose sync summary gained a field) folds the sync events alone, and says so', () => {
    const db = tmp.path('upgraded-syncs.db');
    expect(cliJson(['import', CLEVER_DEMO_FOLDER, '--db', db]).status).toBe(0);
    const state = new Database(readModelPath(db, 'syncs'));
    state.prepare("UPDATE projection_state SET schema = 'an older shape' WHERE name = 'syncs'").run();
    state.close();

    const listed = cliJson<{ items: { id: string; status: string }[] }>(['syncs', 'list', '--db', db]);
    expect(listed.status).toBe(0);
    expect(listed.stderr.split('\n').filter((line) => line.startsWith('note: read model'))).toEqual([
      expect.stringMatching(/^note: read model syncs starts over from the log \(this release stores it in tables of another shape\): the events of its sync-… streams are to be folded into it again, and the rest of the log's [\d,]+ events passed over$/),
    ]);
    expect(listed.body.items.map((s) => s.status)).toEqual(['completed']);
    const syncs = cliJson<{ items: { name: string; version: number; position: number; head: number }[] }>(['projections', '--db', db]).body.items.find((p) => p.name === 'syncs')!;
    expect(syncs).toMatchObject({ version: 2, position: syncs.head });
    expect(cliJson<{ projection: string; equal: boolean }[]>(['projections', 'verify', 'syncs', '--db', db]).body).toEqual([expect.objectContaining({ projection: 'syncs', equal: true })]);
  }, 60_000);

  it('an import that finds another process folding the read models (serve) leaves its events to it, says so, and exits 0', () => {
    const db = tmp.path('folded-elsewhere.db');
    expect(cliJson(['import', CLEVER_DEMO_FOLDER, '--db', db]).status).toBe(0);
    const changes = writeNextDaySnapshot(CLEVER_DEMO_FOLDER, tmp.path('next-day-elsewhere'));
    // another process in the middle of folding into the accounts' file (serve's runner, say)
    const other = new Database(readModelVersionPath(db, 'accounts', 1));
    other.exec('BEGIN IMMEDIATE');
    try {
      const imported = cliJson<{ status: string; projectedEvents: number; readModelsFoldedElsewhere: boolean }>(['import', tmp.path('next-day-elsewhere'), '--db', db]);
      expect(imported.status).toBe(0);
      expect(imported.body).toMatchObject({ status: 'completed', projectedEvents: 0, readModelsFoldedElsewhere: true });
      // the read models stayed at the day before (none folded in part), until that process commits
      const behind = cliJson<{ items: { name: string; position: number; head: number }[] }>(['projections', '--db', db]).body.items;
      expect(behind.every((p) => p.position < p.head)).toBe(true);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    // here no process folds them: the next command brings them up to the log
    expect(cliJson<{ items: { id: string }[] }>(['search', changes.addedStudent, '--db', db]).body.items.map((a) => a.id)).toEqual([changes.addedStudent]);
  }, 60_000);
});
