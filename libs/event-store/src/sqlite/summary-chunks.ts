import type { Database, Statement } from 'better-sqlite3';

/** One chunk of a district's summaries; `summaries` and `last` are null when `count` is 0. */
interface SummaryChunk {
  summaries: string | null;
  last: string | null;
  count: number;
}

/** Summaries per chunk: a few thousand were fastest, 50,000 slower. */
const SUMMARIES_PER_CHUNK = 5_000;

/**
 * Reads every summary a district has in a table of summaries (`district_id, id, summary`, the
 * summary JSON), a chunk at a time, each chunk one JSON array `[id, summary, id, summary, ...]`
 * built by SQLite: a row handed to JavaScript costs more than its summary's bytes (at a million
 * users, 1.8-2.0 s against 3.2-5.0 s to read and parse them row by row). The next chunk starts
 * after the chunk's largest id (the order within a chunk is group_concat's: asking for it cost
 * another 0.5-1 s).
 */
export class SummaryChunks {
  private readonly first: Statement<[string], SummaryChunk>;
  private readonly next: Statement<[string, string], SummaryChunk>;

  constructor(db: Database, table: string) {
    const chunk = (after: string) =>
      `SELECT '[' || group_concat(json_quote(id) || ',' || summary, ',') || ']' AS summaries, max(id) AS last, count(*) AS count FROM (
         SELECT id, summary FROM ${table} WHERE district_id = ?${after} ORDER BY id LIMIT ${SUMMARIES_PER_CHUNK})`;
    this.first = db.prepare<[string], SummaryChunk>(chunk(''));
    this.next = db.prepare<[string, string], SummaryChunk>(chunk(' AND id > ?'));
  }

  /** Hands each id with its summary, parsed, to `take`, the chunks in the order of their ids. */
  forEach<T>(districtId: string, take: (id: string, summary: T) => void): void {
    let chunk = this.first.get(districtId)!;
    while (chunk.count > 0) {
      const pairs = JSON.parse(chunk.summaries!) as unknown[];
      for (let at = 0; at < pairs.length; at += 2) take(pairs[at] as string, pairs[at + 1] as T);
      if (chunk.count < SUMMARIES_PER_CHUNK) return;
      chunk = this.next.get(districtId, chunk.last!)!;
    }
  }
}
