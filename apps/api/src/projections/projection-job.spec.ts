import { EventStoreUnavailable, UnknownProjection } from '@roster-ledger/ledger';
import { jobFailure } from './projection-job';

describe("a projection job's failure, as its worker reports it", () => {
  it('passes on a deliberate error by its code, the event store port\'s among them', () => {
    expect(jobFailure(new UnknownProjection('nope', ['accounts']))).toMatchObject({ type: 'failed', code: 'UNKNOWN_PROJECTION' });
    expect(jobFailure(new EventStoreUnavailable('the ledger is busy'))).toEqual({ type: 'failed', code: 'EVENT_STORE_UNAVAILABLE', message: 'the ledger is busy' });
  });

  it("reports SQLite's or the system's own error as unexpected, not under their code (which the server would then show the client)", () => {
    const full = Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
    expect(jobFailure(full)).toEqual({ type: 'failed', code: 'UNEXPECTED_ERROR', message: 'database or disk is full' });
    expect(jobFailure(Object.assign(new Error('no space left on device'), { code: 'ENOSPC' })).code).toBe('UNEXPECTED_ERROR');
  });
});
