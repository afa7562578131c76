import type { RecordedEvent } from '@roster-ledger/ledger';
import { factsOf } from '../../model/event-facts';
import { recordTypeOf } from '../../model/timeline-subjects';
import type { Db } from '../read-model-database';
import type { ProjectionWriter, SqliteProjection, TableNamer } from '../sqlite-projection';
import { EntitySchools } from './entity-schools';

/**
 * audit: the district's feed of every recorded event (roster and sync), indexed for the filters
 * compliance uses: time, event type, record type, school, sync. One row per event, keyed by its
 * log position: the feed reads the events themselves from the log (the row is a pointer with the
 * columns to filter on, not a copy). Rows by school are keyed by position too, so a bulk load
 * appends, and indexed by school.
 */
export const auditProjection: SqliteProjection = {
  name: 'audit',
  rebuildWeight: 9,
  description: 'the audit feed: every event with filters by time, type, record type, school and sync',
  tables: ['audit', 'audit_schools', 'entity_schools'],
  create(db: Db, t: TableNamer): void {
    db.exec(`
      CREATE TABLE IF NOT EXISTS ${t('audit')} (
        position INTEGER PRIMARY KEY, district_id TEXT, record_type TEXT NOT NULL, type TEXT NOT NULL,
        sync_id TEXT, observed_at TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS ${t('audit')}_district ON ${t('audit')} (district_id, observed_at);
      CREATE INDEX IF NOT EXISTS ${t('audit')}_sync ON ${t('audit')} (sync_id);
      CREATE TABLE IF NOT EXISTS ${t('audit_schools')} (position INTEGER NOT NULL, school_id TEXT NOT NULL, PRIMARY KEY (position, school_id)) WITHOUT ROWID;
      CREATE UNIQUE INDEX IF NOT EXISTS ${t('audit_schools')}_school ON ${t('audit_schools')} (school_id, position);
    `);
    EntitySchools.create(db, t('entity_schools'));
  },
  writer(db: Db, t: TableNamer): ProjectionWriter {
    const schools = new EntitySchools(db, t('entity_schools'));
    const insert = db.prepare(
      `INSERT OR IGNORE INTO ${t('audit')} (position, district_id, record_type, type, sync_id, observed_at) VALUES (?, ?, ?, ?, ?, ?)`,
    );
    const file = db.prepare(`INSERT OR IGNORE INTO ${t('audit_schools')} (position, school_id) VALUES (?, ?)`);
    return {
      apply(event: RecordedEvent): void {
        const filed = schools.follow(event);
        if (filed === null) return; // a replay
        const f = factsOf(event);
        insert.run(f.position, f.districtId, recordTypeOf(event), event.type, f.syncId, f.observedAt);
        const own = event.streamId.startsWith('school-') ? [event.streamId.slice('school-'.length)] : [];
        for (const school of [...own, ...filed]) file.run(f.position, school);
      },
      flush: () => schools.flush(),
      reset: () => schools.reset(),
    };
  },
};
