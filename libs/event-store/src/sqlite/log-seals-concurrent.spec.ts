import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import type { NewEvent } from '@roster-ledger/ledger';
import { SqliteLedgerDatabase } from './sqlite-database';
import { SqliteEventStore } from './sqlite-event-store';
import { SqliteLogSeals } from './log-seals';

const event = (i: number): NewEvent => ({ id: randomUUID(), type: 'StudentShared', data: { id: `u${i}` }, metadata: { syncId: 's1' } });

/**
 * Runs `meanwhile` once, as soon as a check on `db` has read its first events: a moment in the
 * middle of a check, as a sync in another process finds it.
 */
function midway(db: Database.Database, meanwhile: () => void): void {
  const prepare = db.prepare.bind(db);
  let done = false;
  db.prepare = ((sql: string) => {
    const statement = prepare(sql);
    if (!/^SELECT position, event_id\b/.test(sql)) return statement;
    const all = statement.all.bind(statement);
    statement.all = (...params: unknown[]) => {
      const rows = all(...params);
      if (!done) {
        done = true;
        meanwhile();
      }
      return rows;
    };
    return statement;
  }) as typeof db.prepare;
}

describe("the log's seals: a check with syncs appending beside it", () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'seals-concurrent-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('holds no read that keeps the WAL from being checkpointed, and leaves out what is appended after it began', async () => {
    const path = join(dir, 'ledger.db');
    // the sync's own connection, as in another process; it waits on a lock no longer than a moment
    const syncing = new SqliteLedgerDatabase(path, { busyTimeoutMs: 50 });
    const sync = new SqliteEventStore(syncing);
    const checking = new SqliteLedgerDatabase(path);
    try {
      await sync.appendToStreams(Array.from({ length: 2_500 }, (_, i) => ({ streamId: `user-u${i}`, expectedRevision: 'no_stream' as const, events: [event(i)] })));
      const seals = new SqliteLogSeals(checking.db);
      const before = await seals.verify();
      expect(before).toMatchObject({ events: 2_500, seals: 3, broken: null, unsealedAfter: 0 });

      let checkpoint: unknown;
      midway(checking.db, () => {
        // a sync appends (committed when the call returns: better-sqlite3 is synchronous), then checkpoints the WAL it grew
        void sync.appendToStreams(Array.from({ length: 1_500 }, (_, i) => ({ streamId: `user-v${i}`, expectedRevision: 'no_stream' as const, events: [event(i)] })));
        checkpoint = syncing.db.pragma('wal_checkpoint(TRUNCATE)');
      });
      const during = await seals.verify();
      expect(checkpoint).toEqual([{ busy: 0, log: 0, checkpointed: 0 }]);
      expect(statSync(`${path}-wal`).size).toBe(0);
      // the log as it stood when the check began: the sync's events and seals are not in it
      expect(during).toEqual(before);
      expect(await new SqliteLogSeals(checking.db).verify()).toMatchObject({ events: 4_000, head: 4_000, seals: 5, sealedUpTo: 4_000, broken: null, unsealedAfter: 0 });
    } finally {
      checking.close();
      await sync.close();
    }
  });

  it('reads the seals a page at a time, and finds a change past the first page', async () => {
    const database = new SqliteLedgerDatabase(':memory:');
    try {
      const store = new SqliteEventStore(database);
      // an append each: a seal each, more than one page of them
      for (let i = 0; i < 2_100; i++) await store.appendToStream(`user-u${i}`, [event(i)], 'no_stream');
      const seals = new SqliteLogSeals(database.db);
      const whole = await seals.verify();
      expect(whole).toMatchObject({ events: 2_100, seals: 2_100, sealedUpTo: 2_100, broken: null, unsealedAfter: 0 });
      const kept = database.db.prepare('SELECT sha256 FROM log_seals WHERE position = 1500').pluck().get() as string;
      expect((await seals.verify({ expect: kept })).expected).toEqual({ position: 1_500, found: true });
      database.db.prepare(`UPDATE events SET data = '{"id":"x"}' WHERE position = 2001`).run();
      expect(await seals.verify()).toMatchObject({ sealedUpTo: 2_000, broken: { from: 2_001, to: 2_001 } });
    } finally {
      database.close();
    }
  });
});
