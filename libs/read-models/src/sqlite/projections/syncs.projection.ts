import { evolveSyncSummary, SYNC_SUMMARY_VERSION, type RecordedSyncEvent, type SyncSummary } from '@roster-ledger/domain';
import type { RecordedEvent } from '@roster-ledger/ledger';
import { DocTable } from '../doc-table';
import type { Db } from '../read-model-database';
import type { ProjectionWriter, SqliteProjection, TableNamer } from '../sqlite-projection';

/** A sync's document: its summary, the log position of its first event, and of the last one folded. */
export type SyncRow = SyncSummary & { firstPosition: number; position: number };

/**
 * syncs: one row per sync: its status, counts, holds and failure. The list of syncs every sync
 * consults (a held sync of its district, syncs whose process died, the last files) is read from
 * it, with the sync events past its checkpoint folded on top (see SyncHistory): so its indexes
 * answer those questions, newest first.
 */
export const syncsProjection: SqliteProjection = {
  name: 'syncs',
  rebuildWeight: 0.5,
  description: 'one row per sync: status, counts per event type, holds, failures',
  tables: ['syncs'],
  // what it folds is the sync events: a new version of it (a summary with a new field) reads them
  // alone, in seconds, not the whole log
  category: 'sync',
  // a summary's fields and fold are versioned with the summary itself
  contentVersion: SYNC_SUMMARY_VERSION,
  create(db: Db, t: TableNamer): void {
    db.exec(`
      CREATE TABLE IF NOT EXISTS ${t('syncs')} (
        id TEXT PRIMARY KEY, district_id TEXT, status TEXT NOT NULL, source TEXT NOT NULL, started_at TEXT NOT NULL,
        first_position INTEGER NOT NULL, position INTEGER NOT NULL, doc TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS ${t('syncs')}_first ON ${t('syncs')} (first_position);
      CREATE INDEX IF NOT EXISTS ${t('syncs')}_district ON ${t('syncs')} (district_id, first_position);
      CREATE INDEX IF NOT EXISTS ${t('syncs')}_status ON ${t('syncs')} (status, district_id, first_position);
    `);
  },
  writer(db: Db, t: TableNamer): ProjectionWriter {
    const docs = new DocTable<SyncRow>(db, t('syncs'), ['district_id', 'status', 'source', 'started_at', 'first_position', 'position'], (s) => [
      s.districtId,
      s.status,
      s.source,
      s.startedAt,
      s.firstPosition,
      s.position,
    ]);
    return {
      apply(event: RecordedEvent): void {
        if (!event.streamId.startsWith('sync-')) return;
        const id = event.streamId.slice('sync-'.length);
        const current = docs.get(id);
        if (current && event.position <= current.position) return;
        const next = evolveSyncSummary(current ?? null, { type: event.type, data: event.data, recordedAt: event.recordedAt } as unknown as RecordedSyncEvent);
        if (next) docs.put(id, Object.assign(next, { firstPosition: current?.firstPosition ?? event.position, position: event.position }));
      },
      flush: () => docs.flush(),
      reset: () => docs.reset(),
    };
  },
};
