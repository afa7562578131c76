import type { RecordedEvent } from '@roster-ledger/ledger';
import { subjectsOf } from '../../model/timeline-subjects';
import type { Db } from '../read-model-database';
import type { ProjectionWriter, SqliteProjection, TableNamer } from '../sqlite-projection';
import { EntitySchools } from './entity-schools';

/**
 * timelines: the events on the timeline of each user, section and school they concern (plus
 * districts, terms, courses). Each row points into the log (the event's position, indexed per
 * subject) instead of copying the event: the queries read the events themselves from the log,
 * as EventStoreDB resolves link events. A replayed event is ignored.
 *
 * Rows are keyed by position, the order the log hands them over, so a bulk load appends; the
 * per-subject index that queries use is built once at the end of a rebuild.
 */
export const timelinesProjection: SqliteProjection = {
  name: 'timelines',
  description: 'timelines per user, section and school: every change with both clocks and its sync',
  tables: ['timeline', 'entity_schools'],
  create(db: Db, t: TableNamer): void {
    db.exec(`
      CREATE TABLE IF NOT EXISTS ${t('timeline')} (
        position INTEGER NOT NULL, subject_kind TEXT NOT NULL, subject_id TEXT NOT NULL,
        PRIMARY KEY (position, subject_kind, subject_id)) WITHOUT ROWID;
      CREATE UNIQUE INDEX IF NOT EXISTS ${t('timeline')}_subject ON ${t('timeline')} (subject_kind, subject_id, position);
    `);
    EntitySchools.create(db, t('entity_schools'));
  },
  writer(db: Db, t: TableNamer): ProjectionWriter {
    const schools = new EntitySchools(db, t('entity_schools'));
    const insertSubject = db.prepare(`INSERT OR IGNORE INTO ${t('timeline')} (position, subject_kind, subject_id) VALUES (?, ?, ?)`);
    return {
      apply(event: RecordedEvent): void {
        const filed = schools.follow(event);
        if (filed === null) return; // a replay
        for (const s of subjectsOf(event, filed)) insertSubject.run(event.position, s.kind, s.id);
      },
      flush: () => schools.flush(),
      reset: () => schools.reset(),
    };
  },
};
