import { randomUUID } from 'node:crypto';
import type { JsonObject, NewEvent, RecordedEvent } from '@roster-ledger/ledger';
import { SqliteLedgerDatabase } from './sqlite-database';
import { SqliteEventStore } from './sqlite-event-store';
import { SqliteLogSeals } from './log-seals';

const event = (type: string, data: JsonObject, metadata: JsonObject = { syncId: 's1' }): NewEvent => ({ id: randomUUID(), type, data, metadata });
async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

async function ledger() {
  const database = new SqliteLedgerDatabase(':memory:');
  const store = new SqliteEventStore(database);
  await store.appendToStream('user-u1', [event('StudentShared', { id: 'u1', name: 'Ada' }, { syncId: 's1' })], 'no_stream');
  await store.appendToStream('user-u2', [event('StudentShared', { id: 'u2', name: 'Bo' }, { syncId: 's1' })], 'no_stream');
  return { database, store, db: database.db, seals: new SqliteLogSeals(database.db), close: () => database.close() };
}

describe("the log's seals: tampering a check finds", () => {
  it('finds shared metadata changed in event_metadata even when the events row carries the old text in its legacy column', async () => {
    const { store, db, seals, close } = await ledger();
    try {
      const id = db.prepare('SELECT metadata_id FROM events WHERE position = 1').pluck().get() as number;
      const original = db.prepare('SELECT metadata FROM event_metadata WHERE id = ?').pluck().get(id) as string;
      db.prepare('UPDATE event_metadata SET metadata = ? WHERE id = ?').run('{"syncId":"forged"}', id);
      db.prepare('UPDATE events SET metadata = ? WHERE metadata_id = ?').run(original, id);
      // every reader now sees the forged metadata...
      const read = (await collect(store.readAll())) as RecordedEvent[];
      expect(read[0]!.metadata).toEqual({ syncId: 'forged' });
      // ...so the check must not call the log as recorded
      expect((await seals.verify()).broken).toMatchObject({ from: 1, to: 1 });
    } finally {
      close();
    }
  });

  it("finds an event moved to another category (readCategory, the ledger's state and sync history, read it there)", async () => {
    const { store, db, seals, close } = await ledger();
    try {
      db.prepare(`UPDATE events SET category = 'nothing' WHERE position = 1`).run();
      expect(await collect(store.readCategory('user'))).toHaveLength(1);
      expect((await seals.verify()).broken).toMatchObject({ from: 1, to: 1 });
    } finally {
      close();
    }
  });

  it('counts an event put at position 0 (before any sealed one): a stream read shows it, so the check must not call the log whole', async () => {
    const { store, db, seals, close } = await ledger();
    try {
      db.prepare(
        `INSERT INTO events (position, event_id, stream_id, category, revision, type, data, metadata, recorded_at) VALUES (0, 'forged', 'user-u1', 'user', 1, 'StudentUpdated', '{"id":"u1","name":"Eve"}', '{}', '2020-01-01T00:00:00.000Z')`,
      ).run();
      expect((await collect(store.readStream('user-u1'))).map((e) => e.id)).toContain('forged');
      expect((await seals.verify()).broken).toMatchObject({ from: 0, to: 0 });
    } finally {
      close();
    }
  });
});
