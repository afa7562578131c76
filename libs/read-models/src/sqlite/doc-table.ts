import type { Db } from './read-model-database';

/**
 * A table of JSON documents keyed by id, with some columns pulled out for indexes. Writers load a
 * document once per batch, fold every event of the batch into it in memory, and write it once at
 * the end: events of one record arrive together, so this saves most of the writes.
 */
export class DocTable<T> {
  private readonly cache = new Map<string, T | undefined>();
  private readonly dirty = new Set<string>();
  private readonly select;
  private readonly upsert;

  constructor(
    db: Db,
    table: string,
    private readonly columns: readonly string[],
    private readonly extract: (doc: T) => unknown[],
  ) {
    this.select = db.prepare(`SELECT doc FROM ${table} WHERE id = ?`).pluck();
    const names = ['id', ...columns, 'doc'];
    this.upsert = db.prepare(
      `INSERT INTO ${table} (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})
       ON CONFLICT (id) DO UPDATE SET ${[...columns, 'doc'].map((c) => `${c} = excluded.${c}`).join(', ')}`,
    );
  }

  get(id: string): T | undefined {
    if (this.cache.has(id)) return this.cache.get(id);
    const raw = this.select.get(id) as string | undefined;
    const doc = raw === undefined ? undefined : (JSON.parse(raw) as T);
    this.cache.set(id, doc);
    return doc;
  }

  put(id: string, doc: T): void {
    this.cache.set(id, doc);
    this.dirty.add(id);
  }

  flush(): void {
    for (const id of this.dirty) {
      const doc = this.cache.get(id);
      if (doc !== undefined) this.upsert.run(id, ...this.extract(doc), JSON.stringify(doc));
    }
    this.reset();
  }

  reset(): void {
    this.cache.clear();
    this.dirty.clear();
  }

  /** Columns this table pulls out of each document, in order. */
  get columnNames(): readonly string[] {
    return this.columns;
  }
}
