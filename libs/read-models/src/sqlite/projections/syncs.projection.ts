import { evolveSyncSummary, type RecordedSyncEvent, type SyncSummary } from '@roster-ledger/domain';
import type { RecordedEvent } from '@roster-ledger/ledger';
import { DocTable } from '../doc-table';
import type { Db } from '../read-model-database';
import type { ProjectionWriter, SqliteProjection, TableNamer } from '../sqlite-projection';

type SyncRow = SyncSummary & { position: number };

/** syncs: one row per sync: its status, counts, holds and failure. */
export const syncsProjection: SqliteProjection = {
  name: 'syncs',
  rebuildWeight: 0.5,
  description: 'one row per sync: status, counts per event type, holds, failures',
  tables: ['syncs'],
  // 2: a sync's finishedAt is when the ledger recorded the event that ended it (see evolveSyncSummary)
  contentVersion: 2,
  create(db: Db, t: TableNamer): void {
    db.exec(`
      CREATE TABLE IF NOT EXISTS ${t('syncs')} (
        id TEXT PRIMARY KEY, district_id TEXT, status TEXT NOT NULL, started_at TEXT NOT NULL, position INTEGER NOT NULL, doc TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS ${t('syncs')}_started ON ${t('syncs')} (started_at);
    `);
  },
  writer(db: Db, t: TableNamer): ProjectionWriter {
    const docs = new DocTable<SyncRow>(db, t('syncs'), ['district_id', 'status', 'started_at', 'position'], (s) => [s.districtId, s.status, s.startedAt, s.position]);
    return {
      apply(event: RecordedEvent): void {
        if (!event.streamId.startsWith('sync-')) return;
        const id = event.streamId.slice('sync-'.length);
        const current = docs.get(id);
        if (current && event.position <= current.position) return;
        const next = evolveSyncSummary(current ?? null, { type: event.type, data: event.data, recordedAt: event.recordedAt } as unknown as RecordedSyncEvent);
        if (next) docs.put(id, Object.assign(next, { position: event.position }));
      },
      flush: () => docs.flush(),
      reset: () => docs.reset(),
    };
  },
};
