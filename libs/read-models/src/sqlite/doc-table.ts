import type { Statement } from 'better-sqlite3';
import { BufferedInsert } from './buffered-insert';
import type { Db } from './read-model-database';

/**
 * Columns of each document kept in a second table keyed by the same id, without the document:
 * what indexes are built on after a bulk load. An index build reads its whole table, and a table
 * of documents is many times larger (a million accounts: 1.9 GB, read once for each index).
 */
export interface DocSideTable<T> {
  table: string;
  columns: readonly string[];
  extract: (doc: T) => unknown[];
}

export interface DocTableOptions<T> {
  /**
   * Documents changed before they are written and forgotten, inside the batch's transaction (a
   * later `get` reads one back). A bulk load's batch of 25,000 events held every document it
   * touched until the batch ended: they outlived the collector's young generation and were
   * copied and promoted (a rebuild of the accounts alone at a million students peaked at 510-535
   * MB, and at 365-380 MB with this, in the same time). A record's events come together in the
   * log, so one is rarely read back. Default 1,000.
   */
  writeEvery?: number;
  side?: DocSideTable<T>;
}

/**
 * A table of JSON documents keyed by id, with some columns pulled out for indexes (in the table
 * itself, or in a side table: see DocSideTable). Writers load a
 * document, fold the events of the batch into it in memory, and write it once when the batch ends
 * or a thousand documents wait (`writeEvery`): events of one record arrive together, so this
 * saves most of the writes.
 *
 * A document already stored is updated in the columns that changed only: SQLite rewrites an
 * index entry for every column an UPDATE sets, changed or not, and a churn's changes (a grade, an
 * address) rarely touch a name or an email. Setting every column wrote 2.4 times the pages.
 */
export class DocTable<T> {
  private readonly cache = new Map<string, T | undefined>();
  /** The columns of each document as loaded this batch (absent: not stored before). */
  private readonly stored = new Map<string, unknown[]>();
  private readonly dirty = new Set<string>();
  private readonly select;
  private readonly upsert;
  /** UPDATE statements by the columns they set (a bit per column, in order). */
  private readonly updates = new Map<number, Statement>();
  private readonly writeEvery: number;
  private readonly side: (DocSideTable<T> & { upsert: BufferedInsert; stored: Map<string, unknown[]> }) | null;

  constructor(
    private readonly db: Db,
    private readonly table: string,
    private readonly columns: readonly string[],
    private readonly extract: (doc: T) => unknown[],
    options: DocTableOptions<T> = {},
  ) {
    this.writeEvery = options.writeEvery ?? 1_000;
    const side = options.side;
    // a side row is written whole when any of its columns changed: they rarely do (a name, an email)
    this.side =
      side === undefined
        ? null
        : {
            ...side,
            upsert: new BufferedInsert(
              db,
              `INSERT INTO ${side.table} (${['id', ...side.columns].join(', ')})`,
              side.columns.length + 1,
              `ON CONFLICT (id) DO UPDATE SET ${side.columns.map((c) => `${c} = excluded.${c}`).join(', ')}`,
            ),
            stored: new Map(),
          };
    this.select = db.prepare(`SELECT doc FROM ${table} WHERE id = ?`).pluck();
    const names = ['id', ...columns, 'doc'];
    // an upsert, not an insert: a writer that puts a document it did not get must not fail on a
    // stored one; many to a statement, as a bulk load writes every document new
    this.upsert = new BufferedInsert(
      db,
      `INSERT INTO ${table} (${names.join(', ')})`,
      names.length,
      `ON CONFLICT (id) DO UPDATE SET ${[...columns, 'doc'].map((c) => `${c} = excluded.${c}`).join(', ')}`,
    );
  }

  get(id: string): T | undefined {
    if (this.cache.has(id)) return this.cache.get(id);
    const raw = this.select.get(id) as string | undefined;
    const doc = raw === undefined ? undefined : (JSON.parse(raw) as T);
    this.cache.set(id, doc);
    // taken now: a writer may change the document in place before the flush
    if (doc !== undefined) {
      this.stored.set(id, this.extract(doc));
      this.side?.stored.set(id, this.side.extract(doc));
    }
    return doc;
  }

  put(id: string, doc: T): void {
    this.cache.set(id, doc);
    this.dirty.add(id);
    if (this.dirty.size >= this.writeEvery) this.flush();
  }

  flush(): void {
    for (const id of this.dirty) {
      const doc = this.cache.get(id);
      if (doc === undefined) continue;
      this.writeSide(id, doc);
      const values = this.extract(doc);
      const before = this.stored.get(id);
      if (before === undefined) {
        this.upsert.add(id, ...values, JSON.stringify(doc));
        continue;
      }
      let changed = 0;
      const set: unknown[] = [];
      values.forEach((value, i) => {
        if (value !== before[i]) {
          changed |= 1 << i;
          set.push(value);
        }
      });
      this.updateOf(changed).run(...set, JSON.stringify(doc), id);
    }
    this.upsert.flush();
    this.side?.upsert.flush();
    this.reset();
  }

  reset(): void {
    this.upsert.discard();
    this.side?.upsert.discard();
    this.side?.stored.clear();
    this.cache.clear();
    this.stored.clear();
    this.dirty.clear();
  }

  private writeSide(id: string, doc: T): void {
    if (this.side === null) return;
    const values = this.side.extract(doc);
    const before = this.side.stored.get(id);
    if (before !== undefined && values.every((value, i) => value === before[i])) return;
    this.side.upsert.add(id, ...values);
  }

  private updateOf(changed: number): Statement {
    let update = this.updates.get(changed);
    if (update === undefined) {
      const set = [...this.columns.filter((_, i) => changed & (1 << i)), 'doc'].map((c) => `${c} = ?`);
      update = this.db.prepare(`UPDATE ${this.table} SET ${set.join(', ')} WHERE id = ?`);
      this.updates.set(changed, update);
    }
    return update;
  }
}
