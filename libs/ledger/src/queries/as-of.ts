import { InvalidInput } from '@roster-ledger/domain';

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The moment an "as of" question is about. A date alone (`2025-10-01`) means the end of that day
 * in UTC, which is what a person asking "who was in the class on October 1st" means; a full
 * ISO-8601 timestamp is taken as it is. Returns an ISO timestamp in UTC.
 * @throws InvalidInput naming the parameter when the text is not a date.
 */
export function parseAsOf(text: string, parameter = 'as-of'): string {
  const value = DATE_ONLY.test(text) ? `${text}T23:59:59.999Z` : text;
  const time = Date.parse(value);
  if (Number.isNaN(time) || !/^\d{4}-\d{2}-\d{2}/.test(text)) {
    throw new InvalidInput(`${parameter} must be a date (YYYY-MM-DD) or an ISO-8601 timestamp, got "${text}"`, { field: parameter });
  }
  return new Date(time).toISOString();
}
