import { ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import { getMetadataStorage } from 'class-validator';
import { RequestInvalid, type ParameterProblem } from '../errors/api-errors';
import { repeatedParameters } from './repeated-parameters';

/** Each DTO's parameters, looked up once: every query request asks for its DTO's. */
const declaredParameters = new WeakMap<Function, readonly string[]>();

/** The parameters a request's DTO declares, in alphabetical order. */
function parametersOf(dto: Function | undefined): readonly string[] {
  if (dto === undefined) return [];
  let parameters = declaredParameters.get(dto);
  if (parameters === undefined) {
    const declared = getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false);
    parameters = [...new Set(declared.map((m) => m.propertyName))].sort();
    declaredParameters.set(dto, parameters);
  }
  return parameters;
}

/** What a parameter the request does not take is told: which ones it does. */
function notTaken(parameter: string, taken: readonly string[]): string {
  // (`?q=a&=1`: a parameter with no name, which would start the sentence with a blank)
  const named = parameter === '' ? 'a parameter with no name ("=" without a name before it)' : parameter;
  return `${named} is not a parameter of this request${taken.length > 0 ? `; it takes ${taken.join(', ')}` : ''}`;
}

/**
 * The parameters of a query or body named as a member every object has (`constructor`,
 * `toString`, `hasOwnProperty`, `__proto__`) that the request does not take, each refused as any
 * other it does not take: class-validator looks a parameter up among the declared ones in a plain
 * object, finds these there, and let them through unread (`?q=a&constructor=1` was answered as
 * `?q=a`, a body's `{"constructor": 1}` applied without it).
 */
function inheritedNameParameters(value: object, taken: readonly string[]): ParameterProblem[] {
  return Object.keys(value)
    .filter((parameter) => parameter in Object.prototype && !taken.includes(parameter))
    .map((parameter) => ({ parameter, problems: [notTaken(parameter, taken)] }));
}

/**
 * What is wrong with one parameter. A parameter the request does not take says which it does:
 * class-validator's own words ("property schools should not exist") leave a person guessing.
 */
function problemsOfParameter(e: ValidationError, parameter: string): string[] {
  return Object.entries(e.constraints ?? {}).map(([constraint, message]) => {
    if (constraint !== 'whitelistValidation') return message;
    return notTaken(parameter, parametersOf(e.target?.constructor));
  });
}

function problemsOf(errors: ValidationError[], prefix = ''): ParameterProblem[] {
  return errors.flatMap((e) => {
    const parameter = `${prefix}${e.property}`;
    const own = e.constraints ? [{ parameter, problems: problemsOfParameter(e, parameter) }] : [];
    return [...own, ...problemsOf(e.children ?? [], `${parameter}.`)];
  });
}

/** The deepest a request body nests arrays and objects: every body the API takes is two levels deep. */
export const MOST_BODY_DEPTH = 32;

/**
 * Whether a value nests arrays and objects deeper than `most` levels, found without recursion:
 * Nest's pipe and class-transformer walk a body recursively, and a small body nested thousands of
 * levels deep (`[[[[...]]]]`) overflowed their stack, a 500 with a stack trace in the log.
 */
export function nestsDeeperThan(value: unknown, most: number): boolean {
  const pending: [unknown, number][] = [[value, 0]];
  while (pending.length > 0) {
    const [inner, depth] = pending.pop()!;
    if (typeof inner !== 'object' || inner === null) continue;
    if (depth >= most) return true;
    for (const child of Array.isArray(inner) ? inner : Object.values(inner)) pending.push([child, depth + 1]);
  }
  return false;
}

/**
 * Nest's validation pipe, with checks before it: a body nested deeper than any the API takes is
 * refused (see nestsDeeperThan), a body that is an array where every body the API takes is an
 * object is refused as such, and a query parameter that takes one value given
 * more than once (`q=a&q=b`) is refused as given more than once (see repeatedParameters), and a
 * parameter named as a member of every object (`constructor`) as not taken (see
 * inheritedNameParameters), in the same answer as whatever else the query or body breaks.
 */
class QueryValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && nestsDeeperThan(value, MOST_BODY_DEPTH)) {
      throw new RequestInvalid([{ parameter: '(body)', problems: [`the request body nests arrays or objects deeper than ${MOST_BODY_DEPTH} levels; send a JSON object of this request's parameters`] }]);
    }
    // a JSON array is an object to the pipe, whose indexes it took for parameters ("0 is not a parameter of this request")
    if (metadata.type === 'body' && Array.isArray(value)) {
      throw new RequestInvalid([{ parameter: '(body)', problems: ["the request body is a JSON array; send a JSON object of this request's parameters"] }]);
    }
    const checked = (metadata.type === 'query' || metadata.type === 'body') && this.toValidate(metadata);
    if (!checked || value === null || typeof value !== 'object') return super.transform(value, metadata);
    const taken = parametersOf(metadata.metatype);
    const refused = [...(metadata.type === 'query' ? repeatedParameters(value, metadata.metatype, taken) : []), ...inheritedNameParameters(value, taken)];
    if (refused.length === 0) return super.transform(value, metadata);
    const given = new Set(refused.map((r) => r.parameter));
    const rest = Object.fromEntries(Object.entries(value).filter(([parameter]) => !given.has(parameter)));
    const others = await super.transform(rest, metadata).then(
      () => [],
      (error: unknown) => {
        if (error instanceof RequestInvalid) return error.errors;
        throw error;
      },
    );
    // without its value, a required parameter given twice would also be "missing"
    throw new RequestInvalid([...refused, ...others.filter((p) => !given.has(p.parameter))]);
  }
}

/**
 * Every query, path and body DTO is validated and converted (`transform`); a parameter no DTO
 * declares is refused (`forbidNonWhitelisted`), so a typo (`?limt=5`) is an error, not silently
 * ignored. Failures become RequestInvalid: 400 problem+json naming each parameter.
 */
export const createValidationPipe = (): ValidationPipe =>
  new QueryValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    // one problem per parameter: the first rule it breaks ("q must be a string") says it all, the checks after it only add noise
    stopAtFirstError: true,
    // the target (the DTO) names the parameters a request takes; no value is ever echoed back
    validationError: { target: true, value: false },
    exceptionFactory: (errors) => new RequestInvalid(problemsOf(errors)),
  });
