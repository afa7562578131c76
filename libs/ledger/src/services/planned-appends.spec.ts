import { randomUUID } from 'node:crypto';
import type { StreamChange } from '@roster-ledger/domain';
import type { EventStore } from '../ports/event-store.port';
import { plannedAppends } from './planned-appends';
import { SyncRecorder } from './sync-recorder';

describe('plannedAppends: the appends that record a diff, with each event its metadata', () => {
  const recorder = new SyncRecorder({} as EventStore, { now: () => new Date('2025-01-02T03:04:05.000Z') }, 'sync-1', 'snapshot', '2025-01-02T03:04:00.000Z', {
    revision: null,
    districtId: 'd1',
  });
  const event = (over: { cleverLastModified?: string; cleverEventId?: string; removedAsOf?: string }) => ({ id: randomUUID(), type: 'StudentUpdated', data: { id: 'u1' }, ...over });

  it("gives each event the sync's metadata with its own Clever clock, event and removal time", () => {
    const change = {
      streamId: 'user-u1',
      expectedRevision: 3,
      events: [
        event({ cleverLastModified: '2024-01-01T00:00:00.000Z' }),
        event({ cleverLastModified: '2024-01-01T00:00:00.000Z' }),
        event({ cleverLastModified: '2024-02-01T00:00:00.000Z', cleverEventId: 'e9' }),
        event({ removedAsOf: '2025-01-02T03:04:00.000Z' }),
        event({}),
      ],
    } as unknown as StreamChange;
    const [append] = plannedAppends(recorder, [change]);
    const own = append!.events.map(({ metadata }) => [metadata['cleverLastModified'], metadata['cleverEventId'], metadata['removedAsOf'], metadata['syncId']]);
    expect(own).toEqual([
      ['2024-01-01T00:00:00.000Z', undefined, undefined, 'sync-1'],
      ['2024-01-01T00:00:00.000Z', undefined, undefined, 'sync-1'],
      ['2024-02-01T00:00:00.000Z', 'e9', undefined, 'sync-1'],
      [undefined, undefined, '2025-01-02T03:04:00.000Z', 'sync-1'],
      [undefined, undefined, undefined, 'sync-1'],
    ]);
    expect(append!.events.map((e) => e.data)).toEqual(change.events.map((e) => e.data));
    expect(append).toMatchObject({ streamId: 'user-u1', expectedRevision: 3 });
  });
});
