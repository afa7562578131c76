import { spawn } from 'node:child_process';

/** What one measured step cost: wall time, peak resident memory, and what it printed. */
export interface Measured {
  wallSeconds: number;
  peakRssMb: number;
  stdout: string;
  stderr: string;
  status: number | null;
}

/**
 * Runs a command as its own process under GNU time, which reports the peak RSS of the process:
 * each benchmark step is measured alone, with the memory it really needed.
 */
export function measure(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn('/usr/bin/time', ['-f', '__PEAK_RSS_KB__=%M', command, ...args], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (status) => {
      const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
      const rss = /__PEAK_RSS_KB__=(\d+)/.exec(stderr);
      resolve({
        wallSeconds,
        peakRssMb: rss ? Math.round(Number(rss[1]) / 1024) : NaN,
        stdout,
        stderr: stderr.replace(/__PEAK_RSS_KB__=\d+\n?/, ''),
        status,
      });
    });
  });
}
