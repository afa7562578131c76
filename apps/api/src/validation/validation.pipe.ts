import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { RequestInvalid, type ParameterProblem } from '../errors/api-errors';

function problemsOf(errors: ValidationError[], prefix = ''): ParameterProblem[] {
  return errors.flatMap((e) => {
    const parameter = `${prefix}${e.property}`;
    const own = e.constraints ? [{ parameter, problems: Object.values(e.constraints) }] : [];
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
    // one problem per parameter: "limit must be an integer" says it all, the range checks after it only add noise
    stopAtFirstError: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new RequestInvalid(problemsOf(errors)),
  });
