/**
 * What a bare date (`2025-10-01`, no time) means for a parameter:
 * - `start-of-day`: 00:00:00.000 UTC that day (`from`, inclusive);
 * - `end-of-day`: 23:59:59.999 UTC that day (`asOf`: the roster at the end of that day);
 * - `next-day`: 00:00:00.000 UTC the day after (`to`, exclusive: so `to=2025-10-01` takes in the whole day).
 */
export type DateMeaning = 'start-of-day' | 'end-of-day' | 'next-day';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
// a time needs a zone: "12:00" alone would be read in the server's zone, a different moment per server
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;

const DAY_MS = 86_400_000;

/**
 * The first and last moments written in the stored form: past them, toISOString writes a signed
 * six-digit year (`+010000-01-01T…`), which compares as text before every other moment. A moment
 * outside is taken as the nearest of them: nothing is recorded that far away, so a question about
 * it has the same answer (`to=9999-12-31` means the moment after that day, which is past the last).
 */
const FIRST_MOMENT = utcMidnight(0, 1, 1);
const LAST_MOMENT = utcMidnight(10_000, 1, 1) - 1;

/** A moment in the stored form (see FIRST_MOMENT). */
const storedForm = (ms: number): string => new Date(Math.min(LAST_MOMENT, Math.max(FIRST_MOMENT, ms))).toISOString();

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/**
 * Midnight UTC of a day given by its year, month (1-12) and day of the month; the month and day
 * roll over as Date.UTC's do (day 0 is the last of the month before). Date.UTC reads a year 0 to
 * 99 as 1900 to 1999, so the year is set on its own: 0099-06-15 is a day like any other.
 */
function utcMidnight(year: number, month: number, day: number): number {
  const at = new Date(0);
  at.setUTCFullYear(year, month - 1, day);
  return at.getTime();
}

/** Midnight UTC of a calendar date, or null when there is no such date (2025-02-30). */
function dayStart(year: string, month: string, day: string): number | null {
  const ms = utcMidnight(Number(year), Number(month), Number(day));
  const back = new Date(ms);
  const real = back.getUTCFullYear() === Number(year) && back.getUTCMonth() === Number(month) - 1 && back.getUTCDate() === Number(day);
  return real ? ms : null;
}

/**
 * The zones a timestamp may be given in, for the messages that refuse one: `+05` and `-0500` are
 * ISO-8601 too, but not taken, and "a timestamp with a zone" would leave a person who sent one
 * wondering what is missing.
 */
export const ZONE_FORMS = 'its zone as Z, +hh:mm or -hh:mm (2025-10-01T08:00:00Z, 2025-10-01T08:00:00-04:00)';

/**
 * An ISO-8601 date or timestamp-with-zone as the read models compare them: a UTC timestamp with
 * milliseconds (`2025-10-01T23:59:59.999Z`). The stored times have that form, and the enrollment
 * intervals compare them as text, so every moment must be normalised to it (the audit feed keeps
 * milliseconds, from the same form). Null when the text is not one.
 */
export function parseMoment(text: string, dateMeans: DateMeaning): string | null {
  const date = DATE.exec(text);
  if (date) {
    const start = dayStart(date[1]!, date[2]!, date[3]!);
    if (start === null) return null;
    const at = dateMeans === 'start-of-day' ? start : dateMeans === 'end-of-day' ? start + DAY_MS - 1 : start + DAY_MS;
    return storedForm(at);
  }
  const stamp = TIMESTAMP.exec(text);
  if (!stamp || dayStart(stamp[1]!, stamp[2]!, stamp[3]!) === null) return null;
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) return null;
  // Date.parse drops digits past the millisecond: a moment inside a millisecond is after its
  // start, so a bound that takes what is at or after it (`from`), or only what is before it
  // (`to`), goes up to the next millisecond; one that takes what is at or before it (`asOf`) stays
  const inside = /[1-9]/.test(stamp[5]?.slice(4) ?? '');
  return storedForm(inside && dateMeans !== 'end-of-day' ? ms + 1 : ms);
}

/**
 * Why a text that is not a moment (parseMoment gave null) is not one, when its shape is right but
 * its day does not exist: `2026-02-30 is not a day of the calendar (February 2026 has 28 days)`.
 * "must be a date (YYYY-MM-DD)" would send the person to check a format they did follow. Null
 * when the shape itself is wrong: the caller says which shapes are taken.
 */
export function calendarProblem(text: string): string | null {
  const shaped = DATE.exec(text) ?? TIMESTAMP.exec(text);
  if (!shaped) return null;
  if (dayStart(shaped[1]!, shaped[2]!, shaped[3]!) !== null) {
    // a real day, in the shape of a timestamp, that is no moment: its time or its zone is out of range
    return !DATE.test(text) && Number.isNaN(Date.parse(text))
      ? `${text} is not a moment: its time of day or zone is out of range (hours 00 to 23, minutes and seconds 00 to 59, a zone up to ±23:59)`
      : null;
  }
  const [year, month] = [Number(shaped[1]), Number(shaped[2])];
  const day = `${shaped[1]}-${shaped[2]}-${shaped[3]}`;
  if (month < 1 || month > 12) return `${day} is not a day of the calendar (months are 01 to 12)`;
  // day 0 of the next month is the last day of this one
  const days = new Date(utcMidnight(year, month + 1, 0)).getUTCDate();
  return `${day} is not a day of the calendar (${MONTHS[month - 1]} ${shaped[1]} has ${days} days)`;
}
