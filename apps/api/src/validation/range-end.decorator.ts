import { ValidateBy, type ValidationArguments } from 'class-validator';
import { emptyRangeProblem } from '@roster-ledger/ledger';

const problemOf = (to: unknown, args: ValidationArguments | undefined, fromProperty: string): string | null => {
  const from = (args?.object as Record<string, unknown> | undefined)?.[fromProperty];
  if (typeof from !== 'string' || typeof to !== 'string') return null;
  return emptyRangeProblem({ parameter: fromProperty, text: from }, { parameter: args?.property ?? 'to', text: to });
};

/**
 * The end of a time range whose start is the parameter `fromProperty`: a range that holds no
 * moment is refused, as an empty answer would read as "nothing happened". Both ends must be kept
 * as given (`IsoMoment(..., 'as-given')`), so the message says what the person sent: a date-only
 * `to`, normalised, is the next midnight.
 */
export const RangeEnd = (fromProperty: string) =>
  ValidateBy({
    name: 'rangeEnd',
    validator: {
      validate: (to: unknown, args?: ValidationArguments) => problemOf(to, args, fromProperty) === null,
      defaultMessage: (args?: ValidationArguments) => problemOf(args?.value, args, fromProperty) ?? '',
    },
  });
