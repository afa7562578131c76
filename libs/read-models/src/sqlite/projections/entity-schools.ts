import type { RecordedEvent } from '@roster-ledger/ledger';
import { evolveRecordSchools, schoolsOfEvent, type RecordSchools } from '../../model/timeline-subjects';
import type { Db } from '../read-model-database';

interface Entry {
  schools: RecordSchools;
  position: number;
}

/**
 * The schools of each user (per role) and section, as a projection's own small table: the
 * timelines and the audit feed file an event under the schools its record had, which a removal
 * does not repeat. Each entry remembers the position it reflects, so a replayed event is known
 * as one (and skipped by the caller).
 */
export class EntitySchools {
  private readonly select;
  private readonly upsert;
  private readonly cache = new Map<string, Entry>();
  private readonly dirty = new Set<string>();

  static create(db: Db, table: string): void {
    db.exec(`CREATE TABLE IF NOT EXISTS ${table} (stream_id TEXT PRIMARY KEY, schools TEXT NOT NULL, position INTEGER NOT NULL) WITHOUT ROWID`);
  }

  constructor(db: Db, table: string) {
    this.select = db.prepare(`SELECT schools, position FROM ${table} WHERE stream_id = ?`);
    this.upsert = db.prepare(
      `INSERT INTO ${table} (stream_id, schools, position) VALUES (?, ?, ?)
       ON CONFLICT (stream_id) DO UPDATE SET schools = excluded.schools, position = excluded.position`,
    );
  }

  /**
   * The schools to file an event under, updating the record's schools. Null when the event is at
   * or before the position the record's entry reflects: a replay, to be ignored.
   */
  follow(event: RecordedEvent): string[] | null {
    if (!event.streamId.startsWith('user-') && !event.streamId.startsWith('section-')) return [];
    let entry = this.cache.get(event.streamId);
    if (entry === undefined) {
      const row = this.select.get(event.streamId) as { schools: string; position: number } | undefined;
      entry = row ? { schools: JSON.parse(row.schools) as RecordSchools, position: row.position } : { schools: {}, position: 0 };
    }
    if (event.position <= entry.position) return null;
    const after = evolveRecordSchools(entry.schools, event);
    this.cache.set(event.streamId, { schools: after, position: event.position });
    this.dirty.add(event.streamId);
    return schoolsOfEvent(entry.schools, after, event);
  }

  /** Writes the entries this batch changed (once each, however many events touched them). */
  flush(): void {
    for (const streamId of this.dirty) {
      const entry = this.cache.get(streamId)!;
      this.upsert.run(streamId, JSON.stringify(entry.schools), entry.position);
    }
    this.dirty.clear();
    // bounded memory: the next batch reads what it needs back from the table
    if (this.cache.size > 200_000) this.cache.clear();
  }

  /** Forgets the cache: the transaction it mirrored was rolled back. */
  reset(): void {
    this.cache.clear();
    this.dirty.clear();
  }
}
