import { SyncEventIds } from './sync-event-ids';

const UUID_V8 = /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('SyncEventIds', () => {
  it('hands out UUIDs (version 8, RFC 9562 variant) that an event store accepts as event ids', () => {
    const ids = new SyncEventIds('sync-1');
    for (let i = 0; i < 5; i++) expect(ids.take()).toMatch(UUID_V8);
  });

  it('gives the same sync the same ids in the same order, and another sync other ids', () => {
    const take = (syncId: string, n: number) => {
      const ids = new SyncEventIds(syncId);
      return Array.from({ length: n }, () => ids.take());
    };
    expect(take('sync-1', 3)).toEqual(take('sync-1', 3));
    const mine = new Set(take('sync-1', 1000));
    expect(mine.size).toBe(1000);
    for (const id of take('sync-2', 1000)) expect(mine.has(id)).toBe(false);
  });

  it('sorts its ids as text in the order they were taken, past every hex digit boundary', () => {
    const ids = new SyncEventIds('sync-1');
    const taken = Array.from({ length: 70_000 }, () => ids.take());
    // the index of event ids compares text: one sync's events must go in at one end of its range
    expect([...taken].sort()).toEqual(taken);
  });
});
