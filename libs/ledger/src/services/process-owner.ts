import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { SyncOwner } from '@roster-ledger/domain';

/** This process, as the owner of work other processes sharing the ledger file must not repeat. */
export function thisProcess(): SyncOwner {
  // (a forked child has a pid of its own: the start is looked up again for it)
  if (myStart === undefined || myStart.pid !== process.pid) myStart = { pid: process.pid, started: startOf(process.pid) };
  const { started } = myStart;
  return started === null ? { pid: process.pid, host: hostname() } : { pid: process.pid, host: hostname(), started };
}
let myStart: { pid: number; started: string | null } | undefined;

/**
 * Whether an owner may still be at work: a process of this machine that exists (EPERM: it exists
 * but is not ours) and, when the owner's start is known, started then (not a later process given
 * the same id). A process on another host cannot be checked from here: it counts as alive.
 * The embedded ledger is one machine's, so that case is a file moved between machines.
 */
export function ownerAlive(owner: SyncOwner): boolean {
  if (owner.host !== hostname()) return true;
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (!owner.started) return true;
  const started = startOf(owner.pid);
  return started === null || started === owner.started;
}

/** Whether `owner` is a process other than this one that may still be at work (see ownerAlive). */
export function liveElsewhere(owner: SyncOwner | null): owner is SyncOwner {
  if (owner === null) return false;
  return !sameProcess(owner, thisProcess()) && ownerAlive(owner);
}

/** Whether two owners are one process (by id and host, and by start when both know it). */
export function sameProcess(a: SyncOwner, b: SyncOwner): boolean {
  return a.pid === b.pid && a.host === b.host && (!a.started || !b.started || a.started === b.started);
}

/**
 * When a process started, as `<boot id>:<clock ticks since boot>` (Linux's /proc), or null where
 * the system does not say. The boot id tells a process of the same id and start after a reboot.
 */
function startOf(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the fields after the command (in parentheses, which may hold spaces): state is the 3rd, starttime the 22nd
    const starttime = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    if (starttime === undefined) return null;
    return `${bootId()}:${starttime}`;
  } catch {
    return null;
  }
}

let boot: string | undefined;
function bootId(): string {
  boot ??= readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  return boot;
}
