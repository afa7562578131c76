import { randomUUID } from 'node:crypto';
import { SqliteLedgerDatabase } from './sqlite-database';
import { SqliteEventStore } from './sqlite-event-store';
import { EVENT_COLUMNS, EventMetadataTable, type EventRow } from './event-metadata-table';

describe('EventMetadataTable', () => {
  it('reads every event with its metadata however few parsed metadata it keeps, runs crossing the pages it is given', async () => {
    const database = new SqliteLedgerDatabase(':memory:');
    const store = new SqliteEventStore(database);
    // runs of 1 to 4 events with the same metadata, each run's its own
    const metadataOf = (i: number) => ({ run: Math.floor(i / 3) + (i % 7 === 0 ? 100 : 0) });
    await store.appendToStream(
      'user-u1',
      Array.from({ length: 60 }, (_, i) => ({ id: randomUUID(), type: 'SpecRan', data: { i }, metadata: metadataOf(i) })),
      'no_stream',
    );
    const page = database.db.prepare(`SELECT ${EVENT_COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT 5`).raw();
    // keeping 4: nearly every page of 5 rows starts over, with the run the page before ended in
    const table = new EventMetadataTable(database.db, 4);
    const read: unknown[] = [];
    for (let after = 0; ; ) {
      const rows = page.all(after) as EventRow[];
      if (rows.length === 0) break;
      read.push(...table.toRecordedEvents(rows).map((e) => e.metadata));
      after = rows[rows.length - 1]![0];
    }
    expect(read).toEqual(Array.from({ length: 60 }, (_, i) => metadataOf(i)));
    await store.close();
  });

  it('reads the metadata of events scattered over the log, as a timeline reads them by position', async () => {
    const database = new SqliteLedgerDatabase(':memory:');
    const store = new SqliteEventStore(database);
    const metadataOf = (i: number) => ({ record: i });
    for (let i = 0; i < 40; i++) {
      await store.appendToStream(`user-u${i}`, [{ id: randomUUID(), type: 'SpecRan', data: { i }, metadata: metadataOf(i) }], 'no_stream');
    }
    const events = await store.readAt([2, 17, 39]);
    expect(events.map((e) => e.metadata)).toEqual([metadataOf(1), metadataOf(16), metadataOf(38)]);
    await store.close();
  });
});
