import { randomBytes } from 'node:crypto';
import { streamIdOf } from '@roster-ledger/domain';
import type { CsvIdKeyStore } from '@roster-ledger/ledger';
import { toEventStoreError, type SqliteLedgerDatabase } from './sqlite-database';

/** Its name in `ledger_keys`. */
const CSV_IDS = 'csv-ids';

/** The streams of records a CSV upload gives (every upload has schools), by the prefix of their ids. */
const CSV_STREAM_PREFIXES = (['school', 'user', 'section'] as const).map((kind) => streamIdOf(kind, 'sis-'));

/**
 * The ledger's key for CSV ids (see CsvIdKeyStore), in the ledger file's `ledger_keys`: 32 random
 * bytes, made in the transaction that first finds none (two processes asking at once keep one), or
 * NULL for a ledger that already holds records of a CSV upload, or ran a CSV sync (one held then
 * applies its records when approved): their ids were derived without a key, and must go on being
 * derived so.
 */
export class SqliteCsvIdKeys implements CsvIdKeyStore {
  constructor(private readonly database: SqliteLedgerDatabase) {}

  async csvIdKey(): Promise<Uint8Array | null> {
    const db = this.database.db;
    try {
      const read = () => db.prepare<[string], { value: Buffer | null }>('SELECT value FROM ledger_keys WHERE name = ?').get(CSV_IDS);
      const row =
        read() ??
        this.database.transaction(() => {
          const again = read();
          if (again !== undefined) return again;
          const derivedBefore =
            CSV_STREAM_PREFIXES.some((prefix) => db.prepare('SELECT 1 FROM streams WHERE stream_id >= ? AND stream_id < ? LIMIT 1').get(prefix, `${prefix}\uffff`) !== undefined) ||
            // a CSV sync held before the key was made applies its records under unkeyed ids when approved
            db.prepare("SELECT 1 FROM events WHERE category = 'sync' AND type = 'SyncStarted' AND json_extract(data, '$.source') = 'sftp-csv' LIMIT 1").get() !== undefined;
          const value = derivedBefore ? null : randomBytes(32);
          db.prepare('INSERT INTO ledger_keys (name, value) VALUES (?, ?)').run(CSV_IDS, value);
          return { value };
        });
      return row.value === null ? null : new Uint8Array(row.value);
    } catch (error) {
      throw toEventStoreError(error, db.name);
    }
  }
}
