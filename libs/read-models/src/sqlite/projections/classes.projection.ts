import type { RecordedEvent } from '@roster-ledger/ledger';
import { evolveClass, type ClassView } from '../../model/class';
import { DocTable } from '../doc-table';
import type { Db } from '../read-model-database';
import type { ProjectionWriter, SqliteProjection, TableNamer } from '../sqlite-projection';

const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** classes: one row per section: fields, teachers, students, term, course, status. */
export const classesProjection: SqliteProjection = {
  name: 'classes',
  rebuildWeight: 9.5,
  description: 'one class per section: teachers, students, term, course, status',
  tables: ['classes'],
  create(db: Db, t: TableNamer): void {
    db.exec(`
      CREATE TABLE IF NOT EXISTS ${t('classes')} (
        id TEXT PRIMARY KEY, district_id TEXT, status TEXT NOT NULL, school_id TEXT, name TEXT,
        term_id TEXT, course_id TEXT, position INTEGER NOT NULL, doc TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS ${t('classes')}_school ON ${t('classes')} (school_id);
    `);
  },
  writer(db: Db, t: TableNamer): ProjectionWriter {
    const docs = new DocTable<ClassView>(db, t('classes'), ['district_id', 'status', 'school_id', 'name', 'term_id', 'course_id', 'position'], (c) => {
      const f = c.section.fields;
      return [c.districtId, c.status, text(f['school']), text(f['name']), text(f['term_id']), text(f['course']), c.position];
    });
    return {
      apply(event: RecordedEvent): void {
        if (!event.streamId.startsWith('section-')) return;
        const id = event.streamId.slice('section-'.length);
        const next = evolveClass(docs.get(id), event);
        if (next) docs.put(id, next);
      },
      flush: () => docs.flush(),
      reset: () => docs.reset(),
    };
  },
};
