import type { RecordedEvent } from '@roster-ledger/ledger';
import { schoolsAfter } from '../../model/timeline-subjects';
import type { Db } from '../read-model-database';

/**
 * The schools each user and section belongs to, as a projection's own small table: the timelines
 * and the audit feed file a removal under the schools the record had, which the event itself
 * does not repeat.
 */
export class EntitySchools {
  private readonly select;
  private readonly upsert;
  private readonly cache = new Map<string, string[]>();

  static create(db: Db, table: string): void {
    db.exec(`CREATE TABLE IF NOT EXISTS ${table} (stream_id TEXT PRIMARY KEY, schools TEXT NOT NULL) WITHOUT ROWID`);
  }

  constructor(db: Db, table: string) {
    this.select = db.prepare(`SELECT schools FROM ${table} WHERE stream_id = ?`).pluck();
    this.upsert = db.prepare(`INSERT INTO ${table} (stream_id, schools) VALUES (?, ?) ON CONFLICT (stream_id) DO UPDATE SET schools = excluded.schools`);
  }

  /** The schools of the event's record at the time of the event, updating them when it says. */
  follow(event: RecordedEvent): string[] {
    if (!event.streamId.startsWith('user-') && !event.streamId.startsWith('section-')) return [];
    let before = this.cache.get(event.streamId);
    if (before === undefined) {
      const raw = this.select.get(event.streamId) as string | undefined;
      before = raw === undefined ? [] : (JSON.parse(raw) as string[]);
    }
    const after = schoolsAfter(event, before);
    if (after === undefined) {
      this.cache.set(event.streamId, before);
      return before;
    }
    this.cache.set(event.streamId, after);
    this.upsert.run(event.streamId, JSON.stringify(after));
    return event.type.endsWith('Shared') ? after : [...new Set([...before, ...after])];
  }

  reset(): void {
    this.cache.clear();
  }
}
