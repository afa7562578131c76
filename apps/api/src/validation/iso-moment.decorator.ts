import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ValidateBy, type ValidationArguments } from 'class-validator';
import { calendarProblem, parseMoment, ZONE_FORMS, type DateMeaning } from '@roster-ledger/ledger';

const MEANING: Record<DateMeaning, string> = {
  'start-of-day': 'a date alone means the start of that day (00:00:00.000 UTC), inclusive',
  'end-of-day': 'a date alone means the END of that day (23:59:59.999 UTC)',
  'next-day': 'exclusive; a date alone means the end of that day (the whole day is included)',
};

// a timestamp whose zone's sign is a space: what `+01:00` becomes when a URL query is sent unencoded
const PLUS_SENT_AS_SPACE = /^\d{4}-\d{2}-\d{2}T[\d:.]+ \d{2}:\d{2}$/;

/** What is wrong with a text that is not a moment, for a person who sent it in a URL query. */
function momentProblem(parameter: string, value: unknown): string {
  // the text is echoed only when it has the shape of a moment: digits and separators, never a person's data
  if (typeof value === 'string') {
    const noSuchDay = calendarProblem(value);
    if (noSuchDay !== null) return `${parameter}: ${noSuchDay}`;
    // a URL query decodes `+` as a space (form encoding), so a zone sent as written arrives without its sign
    if (PLUS_SENT_AS_SPACE.test(value)) {
      return `${parameter} has a space where its zone's + would be (${value}): a '+' in a URL query must be sent as %2B (${value.replace(' ', '%2B')})`;
    }
  }
  // (a timestamp without its zone, say: what the CLI repeats too)
  const shown = typeof value === 'string' && MOMENT_SHAPED.test(value) ? `, got "${value}"` : '';
  // 12/01/2026 is the first of December to some and the twelfth of January to others
  const slashed = typeof value === 'string' && SLASHED_DATE.test(value) ? ' (a date is written year first, month, then day: 2026-12-01 for the first of December)' : '';
  return `${parameter} must be an ISO-8601 date (2025-10-01) or a timestamp with ${ZONE_FORMS}${shown}${slashed}`;
}

/** Digits and a moment's separators only, short: a text that can be repeated back without repeating anyone's data. */
const MOMENT_SHAPED = /^[\d:.TZz+ /-]{1,40}$/;

/** A date written with slashes (`12/01/2026`, `1/12/26`), as a spreadsheet or a US form writes it. */
const SLASHED_DATE = /^\d{1,4}\/\d{1,2}\/\d{1,4}$/;

/**
 * An optional ISO-8601 moment parameter: a date (`2025-10-01`) or a timestamp with a zone
 * (`2025-10-01T12:00:00Z`, `2025-10-01T14:00:00+02:00`), normalised to a UTC timestamp with
 * milliseconds before it reaches the handler. The text is kept when it is not a moment, so that
 * validation names it. With `keep: 'as-given'` the text is kept (trimmed) even when it is one: for
 * the ends of a range, whose check speaks in the words given (see RangeEnd); the DTO normalises.
 */
export function IsoMoment(dateMeans: DateMeaning, description: string, keep: 'normalised' | 'as-given' = 'normalised') {
  return applyDecorators(
    ApiPropertyOptional({
      description: `${description}: ISO-8601 date or timestamp with a zone (a + in the zone sent as %2B); ${MEANING[dateMeans]}`,
      example: '2025-10-01',
    }),
    Transform(({ value }: { value: unknown }) => {
      if (typeof value !== 'string') return value;
      return keep === 'as-given' ? value.trim() : (parseMoment(value.trim(), dateMeans) ?? value.trim());
    }),
    ValidateBy({
      name: 'isoMoment',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && parseMoment(value, dateMeans) !== null,
        defaultMessage: (args?: ValidationArguments) => momentProblem(args?.property ?? 'value', args?.value),
      },
    }),
  );
}
