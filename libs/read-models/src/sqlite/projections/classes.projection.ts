import type { RecordedEvent } from '@roster-ledger/ledger';
import { evolveClass, type ClassView } from '../../model/class';
import { searchKey } from '../../model/search-key';
import { DocTable } from '../doc-table';
import type { Db } from '../read-model-database';
import type { ProjectionWriter, SqliteProjection, TableNamer } from '../sqlite-projection';

const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);
/** An id or number as text: Clever's are strings, but a file may give a number. */
const idText = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null);

/** classes: one row per section: fields, teachers, students, term, course, status. */
export const classesProjection: SqliteProjection = {
  name: 'classes',
  rebuildWeight: 9.5,
  description: 'one class per section: teachers, students, term, course, status',
  tables: ['classes'],
  // 1: each class keeps the syncs that shared it again after a removal (sharedAgainSyncs)
  contentVersion: 1,
  create(db: Db, t: TableNamer): void {
    db.exec(`
      CREATE TABLE IF NOT EXISTS ${t('classes')} (
        id TEXT PRIMARY KEY, district_id TEXT, status TEXT NOT NULL, school_id TEXT, name TEXT,
        term_id TEXT, course_id TEXT, position INTEGER NOT NULL, doc TEXT NOT NULL,
        search_name TEXT, sis_id TEXT, section_number TEXT);
      CREATE INDEX IF NOT EXISTS ${t('classes')}_school ON ${t('classes')} (school_id);
    `);
  },
  writer(db: Db, t: TableNamer): ProjectionWriter {
    // what a class search matches, beside the document: its name as a search key (any case, no
    // accents), its SIS id and section number as text
    const columns = ['district_id', 'status', 'school_id', 'name', 'term_id', 'course_id', 'position', 'search_name', 'sis_id', 'section_number'];
    const docs = new DocTable<ClassView>(db, t('classes'), columns, (c) => {
      const f = c.section.fields;
      const name = text(f['name']);
      return [c.districtId, c.status, text(f['school']), name, text(f['term_id']), text(f['course']), c.position, name === null ? null : searchKey(name), idText(f['sis_id']), idText(f['section_number'])];
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
