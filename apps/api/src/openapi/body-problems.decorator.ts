import { applyDecorators } from '@nestjs/common';
import { ApiProblemResponse } from './problem-response.decorator';

/** The answers to a body the server will not read, of every endpoint that takes one (see bodyGate). */
export const ApiBodyProblems = () =>
  applyDecorators(
    ApiProblemResponse(413, 'PAYLOAD_TOO_LARGE: the body is over 100 kB (the detail says its size and the limit)'),
    ApiProblemResponse(415, 'UNSUPPORTED_MEDIA_TYPE: a body that is not application/json'),
  );
