import { ReadModelFiles, SqliteProjectionControl, SQLITE_PROJECTIONS } from '@roster-ledger/read-models';
import { SqliteEventStore, SqliteLedgerDatabase } from '@roster-ledger/event-store';
import { CLEVER_DEMO_FOLDER } from '@roster-ledger/testing';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { cli, cliJson, scratch } from './support/ledger-cli';
import { generateSnapshots } from './support/crash-snapshot';
import { NOTED_LAG_EVENTS } from '../apps/cli/src/read-models-freshness';

/**
 * Commands that read no read model (the log, a sync's stream and lock) run at once, without first
 * bringing read models behind the log up to it: after a large import made with
 * --skip-projections that catch-up takes minutes, which an engineer reading the log, or releasing
 * a stranded lock, should not wait for. `projections` shows how far behind they are, which a
 * catch-up first would always make 0. Every other read command still catches up first, and says
 * so on stderr when that takes long.
 */
describe('commands that run without catching the read models up first (end to end)', () => {
  const tmp = scratch('log-only');
  const db = tmp.path('ledger.db');
  afterAll(() => tmp.cleanup());

  /** Each read model's checkpoint, read without folding anything. */
  async function checkpoints(): Promise<number[]> {
    const store = new SqliteEventStore(new SqliteLedgerDatabase(db));
    const files = ReadModelFiles.beside(db, SQLITE_PROJECTIONS.map((p) => p.name));
    try {
      const control = new SqliteProjectionControl(files, store);
      return (await control.status()).map((s) => s.position);
    } finally {
      files.close();
      await store.close();
    }
  }

  /** A ledger of a generated district of 4,000 students (22,000 events or so) imported with --skip-projections: its read models at 0. */
  async function ledgerFarBehind(name: string): Promise<string> {
    const ledger = tmp.path(`${name}.db`);
    const district = tmp.path(`${name}-district`);
    await generateSnapshots({ students: 4_000, seed: `log-only-${name}`, base: district });
    expect(cli(['import', district, '--db', ledger, '--skip-projections']).status).toBe(0);
    return ledger;
  }

  it('events, syncs unlock and projections leave read models behind the log as they were; search catches them up', async () => {
    const imported = cliJson<{ syncId: string }>(['import', CLEVER_DEMO_FOLDER, '--db', db, '--skip-projections']);
    expect(imported.status).toBe(0);
    const behind = await checkpoints();
    expect(Math.max(...behind)).toBe(0);

    const events = cliJson<{ items: { position: number; recordedAt: string; metadata: Record<string, unknown> }[]; next: string | null }>(['events', '--limit', '3', '--db', db]);
    expect(events.status).toBe(0);
    expect(events.body.items.map((e) => e.position)).toEqual([1, 2, 3]);
    expect(events.body.next).toBe('3');
    // one recordedAt, when the log wrote the event; the metadata's, when the sync planned it, is plannedAt
    for (const e of events.body.items) {
      expect(e.recordedAt).toMatch(/^\d{4}-\d\d-\d\dT.*Z$/);
      expect(e.metadata).not.toHaveProperty('recordedAt');
      expect(e.metadata['plannedAt']).toMatch(/^\d{4}-\d\d-\d\dT.*Z$/);
    }
    const nextPage = cliJson<{ items: { position: number }[] }>(['events', '--from', events.body.next!, '--limit', '2', '--db', db]);
    expect(nextPage.body.items.map((e) => e.position)).toEqual([4, 5]);
    // the sync has ended and holds no lock: nothing to release, said at once
    const unlock = cli(['syncs', 'unlock', imported.body.syncId, '--db', db]);
    expect(unlock.stdout).toContain('holds no lock');
    const listed = cliJson<{ items: { position: number; head: number; lag: { events: number } }[] }>(['projections', '--db', db]);
    expect(listed.status).toBe(0);
    expect(listed.body.items.map((p) => p.position)).toEqual(behind);
    for (const p of listed.body.items) expect(p.lag.events).toBe(p.head);
    expect(listed.body.items[0]!.head).toBeGreaterThan(0);
    expect(await checkpoints()).toEqual(behind);

    const search = cli(['search', 'nobody-by-this-name', '--db', db]);
    expect(search.status).toBe(0);
    expect(Math.min(...(await checkpoints()))).toBeGreaterThan(0);
    // the demo's events fold in a moment: nothing said of it
    expect(search.stderr).not.toContain('note:');
  }, 120_000);

  it('a read command that has a long catch-up to make first says so on stderr, also with --json and without a terminal', async () => {
    const large = await ledgerFarBehind('large');
    const store = new SqliteEventStore(new SqliteLedgerDatabase(large));
    const head = await store.headPosition();
    await store.close();
    expect(head).toBeGreaterThanOrEqual(NOTED_LAG_EVENTS);

    const search = cliJson<{ items: unknown[] }>(['search', 'nobody-by-this-name', '--db', large, '--json']);
    expect(search.status).toBe(0);
    expect(search.body.items).toEqual([]);
    const names = SQLITE_PROJECTIONS.map((p) => p.name).join(', ');
    expect(search.stderr.trim().split('\n')).toEqual([
      `note: read models ${names} are up to ${head.toLocaleString('en-US')} events behind the log: folding them before this command answers`,
    ]);
    // caught up: the next command waits for nothing and says nothing
    expect(cli(['search', 'nobody-by-this-name', '--db', large]).stderr).toBe('');
  }, 120_000);

  it('says so when another process is folding those events (serve), and the command answers from before them', async () => {
    const held = await ledgerFarBehind('held');
    // what a server folding them holds: the write lock of a read model's file
    const folding = new Database(join(`${held}.read-models`, 'accounts.v1.db'));
    folding.exec('BEGIN IMMEDIATE');
    try {
      const search = cli(['search', 'nobody-by-this-name', '--db', held]);
      expect(search.status).toBe(0);
      expect(search.stderr.trim().split('\n')).toEqual([
        expect.stringMatching(/^note: read models .* events behind the log: folding them before this command answers$/),
        'note: another process (serve, say) is folding those events into the read models: this command answers from before them',
      ]);
    } finally {
      folding.exec('ROLLBACK');
      folding.close();
    }
  }, 120_000);
});
