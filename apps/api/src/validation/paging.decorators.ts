import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ValidateBy, type ValidationArguments } from 'class-validator';
import { MAX_PAGE_LIMIT, parseWholeNumber } from '@roster-ledger/ledger';

export const DEFAULT_LIMIT = 50;

/**
 * A whole number from `min` to `max`, in decimal digits alone: `1e2`, `0x10` or ` 1` is refused,
 * where a conversion by Number() would answer a page other than the one meant as if it were right.
 * The text is kept when it is not one, so that validation names it.
 */
const WholeNumber = (min: number, max: number, rule: (parameter: string) => string) =>
  applyDecorators(
    Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? (parseWholeNumber(value) ?? value) : value)),
    ValidateBy({
      name: 'wholeNumber',
      validator: {
        validate: (value: unknown) => typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max,
        defaultMessage: (args?: ValidationArguments) => rule(args?.property ?? 'value'),
      },
    }),
  );

/**
 * A cursor given empty (`after=`: a script's variable left unset) is refused rather than read as
 * the first page, which has no cursor: a loop that lost its cursor would read page one again.
 * Checked before the cursor's own rule, so that it says so.
 */
export const CursorGiven = () =>
  ValidateBy({
    name: 'cursorGiven',
    validator: {
      validate: (value: unknown) => value !== '',
      defaultMessage: (args?: ValidationArguments) => {
        const parameter = args?.property ?? 'after';
        return `${parameter} is empty: leave ${parameter} out for the first page, or pass the next of the page before`;
      },
    },
  });

/** `limit`: how many items a page holds, 1..1000, default 50. */
export const Limit = () =>
  applyDecorators(
    ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_PAGE_LIMIT, default: DEFAULT_LIMIT, description: 'items per page: a whole number in decimal digits' }),
    WholeNumber(1, MAX_PAGE_LIMIT, (parameter) => `${parameter} must be a whole number from 1 to ${MAX_PAGE_LIMIT}, in decimal digits`),
  );

/** `after`: the cursor of the previous page's `next` (a log position); the first page has none. */
export const After = () =>
  applyDecorators(
    ApiPropertyOptional({ type: 'integer', minimum: 0, description: 'cursor: the `next` of the previous page (a log position, in decimal digits); none for the first page' }),
    CursorGiven(),
    WholeNumber(0, Number.MAX_SAFE_INTEGER, (parameter) => `${parameter} must be a log position, a whole number >= 0 in decimal digits: the next of the page before`),
  );

/**
 * `after` of the access log: the place of the last entry of the page before (its entries are
 * numbered in the access log's own file, newest first), which is no log position: a position of
 * the audit feed passed here would page from another place without a word.
 */
export const AfterEntry = () =>
  applyDecorators(
    ApiPropertyOptional({
      type: 'integer',
      minimum: 0,
      description: "cursor: the `next` of the previous page (the place of its last entry in the access log, in decimal digits; not a log position); none for the first page",
    }),
    CursorGiven(),
    WholeNumber(0, Number.MAX_SAFE_INTEGER, (parameter) => `${parameter} must be the place of an access-log entry, a whole number >= 0 in decimal digits: the next of the page before`),
  );

/** `after` of a held sync's pending changes: the `index` of the last change of the page before. */
export const AfterIndex = () =>
  applyDecorators(
    ApiPropertyOptional({ type: 'integer', minimum: 0, description: 'cursor: the `next` of the previous page (the `index` of its last change, in decimal digits); none for the first page' }),
    CursorGiven(),
    WholeNumber(0, Number.MAX_SAFE_INTEGER, (parameter) => `${parameter} must be the index of a change, a whole number >= 0 in decimal digits: the next of the page before`),
  );

/**
 * `after` of an export: the log position of the last change of the export before, so that exports
 * taken one after another hold every change once; none for the whole feed. Given empty, it is
 * refused, as a cursor is: a script that lost its position would export everything again.
 */
export const ExportAfter = () =>
  applyDecorators(
    ApiPropertyOptional({
      type: 'integer',
      minimum: 0,
      description: 'only changes after this log position: the `position` of the last change of the export before (in decimal digits); none for the whole feed',
    }),
    ValidateBy({
      name: 'positionGiven',
      validator: {
        validate: (value: unknown) => value !== '',
        defaultMessage: () => 'after is empty: leave after out for the whole feed, or pass the position of the last change of the export before',
      },
    }),
    WholeNumber(0, Number.MAX_SAFE_INTEGER, (parameter) => `${parameter} must be a log position, a whole number >= 0 in decimal digits: the position of the last change of the export before`),
  );
