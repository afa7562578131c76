import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import type { SyncOwner } from '@roster-ledger/domain';

/** This process, as the owner of work other processes sharing the ledger file must not repeat. */
export function thisProcess(): SyncOwner {
  // (a forked child has a pid of its own: the start is looked up again for it). The host name is
  // the one this process first gave: a name changed while it runs must not leave the rows it
  // noted under the old one unreleased (a release deletes only rows of this owner's name)
  if (me === undefined || me.pid !== process.pid) {
    const started = startOf(process.pid);
    me = started === null ? { pid: process.pid, host: hostname() } : { pid: process.pid, host: hostname(), started };
  }
  return { ...me };
}
let me: SyncOwner | undefined;

/**
 * Whether an owner may still be at work: a process of this machine that exists (EPERM: it exists
 * but is not ours), has not ended (a zombie, killed but not yet reaped by its parent, as where
 * node runs as a container's first process, can do no more work and holds no lock) and, when the owner's start is known and can be checked from here, started
 * then (not a later process given the same id after the owner died, or after a reboot). A process
 * on another host, or in another process-id namespace (another container sharing the ledger's
 * volume and host name), cannot be checked from here: it counts as alive. The embedded ledger is
 * one machine's, so that case is a file shared or moved between machines.
 */
export function ownerAlive(owner: SyncOwner): boolean {
  if (!canLookUp(owner)) return true;
  const noted = owner.started === undefined ? null : parseStart(owner.started, owner.pid);
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (ended(owner.pid)) return false;
  if (noted === null) return true;
  const started = startOf(owner.pid);
  return started === null || started === owner.started;
}

/**
 * Whether `owner` is a process this one can look up (of this host and process-id namespace) and
 * finds alive: the one case where its id alone says it is at work. A process of another host or
 * container is told by the lock file of its work instead (see the SQLite adapters' LockFiles).
 */
export function ownerSeenAlive(owner: SyncOwner): boolean {
  return canLookUp(owner) && ownerAlive(owner);
}

/** Whether `owner` is a process of this host and of this process-id namespace (when its start tells one), whose id means the same here. */
function canLookUp(owner: SyncOwner): boolean {
  if (owner.host !== hostname()) return false;
  const noted = owner.started === undefined ? null : parseStart(owner.started, owner.pid);
  return noted === null || noted.namespace === namespace();
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

/** Whether a process has ended and waits only to be reaped (state Z, zombie, or X, dead), as /proc says; false where it does not say. */
function ended(pid: number): boolean {
  const state = statFields(pid)?.[0];
  return state === 'Z' || state === 'X';
}

/** The fields of /proc/<pid>/stat after the command (in parentheses, which may hold spaces), from the state on; null where there are none to read. */
function statFields(pid: number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/**
 * When a process started, as `<pid>/<pid namespace>/<boot id>/<clock ticks since boot>` (Linux's
 * /proc), or null where the system does not say. The boot id tells a process of the same id and
 * ticks after a reboot; the pid in it, a start noted for another process (by a release that did
 * not note starts, beside one that does) from this one's.
 */
function startOf(pid: number): string | null {
  // state is the stat's 3rd field, starttime its 22nd
  const ticks = statFields(pid)?.[19];
  const space = namespace();
  if (ticks === undefined || space === null) return null;
  try {
    return `${pid}/${space}/${bootId()}/${ticks}`;
  } catch {
    return null;
  }
}

/** A noted start's namespace, when it is one of `pid`'s in this format; null otherwise (not to be checked). */
function parseStart(started: string, pid: number): { namespace: string } | null {
  const parts = started.split('/');
  return parts.length === 4 && parts[0] === String(pid) ? { namespace: parts[1]! } : null;
}

let boot: string | undefined;
function bootId(): string {
  boot ??= readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  return boot;
}

let pidNamespace: string | null | undefined;
/** This process's process-id namespace (`pid:[4026531836]` for the machine's own), whose ids /proc shows; null where there is none to read. */
function namespace(): string | null {
  if (pidNamespace === undefined) {
    try {
      pidNamespace = readlinkSync('/proc/self/ns/pid');
    } catch {
      pidNamespace = null;
    }
  }
  return pidNamespace;
}
