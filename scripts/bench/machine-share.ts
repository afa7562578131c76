import { readFileSync } from 'node:fs';

/** The kernel's CPU counters for the whole machine (the `cpu` line of /proc/stat), in clock ticks. */
export interface CpuCounters {
  /** Ticks the guest ran anything: user, nice, system, irq, softirq. */
  busy: number;
  /** Ticks with nothing to run: idle and iowait. */
  idle: number;
  /** Ticks a virtual CPU wanted to run and the hypervisor ran another guest instead. */
  steal: number;
}

/** What the machine did while a step ran, besides the step itself. */
export interface MachineShare {
  /** Share of the machine's CPU time the hypervisor took for other guests (0-100). */
  stealPercent: number;
  /** Cores busy on average, whoever ran on them (the step, its threads, anything else). */
  busyCores: number;
}

/** Parses the `cpu` line of /proc/stat; null when the text has none. */
export function parseCpuCounters(procStat: string): CpuCounters | null {
  const line = procStat.split('\n').find((l) => l.startsWith('cpu '));
  if (line === undefined) return null;
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = line.trim().split(/\s+/).slice(1).map(Number);
  return { busy: user + nice + system + irq + softirq, idle: idle + iowait, steal };
}

/** The machine's counters now; null where there is no /proc/stat (not Linux). */
export function cpuCounters(): CpuCounters | null {
  try {
    return parseCpuCounters(readFileSync('/proc/stat', 'utf8'));
  } catch {
    return null;
  }
}

/**
 * The machine's share between two readings taken `seconds` apart. On a virtual machine whose
 * host is busy, a step's wall time grows with the steal: two runs of the same code here differed
 * by half, and the steal is what tells a slow hour from slow code.
 */
export function shareBetween(before: CpuCounters | null, after: CpuCounters | null, seconds: number, ticksPerSecond = 100): MachineShare | null {
  if (before === null || after === null || seconds <= 0) return null;
  const busy = after.busy - before.busy;
  const total = busy + (after.idle - before.idle) + (after.steal - before.steal);
  if (total <= 0) return null;
  return {
    stealPercent: Math.round(((after.steal - before.steal) / total) * 1000) / 10,
    busyCores: Math.round((busy / ticksPerSecond / seconds) * 100) / 100,
  };
}
