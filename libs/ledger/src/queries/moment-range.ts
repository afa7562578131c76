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
  if (start === end) return `${said} is the same moment as ${to.parameter} ${toText}, which is exclusive: the range holds no moment`;
  return `${said} is after ${to.parameter} ${toText}`;
}
