import { InvalidInput } from '@roster-ledger/domain';
import type { EventStore } from '../ports/event-store.port';
import { ConcurrencyConflict, EventStoreUnavailable } from '../ports/event-store.errors';
import { SyncRecorder } from './sync-recorder';
import { syncFailed } from './sync-failures';

describe("a sync's failure, as its SyncFailed records it", () => {
  const clock = { now: () => new Date('2026-12-07T10:00:00.000Z') };
  const recorder = new SyncRecorder({} as EventStore, clock, 's1', 'clever-api', '2026-12-07T09:59:00.000Z', { revision: 0, districtId: 'd1' });
  const codeOf = (error: unknown) => (syncFailed(recorder, clock, error).data as { code: string }).code;

  it("keeps the event store's code: a ledger that was busy or full is no unexpected error", () => {
    expect(codeOf(new EventStoreUnavailable('the ledger is busy', '/data/ledger.db'))).toBe('EVENT_STORE_UNAVAILABLE');
    expect(codeOf(new ConcurrencyConflict('user-1', 3, 4))).toBe('CONCURRENCY_CONFLICT');
  });

  it('keeps where in the input a rule was broken, and records anything else as unexpected', () => {
    const failed = syncFailed(recorder, clock, new InvalidInput('the id is missing', { file: 'users.json', record: 3 }));
    expect(failed.data).toMatchObject({ syncId: 's1', districtId: 'd1', code: 'INVALID_INPUT', at: { file: 'users.json', record: 3 }, failedAt: '2026-12-07T10:00:00.000Z' });
    expect(codeOf(new Error('boom'))).toBe('UNEXPECTED_ERROR');
  });
});
