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

/** Midnight UTC of a calendar date, or null when there is no such date (2025-02-30). */
function dayStart(year: string, month: string, day: string): number | null {
  const ms = Date.UTC(Number(year), Number(month) - 1, Number(day));
  const back = new Date(ms);
  const real = back.getUTCFullYear() === Number(year) && back.getUTCMonth() === Number(month) - 1 && back.getUTCDate() === Number(day);
  return real ? ms : null;
}

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
    return new Date(at).toISOString();
  }
  const stamp = TIMESTAMP.exec(text);
  if (!stamp || dayStart(stamp[1]!, stamp[2]!, stamp[3]!) === null) return null;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}
