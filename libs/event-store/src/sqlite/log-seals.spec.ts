import { randomUUID } from 'node:crypto';
import type { JsonObject, NewEvent } from '@roster-ledger/ledger';
import { SqliteLedgerDatabase } from './sqlite-database';
import { SqliteEventStore } from './sqlite-event-store';
import { SqliteLogSeals } from './log-seals';

const event = (type: string, data: JsonObject, metadata: JsonObject = { syncId: 's1' }): NewEvent => ({ id: randomUUID(), type, data, metadata });

/** A log of three appends (a sync's worth each), on one in-memory ledger file. */
async function sealedLedger() {
  const database = new SqliteLedgerDatabase(':memory:');
  const store = new SqliteEventStore(database);
  const shared = { syncId: 's1', observedAt: '2026-12-01T00:00:00.000Z' };
  await store.appendToStreams([
    { streamId: 'user-u1', expectedRevision: 'no_stream', events: [event('StudentShared', { id: 'u1', name: 'Ada' }, shared), event('StudentUpdated', { id: 'u1' }, shared)] },
    { streamId: 'user-u2', expectedRevision: 'no_stream', events: [event('StudentShared', { id: 'u2', name: 'Bo' }, shared)] },
  ]);
  await store.appendToStream('section-c1', [event('SectionShared', { id: 'c1' }), event('StudentEnrolled', { studentId: 'u1' })], 'no_stream');
  await store.appendToStream('user-u1', [event('DemographicUpdated', { id: 'u1', personal: { gender: { from: 'F', to: 'X' } } })], 1);
  const db = database.db;
  const seals = new SqliteLogSeals(db);
  return { store, db, seals, close: () => database.close() };
}

describe('the log, sealed as it is appended (tamper-evident)', () => {
  it('seals a large append a thousand events at a time, and names the thousand of a changed event', async () => {
    const database = new SqliteLedgerDatabase(':memory:');
    try {
      const store = new SqliteEventStore(database);
      const streams = Array.from({ length: 2_500 }, (_, i) => ({ streamId: `user-u${i}`, expectedRevision: 'no_stream' as const, events: [event('StudentShared', { id: `u${i}` })] }));
      await store.appendToStreams(streams);
      const seals = new SqliteLogSeals(database.db);
      expect(await seals.verify()).toMatchObject({ events: 2_500, seals: 3, sealedUpTo: 2_500, broken: null });
      database.db.prepare(`UPDATE events SET data = '{"id":"u0x"}' WHERE position = 1500`).run();
      expect((await seals.verify()).broken).toMatchObject({ from: 1_001, to: 2_000 });
    } finally {
      database.close();
    }
  });

  it('holds one seal per append, and finds the log as its seals say; a retried or empty append adds none', async () => {
    const { store, seals, close } = await sealedLedger();
    try {
      const report = await seals.verify();
      expect(report).toEqual({
        events: 6,
        head: 6,
        seals: 3,
        sealedUpTo: 6,
        unsealedBefore: 0,
        unsealedAfter: 0,
        unsealedBetween: [],
        lastSeal: { position: 6, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
        broken: null,
        expected: null,
      });
      await store.appendToStream('user-u1', [], 2);
      expect((await seals.verify()).seals).toBe(3);
      // the last seal, kept elsewhere, is found whole
      expect((await seals.verify({ expect: report.lastSeal!.sha256 })).expected).toEqual({ position: 6, found: true });
    } finally {
      close();
    }
  });

  it('finds an event whose data was changed in the file, naming its append', async () => {
    const { db, seals, close } = await sealedLedger();
    try {
      db.prepare(`UPDATE events SET data = replace(data, '"Bo"', '"Bob"') WHERE position = 3`).run();
      const report = await seals.verify();
      expect(report.broken).toEqual({ from: 1, to: 3, reason: 'these events are not the bytes that were recorded: changed after they were recorded' });
      expect(report.sealedUpTo).toBe(0);
      expect(report.lastSeal).toBeNull();
    } finally {
      close();
    }
  });

  it('finds a change to an event of a later append, a type, a time or shared metadata, each in its own append', async () => {
    for (const change of [
      `UPDATE events SET type = 'StudentRemoved' WHERE position = 5`,
      `UPDATE events SET recorded_at = '2020-01-01T00:00:00.000Z' WHERE position = 4`,
      `UPDATE event_metadata SET metadata = replace(metadata, 's1', 's9') WHERE id = (SELECT metadata_id FROM events WHERE position = 5)`,
    ]) {
      const { db, seals, close } = await sealedLedger();
      try {
        db.prepare(change).run();
        const report = await seals.verify();
        expect(report.broken).toMatchObject({ from: 4, to: 5 });
        expect(report.sealedUpTo).toBe(3);
      } finally {
        close();
      }
    }
  });

  it('finds an event removed from an append, and events added by hand after the last seal', async () => {
    const removed = await sealedLedger();
    try {
      removed.db.prepare('DELETE FROM events WHERE position = 2').run();
      expect((await removed.seals.verify()).broken).toEqual({ from: 1, to: 3, reason: 'events under this seal are missing: removed after they were recorded' });
    } finally {
      removed.close();
    }
    const added = await sealedLedger();
    try {
      added.db
        .prepare(`INSERT INTO events (event_id, stream_id, category, revision, type, data, metadata, recorded_at) VALUES ('x', 'user-u9', 'user', 0, 'StudentShared', '{}', '{}', '2026-12-01T00:00:00.000Z')`)
        .run();
      expect(await added.seals.verify()).toMatchObject({ broken: null, sealedUpTo: 6, unsealedAfter: 1, head: 7 });
    } finally {
      added.close();
    }
  });

  it('names events under no seal between two seals (a release that kept none, then this one again) and checks the seals after them', async () => {
    const { store, db, seals, close } = await sealedLedger();
    try {
      // an older release appends without seals; this one seals on from the last seal there is
      db.prepare(`INSERT INTO events (event_id, stream_id, category, revision, type, data, metadata, recorded_at) VALUES ('x', 'user-u9', 'user', 0, 'StudentShared', '{}', '{}', '2026-12-01T00:00:00.000Z')`).run();
      await store.appendToStream('user-u2', [event('StudentUpdated', { id: 'u2' })], 0);
      await store.appendToStream('user-u1', [event('StudentUpdated', { id: 'u1' })], 2);
      const report = await seals.verify();
      expect(report).toMatchObject({ broken: null, unsealedBetween: [{ from: 7, to: 7, events: 1 }], sealedUpTo: 9, lastSeal: { position: 9 }, unsealedAfter: 0 });
      // a change after the unsealed run is still found
      db.prepare(`UPDATE events SET type = 'StudentRemoved' WHERE position = 9`).run();
      expect((await seals.verify()).broken).toMatchObject({ from: 9, to: 9 });
    } finally {
      close();
    }
  });

  it('cannot tell a log cut after a seal by itself, but a seal kept from before names what is gone', async () => {
    const { db, seals, close } = await sealedLedger();
    try {
      const kept = (await seals.verify()).lastSeal!.sha256;
      db.prepare('DELETE FROM events WHERE position = 6').run();
      db.prepare('DELETE FROM log_seals WHERE position = 6').run();
      const report = await seals.verify({ expect: kept });
      expect(report).toMatchObject({ broken: null, sealedUpTo: 5, expected: { position: null, found: false } });
    } finally {
      close();
    }
  });

  it('tells a kept seal past a break (not checked) from one the log does not hold', async () => {
    const { db, seals, close } = await sealedLedger();
    try {
      const sealAt = (position: number) => db.prepare('SELECT sha256 FROM log_seals WHERE position = ?').pluck().get(position) as string;
      db.prepare(`UPDATE events SET type = 'StudentRemoved' WHERE position = 5`).run();
      // the seal of the second append is the broken one; the first holds, the third lies past it
      expect((await seals.verify({ expect: sealAt(3) })).expected).toEqual({ position: 3, found: true });
      expect((await seals.verify({ expect: sealAt(6) })).expected).toEqual({ position: 6, found: false, checked: false });
      // the broken seal itself: there, and its events are not the ones it sealed
      expect((await seals.verify({ expect: sealAt(5) })).expected).toEqual({ position: 5, found: false });
      expect((await seals.verify({ expect: '0'.repeat(64) })).expected).toEqual({ position: null, found: false });
      // an event put below position 1 breaks the log before every seal
      db.prepare(`UPDATE events SET type = 'StudentEnrolled' WHERE position = 5`).run();
      db.prepare(`INSERT INTO events (position, event_id, stream_id, category, revision, type, data, metadata, recorded_at) VALUES (0, 'x', 'user-u9', 'user', 0, 'StudentShared', '{}', '{}', '2020-01-01T00:00:00.000Z')`).run();
      const below = await seals.verify({ expect: sealAt(3) });
      expect(below.broken).toMatchObject({ from: 0, to: 0 });
      expect(below.expected).toEqual({ position: 3, found: false, checked: false });
    } finally {
      close();
    }
  });

  it('says which events were recorded before seals were kept (an older release), and seals what is appended after', async () => {
    const { store, db, seals, close } = await sealedLedger();
    try {
      db.prepare('DELETE FROM log_seals').run();
      expect(await seals.verify()).toMatchObject({ seals: 0, unsealedBefore: 6, unsealedAfter: 0, lastSeal: null, broken: null });
      await store.appendToStream('user-u2', [event('StudentUpdated', { id: 'u2' })], 0);
      expect(await seals.verify()).toMatchObject({ seals: 1, unsealedBefore: 6, sealedUpTo: 7, broken: null });
    } finally {
      close();
    }
  });
});
