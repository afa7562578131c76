import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JsonObject, NewEvent } from '@roster-ledger/ledger';
import { SqliteLedgerDatabase } from './sqlite-database';
import { SqliteEventStore } from './sqlite-event-store';
import { SqliteLogSeals } from './log-seals';

const event = (type: string, data: JsonObject, metadata: JsonObject = { syncId: 's1' }): NewEvent => ({ id: randomUUID(), type, data, metadata });

describe("the log's seals: a ledger only ever appended to is as recorded", () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'seals-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('after failed, retried, empty, mixed, bulk and cross-process appends, at and around 1,000', async () => {
    const path = join(dir, 'a.db');
    const a = SqliteEventStore.open(path);
    const b = SqliteEventStore.open(path);
    const shared = { syncId: 'x' };
    const e1 = event('A', { n: 1 }, shared);
    await a.appendToStream('s-1', [e1, event('A', { n: 2 }, shared)], 'no_stream');
    // retried append
    await a.appendToStream('s-1', [e1], 'any');
    // failing part-way: second stream conflicts
    await expect(a.appendToStreams([
      { streamId: 's-2', expectedRevision: 'no_stream', events: [event('A', { n: 3 }, shared)] },
      { streamId: 's-1', expectedRevision: 'no_stream', events: [event('A', { n: 4 }, shared)] },
    ])).rejects.toThrow();
    // duplicate id inside a batch
    const dup = event('A', { n: 5 });
    await expect(a.appendToStreams([
      { streamId: 's-3', expectedRevision: 'any', events: [event('A', {}), dup] },
      { streamId: 's-4', expectedRevision: 'any', events: [event('B', {}), dup] },
    ])).rejects.toThrow();
    // a stream of no category
    await a.appendToStream('nodash', [event('A', {})], 'no_stream');
    // other process
    await b.appendToStream('s-5', [event('A', { n: 6 }, shared)], 'any');
    // mixed retried + new + empty
    await a.appendToStreams([
      { streamId: 's-1', expectedRevision: 'any', events: [e1] },
      { streamId: 's-6', expectedRevision: 'any', events: [] },
      { streamId: 's-7', expectedRevision: 'any', events: [event('A', {}, shared), event('A', {}, { other: 1 }), event('A', {}, shared)] },
    ]);
    // exactly 1,000, then 999, then 1,001, 2,000 in one stream with one metadata object
    for (const size of [1000, 999, 1001, 2000]) {
      const md = { syncId: `big${size}` };
      await b.appendToStreams(Array.from({ length: size }, (_, i) => ({ streamId: `u-${size}-${i}`, expectedRevision: 'no_stream' as const, events: [event('A', { i }, md)] })));
      await a.appendToStream(`one-${size}`, Array.from({ length: size }, (_, i) => event('A', { i }, md)), 'no_stream');
    }
    // bulk (rollback journal) on a file alone
    await b.close();
    await a.inBulk(() => a.appendToStream('bulk-1', Array.from({ length: 1500 }, (_, i) => event('A', { i })), 'no_stream'));
    const db = new SqliteLedgerDatabase(path);
    try {
      const report = await new SqliteLogSeals(db.db).verify();
      expect(report).toMatchObject({ broken: null, unsealedAfter: 0, unsealedBefore: 0 });
      expect(report.sealedUpTo).toBe(report.head);
    } finally {
      db.close();
      await a.close();
    }
  });
});
