import type { ParameterProblem } from '../errors/api-errors';

const REPEATABLE = 'roster-ledger:repeatable-parameter';

/**
 * A query parameter that may be given more than once, its values joined (`types=A&types=B`): a
 * list. Every other parameter takes one value.
 */
export const Repeatable = (): PropertyDecorator => (target, property) => Reflect.defineMetadata(REPEATABLE, true, target, property);

/**
 * The parameters of a query given more than once that take one value, each refused as such: the
 * query arrives with such a parameter as a list of its values, which every single-valued rule
 * then refuses in words that do not fit (`q=a&q=b`: "q is required"). Parameters the request does
 * not take (`declared` lacks them) are left to the check that names the ones it does.
 */
export function repeatedParameters(query: object, dto: (abstract new (...args: never[]) => object) | undefined, declared: readonly string[]): ParameterProblem[] {
  return Object.entries(query)
    .filter(([parameter, value]) => Array.isArray(value) && declared.includes(parameter) && !Reflect.getMetadata(REPEATABLE, dto?.prototype ?? {}, parameter))
    .map(([parameter, values]) => ({
      parameter,
      problems: [`${parameter} is given ${(values as unknown[]).length} times; it takes one value: give it once`],
    }));
}
