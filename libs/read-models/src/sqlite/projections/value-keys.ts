import type { Db } from '../read-model-database';

/**
 * Small integer keys for the few distinct values a large table repeats on every row (district
 * and sync ids, event and record types, school ids), kept in a table of their own. A row of
 * integers is a fraction of the size of the same row of text, and so are its indexes: the audit
 * feed writes one row per event. Keys are handed out in the order values are first met, so a
 * rebuild from the log gives each value the key the live read model gave it.
 */
export class ValueKeys {
  /** Per kind, the keys of the values met: most calls find theirs here. */
  private readonly known = new Map<string, Map<string, number>>();
  private readonly select;
  private readonly insert;

  static create(db: Db, table: string): void {
    db.exec(`CREATE TABLE IF NOT EXISTS ${table} (key INTEGER PRIMARY KEY, kind TEXT NOT NULL, value TEXT NOT NULL, UNIQUE (kind, value))`);
  }

  constructor(db: Db, table: string) {
    this.select = db.prepare(`SELECT key FROM ${table} WHERE kind = ? AND value = ?`).pluck();
    this.insert = db.prepare(`INSERT INTO ${table} (kind, value) VALUES (?, ?)`);
  }

  /** The key of a value of a kind, given one now when it has none (inside the caller's transaction). */
  keyOf(kind: string, value: string): number {
    let ofKind = this.known.get(kind);
    if (ofKind === undefined) this.known.set(kind, (ofKind = new Map()));
    let key = ofKind.get(value);
    if (key === undefined) {
      key = (this.select.get(kind, value) as number | undefined) ?? Number(this.insert.run(kind, value).lastInsertRowid);
      ofKind.set(value, key);
    }
    return key;
  }

  /** Forgets the keys it knows: the transaction that gave some of them was rolled back. */
  reset(): void {
    this.known.clear();
  }
}
