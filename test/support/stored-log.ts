import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteEventStore, SqliteLedgerDatabase } from '@roster-ledger/event-store';
import type { RecordedEvent } from '@roster-ledger/ledger';

/** An event as `events --json` printed it (its recordedAt is the store's own, stamped again on append). */
export type StoredEvent = Omit<RecordedEvent, 'recordedAt'>;

/** The events of a frozen log (libs/testing/fixtures/stored-events-*), as they were stored. */
export function storedEvents(folder: string): StoredEvent[] {
  return JSON.parse(readFileSync(join(folder, 'events.json'), 'utf8')) as StoredEvent[];
}

/** Appends a frozen log to a new ledger file, each event at the revision it was stored at. */
export async function appendStoredEvents(db: string, events: readonly StoredEvent[]): Promise<void> {
  const database = new SqliteLedgerDatabase(db);
  const store = new SqliteEventStore(database);
  try {
    for (const { streamId, revision, id, type, data, metadata } of events) {
      await store.appendToStream(streamId, [{ id, type, data, metadata }], revision === 0 ? 'no_stream' : revision - 1);
    }
  } finally {
    database.close();
  }
}

/** An event without what a store stamps anew on append (its position, its recordedAt): what a frozen log and a ledger's log can be compared by. */
export function withoutStamps({ id, type, streamId, revision, data, metadata }: StoredEvent): Omit<StoredEvent, 'position'> {
  return { id, type, streamId, revision, data, metadata };
}
