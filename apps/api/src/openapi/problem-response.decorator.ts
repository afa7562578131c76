import { ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { PROBLEM_JSON } from '../errors/problem-details';
import { ProblemSchema } from './problem.schema';

/**
 * An error answer of an endpoint, declared as the problem-details filter sends every error: a
 * ProblemSchema as `application/problem+json`. Nest's Api*Response decorators with a `type`
 * declare it `application/json` (or as the endpoint's @ApiProduces, CSV for the export), which
 * a client generated from the document would then not parse. `description` says which codes.
 */
export const ApiProblemResponse = (status: number, description: string) =>
  ApiResponse({ status, description, content: { [PROBLEM_JSON]: { schema: { $ref: getSchemaPath(ProblemSchema) } } } });
