import type { RecordedEvent } from '@roster-ledger/ledger';
import { factsOf } from '../../model/event-facts';
import { recordTypeOf } from '../../model/timeline-subjects';
import type { Db } from '../read-model-database';
import type { ProjectionWriter, SqliteProjection, TableNamer } from '../sqlite-projection';
import { EntitySchools } from './entity-schools';

/**
 * audit: the district's feed of every recorded event (roster and sync), indexed for the filters
 * compliance uses: time, event type, record type, school, sync. Keyed by log position.
 */
export const auditProjection: SqliteProjection = {
  name: 'audit',
  description: 'the audit feed: every event with filters by time, type, record type, school and sync',
  tables: ['audit', 'audit_schools', 'entity_schools'],
  create(db: Db, t: TableNamer): void {
    db.exec(`
      CREATE TABLE IF NOT EXISTS ${t('audit')} (
        position INTEGER PRIMARY KEY, district_id TEXT, stream_id TEXT NOT NULL, record_type TEXT NOT NULL,
        type TEXT NOT NULL, sync_id TEXT, observed_at TEXT NOT NULL, recorded_at TEXT NOT NULL,
        clever_last_modified TEXT, data TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS ${t('audit')}_district ON ${t('audit')} (district_id, observed_at);
      CREATE INDEX IF NOT EXISTS ${t('audit')}_sync ON ${t('audit')} (sync_id);
      CREATE TABLE IF NOT EXISTS ${t('audit_schools')} (school_id TEXT NOT NULL, position INTEGER NOT NULL, PRIMARY KEY (school_id, position)) WITHOUT ROWID;
    `);
    EntitySchools.create(db, t('entity_schools'));
  },
  writer(db: Db, t: TableNamer): ProjectionWriter {
    const schools = new EntitySchools(db, t('entity_schools'));
    const insert = db.prepare(
      `INSERT OR IGNORE INTO ${t('audit')} (position, district_id, stream_id, record_type, type, sync_id, observed_at, recorded_at, clever_last_modified, data)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const file = db.prepare(`INSERT OR IGNORE INTO ${t('audit_schools')} (school_id, position) VALUES (?, ?)`);
    return {
      apply(event: RecordedEvent): void {
        const filed = schools.follow(event);
        if (filed === null) return; // a replay
        const f = factsOf(event);
        insert.run(f.position, f.districtId, event.streamId, recordTypeOf(event), event.type, f.syncId, f.observedAt, f.recordedAt, f.cleverLastModified, JSON.stringify(event.data));
        const own = event.streamId.startsWith('school-') ? [event.streamId.slice('school-'.length)] : [];
        for (const school of [...own, ...filed]) file.run(school, f.position);
      },
      flush: () => schools.flush(),
      reset: () => schools.reset(),
    };
  },
};
