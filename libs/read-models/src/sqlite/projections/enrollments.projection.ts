import type { RecordedEvent } from '@roster-ledger/ledger';
import { factsOf } from '../../model/event-facts';
import type { Db } from '../read-model-database';
import type { ProjectionWriter, SqliteProjection, TableNamer } from '../sqlite-projection';

/**
 * enrollments: intervals of membership, who was in which class from when to when (students and
 * teachers), so a roster can be read as of any date. Times are the ledger's `observedAt`: when a
 * sync saw the change (Clever does not date enrollments). A replayed event finds its interval
 * already opened (same key) or already closed, and changes nothing.
 */
export const enrollmentsProjection: SqliteProjection = {
  name: 'enrollments',
  description: 'enrollment intervals (who was in which class, from when to when) for as-of rosters',
  tables: ['enrollments'],
  create(db: Db, t: TableNamer): void {
    db.exec(`
      CREATE TABLE IF NOT EXISTS ${t('enrollments')} (
        section_id TEXT NOT NULL, user_id TEXT NOT NULL, role TEXT NOT NULL, district_id TEXT,
        from_position INTEGER NOT NULL, from_at TEXT NOT NULL, from_sync TEXT,
        to_position INTEGER, to_at TEXT, to_sync TEXT, is_primary INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (section_id, user_id, role, from_position)) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS ${t('enrollments')}_user ON ${t('enrollments')} (user_id, from_at);
    `);
  },
  writer(db: Db, t: TableNamer): ProjectionWriter {
    const open = db.prepare(
      `INSERT OR IGNORE INTO ${t('enrollments')} (section_id, user_id, role, district_id, from_position, from_at, from_sync, is_primary)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const close = db.prepare(
      `UPDATE ${t('enrollments')} SET to_position = ?, to_at = ?, to_sync = ?
       WHERE section_id = ? AND user_id = ? AND role = ? AND to_position IS NULL AND from_position < ?`,
    );
    const setPrimary = db.prepare(
      `UPDATE ${t('enrollments')} SET is_primary = (user_id = ?) WHERE section_id = ? AND role = 'teacher' AND to_position IS NULL`,
    );
    return {
      apply(event: RecordedEvent): void {
        const d = event.data as Record<string, string | boolean | null>;
        const f = factsOf(event);
        const section = d['sectionId'] as string;
        switch (event.type) {
          case 'StudentEnrolled':
            open.run(section, d['studentId'], 'student', f.districtId, f.position, f.observedAt, f.syncId, 0);
            break;
          case 'TeacherAssigned':
            if (d['primary']) setPrimary.run(d['teacherId'], section);
            open.run(section, d['teacherId'], 'teacher', f.districtId, f.position, f.observedAt, f.syncId, d['primary'] ? 1 : 0);
            break;
          case 'StudentUnenrolled':
            close.run(f.position, f.observedAt, f.syncId, section, d['studentId'], 'student', f.position);
            break;
          case 'TeacherUnassigned':
            close.run(f.position, f.observedAt, f.syncId, section, d['teacherId'], 'teacher', f.position);
            break;
          case 'PrimaryTeacherChanged':
            setPrimary.run(d['to'], section);
            break;
        }
      },
      flush(): void {},
      reset(): void {},
    };
  },
};
