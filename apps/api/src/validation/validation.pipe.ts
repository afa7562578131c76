import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { getMetadataStorage } from 'class-validator';
import { RequestInvalid, type ParameterProblem } from '../errors/api-errors';

/** The parameters a request's DTO declares, in alphabetical order. */
function parametersOf(target: object | undefined): string[] {
  if (target === undefined) return [];
  const declared = getMetadataStorage().getTargetValidationMetadatas(target.constructor, '', true, false);
  return [...new Set(declared.map((m) => m.propertyName))].sort();
}

/**
 * What is wrong with one parameter. A parameter the request does not take says which it does:
 * class-validator's own words ("property schools should not exist") leave a person guessing.
 */
function problemsOfParameter(e: ValidationError, parameter: string): string[] {
  return Object.entries(e.constraints ?? {}).map(([constraint, message]) => {
    if (constraint !== 'whitelistValidation') return message;
    const taken = parametersOf(e.target);
    return `${parameter} is not a parameter of this request${taken.length > 0 ? `; it takes ${taken.join(', ')}` : ''}`;
  });
}

function problemsOf(errors: ValidationError[], prefix = ''): ParameterProblem[] {
  return errors.flatMap((e) => {
    const parameter = `${prefix}${e.property}`;
    const own = e.constraints ? [{ parameter, problems: problemsOfParameter(e, parameter) }] : [];
    return [...own, ...problemsOf(e.children ?? [], `${parameter}.`)];
  });
}

/**
 * Every query, path and body DTO is validated and converted (`transform`); a parameter no DTO
 * declares is refused (`forbidNonWhitelisted`), so a typo (`?limt=5`) is an error, not silently
 * ignored. Failures become RequestInvalid: 400 problem+json naming each parameter.
 */
export const createValidationPipe = (): ValidationPipe =>
  new ValidationPipe({
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
