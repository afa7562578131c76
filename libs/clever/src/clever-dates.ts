import { text } from './field-readers';
import type { ValueReader } from './field-readers';

/** `2012-08-01`, or that date with a time of day and a zone after it. */
const DATE_WITH_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * A calendar date (a term's start and end, a district's launch) as `YYYY-MM-DD`. Clever's swagger
 * calls them datetimes and its payloads give either form: the same term is `2012-08-01T00:00:00.000Z`
 * in a sections page and `2012-08-01` in an event. Kept as given, they would differ with no change
 * in Clever. The date is the one written (a time of day and zone say nothing more about a day).
 * Anything else, or a day that does not exist, is kept raw and reported as an unknown value.
 */
export const calendarDate: ValueReader = isoDateReader(calendarDateOf);

/** A date of birth, Clever's `M/D/YYYY`, as `YYYY-MM-DD`; one that does not parse is kept raw and reported as an unknown value. */
export const dob: ValueReader = isoDateReader(isoDateOfBirth);

const FOUR_DIGIT_YEAR = /^\d{4}$/;

/**
 * A year a student graduates: Clever's swagger gives `graduation_year` as a 4-digit year
 * (clever-data.md §3.4). Anything else (`2030.0`, as a spreadsheet saves a number, or `30`) is kept
 * as given and reported as an unknown value, like a date that does not parse: guessing what it
 * meant would record a year the district never sent.
 */
export const graduationYear: ValueReader = (value, at) => {
  const raw = text(value, at);
  if (typeof raw === 'string' && !FOUR_DIGIT_YEAR.test(raw)) at.ctx.unknownValue(at.label);
  return raw;
};

/** A reader of text as an ISO date by `parse`: text it cannot read (undefined) is kept as given and reported as an unknown value. */
function isoDateReader(parse: (raw: string) => string | undefined): ValueReader {
  return (value, at) => {
    const raw = text(value, at);
    if (typeof raw !== 'string') return raw;
    const iso = parse(raw);
    if (iso !== undefined) return iso;
    at.ctx.unknownValue(at.label);
    return raw;
  };
}

/** An ISO 8601 moment as Clever writes them: `2021-03-02T22:24:53.349Z`, seconds and fraction optional, `Z` or an offset. */
const ISO_MOMENT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/;

/** Whether `text` is a moment Clever could have written, and one that exists (no 13th month). */
export function isCleverMoment(text: string): boolean {
  return ISO_MOMENT.test(text) && !Number.isNaN(Date.parse(text)) && calendarDateOf(text) !== undefined;
}

/**
 * A moment (a record's `created`): kept as Clever wrote it, as it is shown; one that is no
 * moment (`yesterday`, a 13th month) is kept too, and reported as an unknown value.
 */
export const moment: ValueReader = (value, at) => {
  const raw = text(value, at);
  if (typeof raw === 'string' && !isCleverMoment(raw)) at.ctx.unknownValue(at.label);
  return raw;
};

function calendarDateOf(raw: string): string | undefined {
  const written = DATE_WITH_TIME.exec(raw);
  return written ? isoDate(Number(written[1]), Number(written[2]), Number(written[3])) : undefined;
}

const CLEVER_DOB = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Clever's `M/D/YYYY` (no zero padding) as an ISO `YYYY-MM-DD`. An ISO date is accepted as it is.
 * Anything else, or a day that does not exist, gives undefined.
 */
export function isoDateOfBirth(raw: string): string | undefined {
  const clever = CLEVER_DOB.exec(raw);
  if (clever) return isoDate(Number(clever[3]), Number(clever[1]), Number(clever[2]));
  const iso = ISO_DATE.exec(raw);
  if (iso) return isoDate(Number(iso[1]), Number(iso[2]), Number(iso[3]));
  return undefined;
}

/** The ISO `YYYY-MM-DD` of a day, or undefined when there is no such day. */
function isoDate(year: number, month: number, day: number): string | undefined {
  if (month < 1 || month > 12 || day < 1) return undefined;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > daysInMonth) return undefined;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
