import type { SyncSummary } from '@roster-ledger/domain';
import type { StreamAppend } from '../ports/event-store.port';
import type { PendingChangeStore } from '../ports/pending-change-store.port';
import type { AccessLog, ReadModels } from '../ports/read-models.port';
import type { SyncHistory } from '../services/sync-history';
import { GetPendingChangesHandler } from './pending-changes.handler';
import { GetPendingChangesQuery } from './pending-changes.query';

/**
 * Paging through a large held sync reads its change set once: each page starts at an append it
 * remembered near its cursor, not at the first event (a rollover's set holds millions).
 */
describe('GetPendingChangesHandler', () => {
  // 3,000 appends of 20 events each: 60,000 events, SectionShared on every 20th
  const appends: StreamAppend[] = Array.from({ length: 3_000 }, (_, a) => ({
    streamId: `section-s${a}`,
    expectedRevision: 'no_stream',
    events: Array.from({ length: 20 }, (_, e) => ({
      id: `${a}.${e}`,
      type: e === 0 ? 'SectionShared' : 'StudentEnrolled',
      data: { sectionId: `s${a}`, studentId: `u${e}` },
      metadata: { syncId: 'sync-1' },
    })),
  }));
  let status: SyncSummary['status'] = 'held';
  let appendsRead = 0;
  const pending: Partial<PendingChangeStore> = {
    has: async () => true,
    *read(_syncId: string, fromAppend = 0) {
      for (const append of appends.slice(fromAppend)) {
        appendsRead++;
        yield append;
      }
    },
  };
  const history = { get: async () => ({ status, districtId: 'd1', pending: 60_000 }) } as unknown as SyncHistory;
  const models: Partial<ReadModels> = { accountNames: async () => [], classNames: async () => [], names: async () => [] };
  const log: Partial<AccessLog> = { record: async () => undefined };
  const handler = new GetPendingChangesHandler(history, pending as PendingChangeStore, models as ReadModels, log as AccessLog, { now: () => new Date() });
  const page = (after: number | undefined, types?: string[]) =>
    handler.execute(new GetPendingChangesQuery('sync-1', { name: 'e', role: 'engineer', via: 'GET /syncs/:id/pending' }, { after, types, limit: 100 }));

  beforeEach(() => {
    status = 'held';
    appendsRead = 0;
  });

  it('gives every change once, in order, paging through the set, and reads each append about once', async () => {
    const seen: number[] = [];
    for (let after: number | undefined; ; ) {
      const { items, next } = await page(after, ['SectionShared']);
      seen.push(...items.map((c) => c.index));
      if (next === null) break;
      after = Number(next);
    }
    expect(seen).toEqual(appends.map((_, a) => a * 20 + 1));
    // 30 pages: read from the start each, they would have read about 45,000 appends
    expect(appendsRead).toBeLessThan(appends.length * 2);
  });

  it('starts a page at any index given, within an append too', async () => {
    await page(undefined); // reads the first page only
    const deep = await page(59_990, undefined);
    expect(deep.items.map((c) => c.index)).toEqual([59_991, 59_992, 59_993, 59_994, 59_995, 59_996, 59_997, 59_998, 59_999, 60_000]);
    const within = await page(12_345, ['SectionShared']);
    expect(within.items[0]).toMatchObject({ index: 12_361, streamId: 'section-s618' });
    expect(within.items.slice(0, 2).map((c) => c.index)).toEqual([12_361, 12_381]);
  });

  it('refuses an index past the last change of the set, which ends no page of it, and takes the last one', async () => {
    await expect(page(60_001)).rejects.toMatchObject({
      rule: '60001 is past the last change of held sync sync-1 (its index is 60000): give the next of one of its pages, or leave it out for the first',
      at: { field: 'after' },
    });
    await expect(page(99_999_999, ['SectionShared'])).rejects.toThrow(/past the last change of held sync sync-1/);
    expect(await page(60_000)).toMatchObject({ items: [], next: null });
    // past the last change of the types asked for, not past the set: an empty page
    expect(await page(59_990, ['SectionShared'])).toMatchObject({ items: [], next: null });
  });

  it('forgets a sync once it is no longer held, and reads it from the start when held again', async () => {
    await page(59_000);
    status = 'completed';
    await expect(page(59_000)).rejects.toMatchObject({ code: 'SYNC_NOT_HELD' });
    status = 'held';
    appendsRead = 0;
    await page(59_000);
    expect(appendsRead).toBeGreaterThan(2_950);
  });
});
