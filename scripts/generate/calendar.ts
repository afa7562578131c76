import type { Prng } from './prng';

/**
 * Every date in the output comes from these fixed points, never from the clock, so that a seed
 * always gives the same bytes. The base snapshot is a daily sync in the middle of the fall term
 * of school year 2025-2026; the churn snapshot is the next day's; the rollover snapshot is the
 * first sync of the spring term.
 */
export const BASE_SNAPSHOT_MS = Date.UTC(2025, 9, 15, 6, 0, 0);
export const CHURN_SNAPSHOT_MS = BASE_SNAPSHOT_MS + 86_400_000;
export const ROLLOVER_SNAPSHOT_MS = Date.UTC(2026, 1, 2, 6, 0, 0);

/** The calendar year in which this school year's kindergarteners were born (cut-off 31 December, as in NYC). */
const KINDERGARTEN_BIRTH_YEAR = 2020;
/** The class of 2026 is in grade 12 this year. */
const SENIOR_GRADUATION_YEAR = 2026;

/** When each kind's records were created in Clever (their ids carry these times). */
export const CREATED = {
  district: Date.UTC(2017, 7, 1, 14, 0, 0),
  schools: [Date.UTC(2017, 7, 2, 14, 0, 0), Date.UTC(2017, 7, 2, 18, 0, 0)],
  // Users: a bulk import when the district joined Clever, then each year's arrivals; sections and
  // courses at the start of this school year.
  users: [Date.UTC(2018, 6, 1), Date.UTC(2025, 8, 1)],
  courses: [Date.UTC(2025, 7, 20, 3, 0, 0), Date.UTC(2025, 7, 20, 4, 0, 0)],
  terms: Date.UTC(2025, 7, 20, 2, 0, 0),
  sections: [Date.UTC(2025, 7, 25, 2, 0, 0), Date.UTC(2025, 8, 2, 2, 0, 0)],
} as const;

/** Two terms a school year. Sections of the base snapshot are in the first, those after the rollover in the second. */
export const TERMS = [
  { name: 'Fall 2025', start: '2025-09-04', end: '2026-01-27' },
  { name: 'Spring 2026', start: '2026-01-28', end: '2026-06-26' },
] as const;
export const FALL_TERM = 0;
export const SPRING_TERM = 1;

/** Clever's timestamp form, ISO-8601 UTC with milliseconds. */
export function isoTimestamp(ms: number): string {
  return new Date(ms).toISOString();
}

/** A date packed as YYYYMMDD in one int, so a million of them fit an Int32Array. */
export function packDate(year: number, month: number, day: number): number {
  return year * 10_000 + month * 100 + day;
}

/** Clever's `M/D/YYYY` without zero padding (clever-data.md §0.9). */
export function cleverDob(packed: number): string {
  const year = Math.floor(packed / 10_000);
  const month = Math.floor(packed / 100) % 100;
  const day = packed % 100;
  return `${month}/${day}/${year}`;
}

/**
 * A date of birth that fits the grade (0 = kindergarten): the grade's birth year, a year earlier
 * for the ~5% held back, a year later for the ~1% who skipped ahead.
 */
export function drawDob(grade: number, prng: Prng): number {
  const roll = prng.float();
  const offset = roll < 0.05 ? -1 : roll < 0.06 ? 1 : 0;
  const year = KINDERGARTEN_BIRTH_YEAR - grade + offset;
  const date = new Date(Date.UTC(year, 0, 1 + prng.int(365)));
  return packDate(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate());
}

/**
 * When a student's Clever record was created: most in the fall they entered kindergarten (or at
 * the district's first import, for those who entered before it), one in five later, as a transfer.
 * So ids roughly follow cohorts, as a real district's do.
 */
export function drawStudentCreatedMs(grade: number, prng: Prng): number {
  const [firstImport, latest] = CREATED.users;
  const entered = Date.UTC(SENIOR_GRADUATION_YEAR - 1 - grade, 7, 15);
  const from = Math.max(entered, firstImport);
  if (prng.chance(0.2)) return from + Math.floor(prng.float() * (latest - from));
  return from + Math.floor(prng.float() * 60 * 86_400_000);
}

/** Staff are hired any time; the first import brought in those already there. */
export function drawStaffCreatedMs(prng: Prng): number {
  const [firstImport, latest] = CREATED.users;
  return prng.chance(0.4) ? firstImport + prng.int(60 * 86_400_000) : firstImport + Math.floor(prng.float() * (latest - firstImport));
}

export function graduationYear(grade: number): number {
  return SENIOR_GRADUATION_YEAR + 12 - grade;
}
