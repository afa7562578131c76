import { parseMoment } from './moments';

/** One end of a time range as a person gave it: the parameter's name (`--from`, `to`) and its text. */
export interface GivenMoment {
  parameter: string;
  text: string;
}

const DATE_ALONE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Why a range from `from` (inclusive; a date alone: its start) to `to` (exclusive; a date alone:
 * the end of that day) holds no moment, in the words the person used, or null when it holds
 * some, or when an end is not a moment (that end's own check says why). Normalised moments would
 * show a date-only `to` as the next midnight, the same text as a `from` of that day: "from
 * 2026-12-02T00:00:00.000Z must be before to 2026-12-02T00:00:00.000Z" explains nothing.
 */
export function emptyRangeProblem(from: GivenMoment, to: GivenMoment): string | null {
  const [fromText, toText] = [from.text.trim(), to.text.trim()];
  const start = parseMoment(fromText, 'start-of-day');
  const end = parseMoment(toText, 'next-day');
  if (start === null || end === null || Date.parse(start) < Date.parse(end)) return null;
  const said = `${from.parameter} ${fromText}`;
  if (DATE_ALONE.test(toText)) return `${said} is after ${to.parameter} ${toText} (${to.parameter} includes the whole day)`;
  // normalised to the millisecond, two moments inside one are alike: which is first is told from the digits given
  const order = compareExactly(fromText, toText);
  if (order === 0) return `${said} is the same moment as ${to.parameter} ${toText}, which is exclusive: the range holds no moment`;
  if (order > 0) return `${said} is after ${to.parameter} ${toText}`;
  return `between ${said} and ${to.parameter} ${toText} (exclusive) is no moment the ledger records: it records moments to the millisecond`;
}

/** The digits of a timestamp's seconds past the millisecond (`.2261`: `1`), as many as given. */
const PAST_MILLISECOND = /T\d{2}:\d{2}:\d{2}\.\d{3}(\d+)/i;

/**
 * The order of two moments as given, to the last digit of their seconds (negative when `a` is
 * first): Date.parse drops the digits past the millisecond, which are compared on their own.
 */
function compareExactly(a: string, b: string): number {
  const past = (text: string): string => (PAST_MILLISECOND.exec(text)?.[1] ?? '').padEnd(9, '0');
  const [pastA, pastB] = [past(a), past(b)];
  return Date.parse(a) - Date.parse(b) || (pastA < pastB ? -1 : pastA > pastB ? 1 : 0);
}
