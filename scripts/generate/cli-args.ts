import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { GenerateOptions } from './generate';
import { SNAPSHOT_FILES } from './write-snapshot';

export const USAGE = `Usage: generate-district --students N --seed S --out <folder> [--churn <folder>] [--rollover <folder>] [--replace] [--json]

Writes a generated Clever v3.0 snapshot (districts, schools, terms, courses, users, sections .json).
  --students N        number of students (1 to 10,000,000)
  --seed S            any text; the same seed and N give the same bytes
  --out <folder>      the base snapshot
  --churn <folder>    also the next day's snapshot (about 1% changes of every kind)
  --rollover <folder> also the next term's snapshot (enrollments reshuffled, new sections, spring term),
                      after the churn's day when --churn is given: import base, churn, rollover in that order
  --replace           write over the snapshot files a folder already holds (refused otherwise: it may be a real district's)
  --json              print the summary as JSON on stdout instead of lines on stderr`;

/** A user's mistake on the command line: printed with the usage, exit code 2. */
export class UsageError extends Error {}

export interface CliOptions extends GenerateOptions {
  json: boolean;
  help: boolean;
}

/** Above ~16.7M users the 24-bit ObjectID counter would wrap. */
const MAX_STUDENTS = 10_000_000;

export function parseCliArgs(argv: readonly string[]): CliOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        students: { type: 'string' },
        seed: { type: 'string' },
        out: { type: 'string' },
        churn: { type: 'string' },
        rollover: { type: 'string' },
        replace: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const help = values.help === true;
  if (help) return { help, json: false, students: 0, seed: '', out: '' };
  const students = Number((values.students ?? '').replace(/_/g, ''));
  if (!Number.isInteger(students) || students < 1 || students > MAX_STUDENTS) {
    throw new UsageError(`--students must be a whole number from 1 to ${MAX_STUDENTS.toLocaleString('en-US')}, got ${values.students ?? 'nothing'}`);
  }
  if (values.seed === undefined || values.seed === '') throw new UsageError('--seed is required');
  if (values.out === undefined || values.out === '') throw new UsageError('--out is required');
  const folders = [values.out, values.churn, values.rollover].filter((folder): folder is string => folder !== undefined);
  if (new Set(folders.map((folder) => resolve(folder))).size !== folders.length) throw new UsageError('--out, --churn and --rollover must be different folders');
  if (values.replace !== true) {
    for (const folder of folders) {
      const held = SNAPSHOT_FILES.filter((file) => existsSync(join(folder, file)));
      if (held.length > 0) throw new UsageError(`${folder} already holds ${held.join(', ')}: give --replace to write over them`);
    }
  }
  return {
    help,
    json: values.json === true,
    students,
    seed: values.seed,
    out: values.out,
    ...(values.churn === undefined ? {} : { churn: values.churn }),
    ...(values.rollover === undefined ? {} : { rollover: values.rollover }),
  };
}
