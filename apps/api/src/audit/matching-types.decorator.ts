import { ValidateBy, type ValidationArguments } from 'class-validator';
import { unmatchableTypesProblem } from '@roster-ledger/ledger';

const problemOf = (recordTypes: unknown, args: ValidationArguments | undefined, typesProperty: string): string | null => {
  const types = (args?.object as Record<string, unknown> | undefined)?.[typesProperty];
  if (!Array.isArray(types) || !Array.isArray(recordTypes)) return null;
  return unmatchableTypesProblem({ parameter: typesProperty, values: types as string[] }, { parameter: args?.property ?? 'recordTypes', values: recordTypes as string[] });
};

/**
 * The record types of an audit filter whose event types are the parameter `typesProperty`: event
 * types that can never be of any of them (`types=StudentShared&recordTypes=teacher`) are refused,
 * as an empty feed would read as "nothing happened". Put it above the list's own rules: an unknown
 * type says so first.
 */
export const MatchingTypes = (typesProperty: string) =>
  ValidateBy({
    name: 'matchingTypes',
    validator: {
      validate: (recordTypes: unknown, args?: ValidationArguments) => problemOf(recordTypes, args, typesProperty) === null,
      defaultMessage: (args?: ValidationArguments) => problemOf(args?.value, args, typesProperty) ?? '',
    },
  });
