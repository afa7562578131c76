import type { RecordedEvent } from '@roster-ledger/ledger';
import { factsOf } from '../../model/event-facts';
import { subjectsOf } from '../../model/timeline-subjects';
import type { Db } from '../read-model-database';
import type { ProjectionWriter, SqliteProjection, TableNamer } from '../sqlite-projection';
import { EntitySchools } from './entity-schools';

/**
 * timelines: every event on the timeline of each user, section and school it concerns (plus
 * districts, terms, courses), with both clocks and the field-level changes. An event is stored
 * once (`timeline_events`) and indexed once per timeline it is on (`timeline`), keyed by
 * (subject, position): a replayed event is ignored.
 */
export const timelinesProjection: SqliteProjection = {
  name: 'timelines',
  description: 'timelines per user, section and school: every change with both clocks and its sync',
  tables: ['timeline', 'timeline_events', 'entity_schools'],
  create(db: Db, t: TableNamer): void {
    db.exec(`
      CREATE TABLE IF NOT EXISTS ${t('timeline')} (
        subject_kind TEXT NOT NULL, subject_id TEXT NOT NULL, position INTEGER NOT NULL,
        PRIMARY KEY (subject_kind, subject_id, position)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS ${t('timeline_events')} (
        position INTEGER PRIMARY KEY, stream_id TEXT NOT NULL, type TEXT NOT NULL, sync_id TEXT, district_id TEXT,
        observed_at TEXT NOT NULL, recorded_at TEXT NOT NULL, clever_last_modified TEXT, data TEXT NOT NULL);
    `);
    EntitySchools.create(db, t('entity_schools'));
  },
  writer(db: Db, t: TableNamer): ProjectionWriter {
    const schools = new EntitySchools(db, t('entity_schools'));
    const insertEvent = db.prepare(
      `INSERT OR IGNORE INTO ${t('timeline_events')} (position, stream_id, type, sync_id, district_id, observed_at, recorded_at, clever_last_modified, data)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insertSubject = db.prepare(`INSERT OR IGNORE INTO ${t('timeline')} (subject_kind, subject_id, position) VALUES (?, ?, ?)`);
    return {
      apply(event: RecordedEvent): void {
        const filed = schools.follow(event);
        if (filed === null) return; // a replay
        const subjects = subjectsOf(event, filed);
        if (subjects.length === 0) return;
        const f = factsOf(event);
        insertEvent.run(f.position, event.streamId, event.type, f.syncId, f.districtId, f.observedAt, f.recordedAt, f.cleverLastModified, JSON.stringify(event.data));
        for (const s of subjects) insertSubject.run(s.kind, s.id, f.position);
      },
      flush: () => schools.flush(),
      reset: () => schools.reset(),
    };
  },
};
