import { setTimeout as sleep } from 'node:timers/promises';
import type { SyncLock } from '../ports/sync-lock.port';
import { SyncAlreadyRunning } from '../errors/ledger-errors';
import { EventStoreBusy } from '../ports/event-store.errors';
import type { SyncHistory } from './sync-history';

/**
 * How long a sync waits for the one holding its district, when that one has recorded how it
 * ended and is only letting go: it saves the district's state first, seconds at a million
 * students (4 s on the machine of BENCHMARKS.md). Past it, the holder is refused as running.
 */
export const LETTING_GO_WAIT_MS = 20_000;
const POLL_MS = 25;

/** What a sync's record says once it has ended: its holder has nothing left to do but let go. */
const ENDED = new Set(['completed', 'failed', 'discarded']);

/**
 * Takes the district's lock for a sync (see SyncLock.acquire). A live holder whose sync has
 * recorded its outcome is waited for rather than refused: a script that reads one sync's outcome
 * and starts the next at once (from another process) must not be told a sync is running. A held
 * sync is not waited for: an approval of it holds the lock for as long as its append takes.
 * While waiting, the ledger busy with the holder's last writes (its state's save) is waited for too.
 * @returns the sync id of a dead holder that was taken over, or null (for recordInterruptedSyncs)
 * @throws SyncAlreadyRunning while another sync of the district runs, or one letting go has not
 *   within `waitMs`
 */
export async function acquireDistrict(lock: SyncLock, history: SyncHistory, districtId: string, syncId: string, waitMs = LETTING_GO_WAIT_MS): Promise<string | null> {
  const giveUpAt = Date.now() + waitMs;
  let waiting = false;
  for (;;) {
    try {
      return await lock.acquire(districtId, syncId);
    } catch (error) {
      const busy = error instanceof EventStoreBusy;
      const more = Date.now() < giveUpAt && (busy ? waiting : error instanceof SyncAlreadyRunning && error.runningSyncId !== null && (await lettingGo(history, error.runningSyncId)));
      if (!more) throw error;
      waiting = true;
      await sleep(POLL_MS);
    }
  }
}

async function lettingGo(history: SyncHistory, syncId: string): Promise<boolean> {
  const summary = await history.get(syncId).catch(() => null);
  return summary !== null && ENDED.has(summary.status);
}
