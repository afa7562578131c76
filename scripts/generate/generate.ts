import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { deriveChurn } from './churn';
import { planDistrict } from './district-plan';
import { deriveRollover } from './rollover';
import { writeSnapshot } from './write-snapshot';
import type { FileSummary } from './write-snapshot';

export interface GenerateOptions {
  students: number;
  seed: string;
  /** Folder of the base snapshot. */
  out: string;
  /** Folder of the next day's snapshot (about 1% changes), if wanted. */
  churn?: string;
  /** Folder of the next term's snapshot (enrollments reshuffled), if wanted: it follows the churn's day when there is one. */
  rollover?: string;
}

export interface FolderSummary {
  folder: string;
  snapshot: 'base' | 'churn' | 'rollover';
  files: FileSummary[];
  bytes: number;
  seconds: number;
  /** Peak resident set size of the process so far. */
  peakRssBytes: number;
}

/**
 * Generates a district's base snapshot and, if asked, its churn and rollover snapshots. The same
 * options always give the same bytes; the base does not depend on whether churn or rollover is
 * asked. The snapshots are days of one district in this order: base, churn (the next day),
 * rollover (the new term). So with `churn` the rollover starts from the churn's day, not the
 * base's: imported in that order, it does not undo the churn's changes.
 */
export async function generateDistrict(options: GenerateOptions): Promise<FolderSummary[]> {
  const summaries: FolderSummary[] = [];
  const out = resolve(options.out);
  const timed = async (snapshot: FolderSummary['snapshot'], folder: string, run: () => Promise<FileSummary[]>) => {
    const started = performance.now();
    const files = await run();
    summaries.push({
      folder,
      snapshot,
      files,
      bytes: files.reduce((total, file) => total + file.bytes, 0),
      seconds: (performance.now() - started) / 1000,
      peakRssBytes: process.resourceUsage().maxRSS * 1024,
    });
  };

  // Planning the district is part of the base's time.
  const started = performance.now();
  const base = planDistrict(options.students, options.seed);
  const planSeconds = (performance.now() - started) / 1000;
  await timed('base', out, () => writeSnapshot(base, out));
  const first = summaries[0];
  if (first !== undefined) first.seconds += planSeconds;
  let last = { state: base, folder: out };
  if (options.churn !== undefined) {
    const folder = resolve(options.churn);
    const churn = deriveChurn(base);
    await timed('churn', folder, () => writeSnapshot(churn, folder));
    last = { state: churn, folder };
  }
  if (options.rollover !== undefined) {
    const folder = resolve(options.rollover);
    const previous = last;
    // A rollover changes no user, school or course: those files are the previous snapshot's, byte for byte.
    await timed('rollover', folder, () =>
      writeSnapshot(deriveRollover(previous.state), folder, { reuse: { folder: previous.folder, files: ['users.json', 'schools.json', 'courses.json'] } }),
    );
  }
  return summaries;
}
