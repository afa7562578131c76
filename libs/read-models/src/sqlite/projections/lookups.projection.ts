import { evolveEntity, type EntityState, type RosterEvent } from '@roster-ledger/domain';
import type { RecordedEvent } from '@roster-ledger/ledger';
import { factsOf } from '../../model/event-facts';
import { DocTable } from '../doc-table';
import type { Db } from '../read-model-database';
import type { ProjectionWriter, SqliteProjection, TableNamer } from '../sqlite-projection';

const KINDS = ['district', 'school', 'term', 'course'] as const;

/** A school, term, course or district as last known. */
export interface LookupRow extends EntityState {
  kind: (typeof KINDS)[number];
  districtId: string | null;
  position: number;
}

/** lookups: schools, terms, courses and districts by id, for names and status in answers. */
export const lookupsProjection: SqliteProjection = {
  name: 'lookups',
  rebuildWeight: 0.5,
  description: 'schools, terms, courses and districts by id',
  tables: ['lookups'],
  create(db: Db, t: TableNamer): void {
    db.exec(`
      CREATE TABLE IF NOT EXISTS ${t('lookups')} (
        id TEXT PRIMARY KEY, kind TEXT NOT NULL, district_id TEXT, active INTEGER NOT NULL, name TEXT, position INTEGER NOT NULL, doc TEXT NOT NULL);
    `);
  },
  writer(db: Db, t: TableNamer): ProjectionWriter {
    const docs = new DocTable<LookupRow>(db, t('lookups'), ['kind', 'district_id', 'active', 'name', 'position'], (r) => [
      r.kind, r.districtId, r.active ? 1 : 0, typeof r.fields['name'] === 'string' ? r.fields['name'] : null, r.position,
    ]);
    return {
      apply(event: RecordedEvent): void {
        const kind = KINDS.find((k) => event.streamId.startsWith(`${k}-`));
        if (!kind) return;
        // kinds share one table: key by stream id, which carries the kind
        const key = event.streamId;
        const current = docs.get(key);
        if (current && event.position <= current.position) return;
        const next = evolveEntity(current, event.revision, { type: event.type, data: event.data } as unknown as RosterEvent);
        if (next) docs.put(key, { ...next, kind, districtId: current?.districtId ?? factsOf(event).districtId, position: event.position });
      },
      flush: () => docs.flush(),
      reset: () => docs.reset(),
    };
  },
};
