import { readdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';

/** A process of this machine that has a file open. */
export interface FileHolder {
  pid: number;
  /** Its command line, cut to a line's length. */
  command: string;
}

const LONGEST_COMMAND = 120;

/**
 * The other processes of this machine that have `path` open, found through Linux's /proc (each
 * process's open files are links under /proc/<pid>/fd). Only to name them to a person: on a
 * system without /proc, or for processes of another user, it finds none, so an empty answer
 * never means the file is free.
 */
export function processesHolding(path: string): FileHolder[] {
  let target: string;
  let pids: string[];
  try {
    target = realpathSync(path);
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name) && Number(name) !== process.pid);
  } catch {
    return [];
  }
  const holders: FileHolder[] = [];
  for (const pid of pids) {
    const fds = orElse(() => readdirSync(`/proc/${pid}/fd`), []);
    if (!fds.some((fd) => orElse(() => readlinkSync(`/proc/${pid}/fd/${fd}`), '') === target)) continue;
    const command = orElse(() => readFileSync(`/proc/${pid}/cmdline`, 'utf8'), '').split('\0').filter(Boolean).join(' ');
    holders.push({ pid: Number(pid), command: command.length > LONGEST_COMMAND ? `${command.slice(0, LONGEST_COMMAND - 3)}...` : command });
  }
  return holders;
}

/** What /proc lets us read: a process may end, or not be ours, between two reads. */
function orElse<T>(read: () => T, otherwise: T): T {
  try {
    return read();
  } catch {
    return otherwise;
  }
}
