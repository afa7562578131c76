import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteEventStore, SqliteLedgerDatabase } from '@roster-ledger/event-store';
import type { NewEvent, StreamAppend } from '@roster-ledger/ledger';

/**
 * Our append against a plain better-sqlite3 INSERT of the same rows, in the same run: the events
 * of a ledger (up to `limit`) are appended again into a fresh store through the port (one
 * appendToStreams in bulk, as a sync does), and inserted into fresh tables of the same shape (the
 * events, and the metadata each run of them shares) with one prepared INSERT each, in one
 * transaction. Both write through a rollback journal with `synchronous = FULL`, as a sync that
 * holds the ledger alone does (SqliteLedgerDatabase.inBulk).
 */
export async function appendBaseline(ledgerPath: string, limit: number): Promise<{ events: number; oursPerSecond: number; plainPerSecond: number; ratio: number }> {
  const source = new SqliteEventStore(new SqliteLedgerDatabase(ledgerPath));
  const byStream = new Map<string, NewEvent[]>();
  let events = 0;
  for await (const e of source.readAll({ maxCount: limit })) {
    const list = byStream.get(e.streamId) ?? [];
    list.push({ id: e.id, type: e.type, data: e.data, metadata: e.metadata });
    byStream.set(e.streamId, list);
    events++;
  }
  await source.close();
  const appends: StreamAppend[] = [...byStream].map(([streamId, list]) => ({ streamId, expectedRevision: 'no_stream', events: list }));

  const dir = mkdtempSync(join(tmpdir(), 'append-baseline-'));
  try {
    const ours = new SqliteEventStore(new SqliteLedgerDatabase(join(dir, 'ours.db')));
    let started = process.hrtime.bigint();
    await ours.inBulk(() => ours.appendToStreams(appends));
    const oursSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    await ours.close();

    const plain = new Database(join(dir, 'plain.db'));
    plain.pragma('journal_mode = DELETE');
    plain.pragma('synchronous = FULL');
    // the rows as the ledger stores them: a run of events with the same metadata points at one row of it
    plain.exec(`CREATE TABLE events (position INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL UNIQUE, stream_id TEXT NOT NULL,
      category TEXT NOT NULL, revision INTEGER NOT NULL, type TEXT NOT NULL, data TEXT NOT NULL, metadata TEXT NOT NULL,
      recorded_at TEXT NOT NULL, metadata_id INTEGER, UNIQUE (stream_id, revision));
      CREATE TABLE event_metadata (id INTEGER PRIMARY KEY, metadata TEXT NOT NULL)`);
    const insert = plain.prepare(
      "INSERT INTO events (event_id, stream_id, category, revision, type, data, metadata, recorded_at, metadata_id) VALUES (?, ?, ?, ?, ?, ?, '', ?, ?)",
    );
    const insertMetadata = plain.prepare('INSERT INTO event_metadata (metadata) VALUES (?)');
    started = process.hrtime.bigint();
    plain.transaction(() => {
      const now = new Date().toISOString();
      let lastMetadata = '';
      let metadataId = 0;
      for (const a of appends) {
        const category = a.streamId.slice(0, a.streamId.indexOf('-'));
        a.events.forEach((e, i) => {
          const metadata = JSON.stringify(e.metadata);
          if (metadata !== lastMetadata) {
            metadataId = Number(insertMetadata.run(metadata).lastInsertRowid);
            lastMetadata = metadata;
          }
          insert.run(e.id, a.streamId, category, i, e.type, JSON.stringify(e.data), now, metadataId);
        });
      }
    })();
    const plainSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    plain.close();
    const oursPerSecond = Math.round(events / oursSeconds);
    const plainPerSecond = Math.round(events / plainSeconds);
    return { events, oursPerSecond, plainPerSecond, ratio: Math.round((100 * oursPerSecond) / plainPerSecond) / 100 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  void appendBaseline(process.argv[2]!, Number(process.argv[3] ?? 1_000_000)).then((r) => process.stdout.write(`${JSON.stringify(r)}\n`));
}
