import type { QueryBus } from '@nestjs/cqrs';
import type { SyncSummary } from '@roster-ledger/domain';
import { GetSyncQuery, ListSyncsQuery } from '@roster-ledger/ledger';
import { interruptedSyncLines, interruptedSyncsFound } from './interrupted-syncs-found';
import { recentDistrictSyncs } from './recent-district-syncs';

const summary = (over: Partial<SyncSummary>): SyncSummary =>
  ({ syncId: 's', districtId: 'd1', status: 'completed', requestedBy: 'ada', startedAt: '2026-01-02T10:00:00.000Z', finishedAt: null, failure: null, ...over }) as SyncSummary;

/** A query bus that knows `mine` and lists `listed` as the district's syncs. */
const queries = (mine: SyncSummary, listed: SyncSummary[]): QueryBus =>
  ({
    execute: async (query: unknown) => {
      if (query instanceof GetSyncQuery) return mine;
      if (query instanceof ListSyncsQuery) return { items: [mine, ...listed], next: null };
      throw new Error('unexpected query');
    },
  }) as unknown as QueryBus;

describe('the syncs a sync found dead and recorded as interrupted', () => {
  const mine = summary({ syncId: 'mine', startedAt: '2026-01-02T10:00:00.000Z' });
  const interrupted = (syncId: string, foundBy: string) =>
    summary({ syncId, status: 'failed', startedAt: '2026-01-02T09:00:00.000Z', finishedAt: '2026-01-02T10:00:01.000Z', failure: { code: 'INTERRUPTED', reason: 'gone', foundBy } });

  it('are those of its district it recorded as INTERRUPTED, not ones another sync found nor other failures', async () => {
    const found = interruptedSyncsFound(
      await recentDistrictSyncs(queries(mine, [
        interrupted('taken-over', 'mine'),
        interrupted('found-by-another', 'other'),
        summary({ syncId: 'unlocked', status: 'failed', finishedAt: '2026-01-02T10:00:01.000Z', failure: { code: 'INTERRUPTED', reason: 'released by ada' } }),
        summary({ syncId: 'bad-file', status: 'failed', finishedAt: '2026-01-02T10:00:02.000Z', failure: { code: 'INVALID_INPUT', reason: 'bad' } }),
      ]), 'mine'),
    );
    expect(found.map((s) => s.syncId)).toEqual(['taken-over']);
    expect(interruptedSyncLines(found)).toEqual([
      '  Sync taken-over (started 2026-01-02T09:00:00.000Z by ada) had stopped unfinished, its process gone: recorded as failed (INTERRUPTED); nothing of it was applied.',
    ]);
  });

  it('are none when the ledger cannot say (a sync that never named its district, a failing query)', async () => {
    expect(await recentDistrictSyncs(queries(summary({ syncId: 'mine', districtId: null }), []), 'mine')).toBeNull();
    expect(await recentDistrictSyncs({ execute: () => Promise.reject(new Error('locked')) } as unknown as QueryBus, 'mine')).toBeNull();
    expect(interruptedSyncsFound(null)).toEqual([]);
  });
});
