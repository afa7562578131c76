import type { RecordedEvent } from '@roster-ledger/ledger';
import { canMoveSchools, linkedSubjectsOf } from '../../model/timeline-subjects';
import { BufferedInsert } from '../buffered-insert';
import type { Db } from '../read-model-database';
import type { ProjectionWriter, SqliteProjection, TableNamer } from '../sqlite-projection';
import { EntitySchools } from './entity-schools';

/**
 * timelines: the events on the timeline of each user, section and school they concern (plus
 * districts, terms, courses). A record's own events are its stream, which the log already
 * indexes: the timeline reads them there, by position. This read model keeps only the links to
 * the other records an event concerns (a student on their section's enrollment, the schools of a
 * share), one row each, pointing into the log as EventStoreDB's link events do; the queries read
 * the events themselves from the log. A replayed event is ignored.
 *
 * Rows are keyed by position, the order the log hands them over, so a bulk load appends; the
 * per-subject index that queries use is built once at the end of a rebuild.
 */
export const timelinesProjection: SqliteProjection = {
  name: 'timelines',
  rebuildWeight: 31,
  description: 'timelines per user, section and school: every change with both clocks and its sync',
  tables: ['links', 'entity_schools'],
  create(db: Db, t: TableNamer): void {
    db.exec(`
      CREATE TABLE IF NOT EXISTS ${t('links')} (
        position INTEGER NOT NULL, subject_kind TEXT NOT NULL, subject_id TEXT NOT NULL,
        PRIMARY KEY (position, subject_kind, subject_id)) WITHOUT ROWID;
      CREATE UNIQUE INDEX IF NOT EXISTS ${t('links')}_subject ON ${t('links')} (subject_kind, subject_id, position);
    `);
    EntitySchools.create(db, t('entity_schools'));
  },
  writer(db: Db, t: TableNamer): ProjectionWriter {
    const schools = new EntitySchools(db, t('entity_schools'));
    // nothing reads the links while a batch is folded: they are written many at a time
    const links = new BufferedInsert(db, `INSERT OR IGNORE INTO ${t('links')} (position, subject_kind, subject_id)`, 3);
    return {
      apply(event: RecordedEvent): void {
        // only a share, an update or a removal reaches its record's schools' timelines: an
        // enrollment (most of the log) needs no look-up, and a replayed one adds no row
        const filed = canMoveSchools(event) ? schools.follow(event) : [];
        if (filed === null) return; // a replay
        for (const s of linkedSubjectsOf(event, filed)) links.add(event.position, s.kind, s.id);
      },
      flush: () => {
        schools.flush();
        links.flush();
      },
      reset: () => {
        schools.reset();
        links.discard();
      },
    };
  },
};
