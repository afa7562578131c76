import { EventStoreBusy } from '../ports/event-store.errors';
import { SyncAlreadyRunning } from '../errors/ledger-errors';
import type { SyncLock } from '../ports/sync-lock.port';
import { acquireDistrict } from './district-lock';
import type { SyncHistory } from './sync-history';

describe('acquireDistrict', () => {
  /** A lock that gives, in turn, each of `answers` (an error thrown), then the district. */
  const lockAnswering = (...answers: Error[]): SyncLock & { tries: number } => {
    const lock = {
      tries: 0,
      async acquire(): Promise<string | null> {
        const answer = answers[lock.tries];
        lock.tries += 1;
        if (answer !== undefined) throw answer;
        return null;
      },
    };
    return lock as unknown as SyncLock & { tries: number };
  };
  const busy = () => new EventStoreBusy('SQLite ledger x is locked by another connection (SQLITE_BUSY)');
  const heldBy = () => new SyncAlreadyRunning('d1', 'earlier');
  /** The earlier sync has recorded its outcome: its process is only letting go. */
  const earlierEnded = { get: async () => ({ status: 'completed' }) } as unknown as SyncHistory;

  it('waits for a holder letting go, and for the ledger busy with its last writes meanwhile, then takes the district', async () => {
    const lock = lockAnswering(heldBy(), busy(), busy(), heldBy());
    await expect(acquireDistrict(lock, earlierEnded, 'd1', 's1', 5_000)).resolves.toBeNull();
    expect(lock.tries).toBe(5);
  });

  it('says a busy ledger at once when it is not waiting for a holder (the store waited its own busy timeout)', async () => {
    const lock = lockAnswering(busy());
    await expect(acquireDistrict(lock, earlierEnded, 'd1', 's1', 5_000)).rejects.toBeInstanceOf(EventStoreBusy);
    expect(lock.tries).toBe(1);
  });

  it('does not wait through another failure while waiting', async () => {
    const lock = lockAnswering(heldBy(), new Error('disk I/O error'));
    await expect(acquireDistrict(lock, earlierEnded, 'd1', 's1', 5_000)).rejects.toThrow('disk I/O error');
    expect(lock.tries).toBe(2);
  });
});
