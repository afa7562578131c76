import type { RecordedEvent } from '@roster-ledger/ledger';
import { canMoveSchools, evolveRecordSchools, facetOf, schoolsOfEvent, type RecordSchools } from '../../model/timeline-subjects';
import type { Db } from '../read-model-database';
import { StreamEntries, type StreamEntry } from './stream-entries';

interface Entry extends StreamEntry {
  schools: RecordSchools;
  /** The position of the last event that could move the record's schools (a share, an update, a removal). */
  position: number;
  /**
   * What an event that cannot move them is filed under, by facet, as worked out once: a
   * section's enrollments (most of the log) are each filed under the same schools.
   */
  filed?: Map<string | null, readonly string[]>;
}

/** What an event of a record without schools (a school, a term, a district) is filed under. */
const NO_SCHOOLS: readonly string[] = Object.freeze([]);

/**
 * The schools of each user (per role) and section, as a projection's own small table: the
 * timelines and the audit feed file an event under the schools its record had, which a removal
 * does not repeat. Each entry remembers the position of the last event that could move them, so
 * such an event replayed is known as one (and skipped by the caller). Other events leave the
 * entry alone: a section's enrollments used to rewrite its entry batch after batch. A replayed
 * enrollment after the last move is filed under the same schools as the first time (the callers
 * insert rows keyed by position, so it adds nothing); one before it is known as a replay.
 */
export class EntitySchools extends StreamEntries<Entry> {
  static create(db: Db, table: string): void {
    // the column's name is this meaning's: entries that moved with every event are not read as these
    StreamEntries.createTable(db, table, ['schools TEXT NOT NULL', 'moved_at INTEGER NOT NULL']);
  }

  /** @param cachedAtMost entries kept in memory between two flushes at most (see StreamEntries) */
  constructor(db: Db, table: string, cachedAtMost?: number) {
    super(db, table, ['schools', 'moved_at'], cachedAtMost);
  }

  /**
   * The schools to file an event under, updating the record's schools. Null when the event is at
   * or before the position of the last event that moved them: a replay, to be ignored.
   */
  follow(event: RecordedEvent): readonly string[] | null {
    const { streamId } = event;
    if (!streamId.startsWith('user-') && !streamId.startsWith('section-')) return NO_SCHOOLS;
    const entry = this.entryOf(streamId);
    if (event.position <= entry.position) return null;
    if (!canMoveSchools(event)) return this.filedUnmoved(entry, event);
    const before = entry.schools;
    entry.schools = evolveRecordSchools(before, event);
    entry.position = event.position;
    entry.filed = undefined;
    this.changed(entry);
    return schoolsOfEvent(before, entry.schools, event);
  }

  protected fromRow(streamId: string, row: { schools: string; moved_at: number } | undefined): Entry {
    return row
      ? { streamId, schools: JSON.parse(row.schools) as RecordSchools, position: row.moved_at, dirty: false }
      : { streamId, schools: {}, position: 0, dirty: false };
  }

  protected rowOf(entry: Entry): unknown[] {
    return [JSON.stringify(entry.schools), entry.position];
  }

  /** The schools of an event that leaves its record's where they are: the same for each of its facet's events. */
  private filedUnmoved(entry: Entry, event: RecordedEvent): readonly string[] {
    const facet = facetOf(event);
    entry.filed ??= new Map();
    let filed = entry.filed.get(facet);
    if (filed === undefined) {
      filed = schoolsOfEvent(entry.schools, entry.schools, event);
      entry.filed.set(facet, filed);
    }
    return filed;
  }
}
