import { spawn } from 'node:child_process';
import { cpuCounters, shareBetween, type MachineShare } from './machine-share';

/** What one measured step cost: wall time, CPU time, peak resident memory, and what it printed. */
export interface Measured {
  wallSeconds: number;
  /** User and system CPU time of the process and its threads. */
  cpuSeconds: number;
  peakRssMb: number;
  /** What the machine did meanwhile (null where it cannot be read). */
  machine: MachineShare | null;
  stdout: string;
  stderr: string;
  status: number | null;
}

/**
 * Runs a command as its own process under GNU time, which reports the peak RSS and CPU time of
 * the process: each benchmark step is measured alone, with the memory it really needed.
 */
export function measure(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const countersBefore = cpuCounters();
    const child = spawn('/usr/bin/time', ['-f', '__PEAK_RSS_KB__=%M __CPU_SECONDS__=%U %S', command, ...args], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (status) => {
      const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
      const report = /__PEAK_RSS_KB__=(\d+) __CPU_SECONDS__=([\d.]+) ([\d.]+)\n?/.exec(stderr);
      resolve({
        wallSeconds,
        cpuSeconds: report ? Math.round((Number(report[2]) + Number(report[3])) * 10) / 10 : NaN,
        peakRssMb: report ? Math.round(Number(report[1]) / 1024) : NaN,
        machine: shareBetween(countersBefore, cpuCounters(), wallSeconds),
        stdout,
        stderr: report ? stderr.replace(report[0], '') : stderr,
        status,
      });
    });
  });
}
