import type { RecordedEvent } from '@roster-ledger/ledger';
import { factsOf } from '../../model/event-facts';
import { BufferedInsert } from '../buffered-insert';
import type { Db } from '../read-model-database';
import type { ProjectionWriter, SqliteProjection, TableNamer } from '../sqlite-projection';

const MEMBERSHIP_TYPES: ReadonlySet<string> = new Set(['StudentEnrolled', 'TeacherAssigned', 'StudentUnenrolled', 'TeacherUnassigned', 'PrimaryTeacherChanged']);

/**
 * enrollments: intervals of membership, who was in which class from when to when (students and
 * teachers), and who was the primary teacher from when to when, so a roster can be read as of any
 * moment. Times are the ledger's `observedAt`: when a sync saw the change (Clever does not date
 * enrollments).
 *
 * Replays change nothing: an interval is keyed by the position that opened it (a second open is
 * ignored), and closing only touches an interval opened before the closing event.
 */
export const enrollmentsProjection: SqliteProjection = {
  name: 'enrollments',
  rebuildWeight: 23,
  description: 'enrollment intervals (who was in which class, from when to when) for as-of rosters',
  tables: ['enrollments', 'primary_teachers'],
  create(db: Db, t: TableNamer): void {
    db.exec(`
      CREATE TABLE IF NOT EXISTS ${t('enrollments')} (
        section_id TEXT NOT NULL, user_id TEXT NOT NULL, role TEXT NOT NULL, district_id TEXT,
        from_position INTEGER NOT NULL, from_at TEXT NOT NULL, from_sync TEXT,
        to_position INTEGER, to_at TEXT, to_sync TEXT,
        PRIMARY KEY (section_id, user_id, role, from_position)) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS ${t('enrollments')}_user ON ${t('enrollments')} (user_id, from_at);
      CREATE TABLE IF NOT EXISTS ${t('primary_teachers')} (
        section_id TEXT NOT NULL, teacher_id TEXT NOT NULL, from_position INTEGER NOT NULL, from_at TEXT NOT NULL, from_sync TEXT,
        to_position INTEGER, to_at TEXT,
        PRIMARY KEY (section_id, from_position)) WITHOUT ROWID;
    `);
  },
  writer(db: Db, t: TableNamer): ProjectionWriter {
    // intervals are opened many at a time (see BufferedInsert), and written before one is closed
    const open = new BufferedInsert(
      db,
      `INSERT OR IGNORE INTO ${t('enrollments')} (section_id, user_id, role, district_id, from_position, from_at, from_sync)`,
      7,
    );
    const closeStatement = db.prepare(
      `UPDATE ${t('enrollments')} SET to_position = ?, to_at = ?, to_sync = ?
       WHERE section_id = ? AND user_id = ? AND role = ? AND to_position IS NULL AND from_position < ?`,
    );
    const close = (...values: unknown[]) => {
      open.flush();
      closeStatement.run(...values);
    };
    const openPrimary = db.prepare(
      `INSERT OR IGNORE INTO ${t('primary_teachers')} (section_id, teacher_id, from_position, from_at, from_sync) VALUES (?, ?, ?, ?, ?)`,
    );
    const closePrimary = db.prepare(
      `UPDATE ${t('primary_teachers')} SET to_position = @position, to_at = @at
       WHERE section_id = @section AND to_position IS NULL AND from_position < @position AND (@teacher IS NULL OR teacher_id = @teacher)`,
    );
    return {
      apply(event: RecordedEvent): void {
        // most of the log is of no concern here (shares, updates): left before anything is read of it
        if (!MEMBERSHIP_TYPES.has(event.type)) return;
        const d = event.data as Record<string, string | boolean | null>;
        const f = factsOf(event);
        const section = d['sectionId'] as string;
        const primaryNow = (teacher: string | null) => {
          closePrimary.run({ position: f.position, at: f.observedAt, section, teacher: null });
          if (teacher !== null) openPrimary.run(section, teacher, f.position, f.observedAt, f.syncId);
        };
        switch (event.type) {
          case 'StudentEnrolled':
            open.add(section, d['studentId'], 'student', f.districtId, f.position, f.observedAt, f.syncId);
            break;
          case 'TeacherAssigned':
            open.add(section, d['teacherId'], 'teacher', f.districtId, f.position, f.observedAt, f.syncId);
            if (d['primary']) primaryNow(d['teacherId'] as string);
            break;
          case 'StudentUnenrolled':
            close(f.position, f.observedAt, f.syncId, section, d['studentId'], 'student', f.position);
            break;
          case 'TeacherUnassigned':
            close(f.position, f.observedAt, f.syncId, section, d['teacherId'], 'teacher', f.position);
            closePrimary.run({ position: f.position, at: f.observedAt, section, teacher: d['teacherId'] });
            break;
          case 'PrimaryTeacherChanged':
            primaryNow((d['to'] as string | null) ?? null);
            break;
        }
      },
      flush: () => open.flush(),
      reset: () => open.discard(),
    };
  },
};
