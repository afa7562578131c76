import { hostname } from 'node:os';
import type { SyncOwner } from '@roster-ledger/domain';

/** This process, as the owner of work other processes sharing the ledger file must not repeat. */
export function thisProcess(): SyncOwner {
  return { pid: process.pid, host: hostname() };
}

/**
 * Whether an owner may still be at work: a process of this machine that exists (EPERM: it exists
 * but is not ours). A process on another host cannot be checked from here: it counts as alive.
 * The embedded ledger is one machine's, so that case is a file moved between machines.
 */
export function ownerAlive(owner: SyncOwner): boolean {
  if (owner.host !== hostname()) return true;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether `owner` is a process other than this one that may still be at work (see ownerAlive). */
export function liveElsewhere(owner: SyncOwner | null): owner is SyncOwner {
  if (owner === null) return false;
  const me = thisProcess();
  return (owner.pid !== me.pid || owner.host !== me.host) && ownerAlive(owner);
}
