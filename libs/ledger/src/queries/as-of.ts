import { InvalidInput } from '@roster-ledger/domain';
import { calendarProblem, parseMoment, ZONE_FORMS, type DateMeaning } from './moments';

/**
 * A moment given by a person (CLI option, API parameter) as the read models compare moments, or
 * an InvalidInput naming the parameter. A date alone means the start, the end or the day after,
 * as `dateMeans` says (see DateMeaning); a timestamp needs a zone.
 */
export function parseMomentOrFail(text: string, dateMeans: DateMeaning, parameter: string): string {
  const moment = parseMoment(text, dateMeans);
  if (moment === null) {
    const noSuchDay = calendarProblem(text);
    if (noSuchDay !== null) throw new InvalidInput(`${parameter}: ${noSuchDay}`, { field: parameter });
    throw new InvalidInput(
      `${parameter} must be a date (YYYY-MM-DD) or an ISO-8601 timestamp with ${ZONE_FORMS}, got "${text}"`,
      { field: parameter },
    );
  }
  return moment;
}

/** The moment an "as of" question is about: a date alone means the end of that day, UTC. */
export const parseAsOf = (text: string, parameter = 'as-of'): string => parseMomentOrFail(text, 'end-of-day', parameter);
