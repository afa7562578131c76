import { UnsupportedMediaTypeException } from '@nestjs/common';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { keyHolderOf } from './auth/api-key.guard';
import type { ApiKeyRegistry } from './auth/api-key-registry';
import type { AuthenticatedRequest } from './auth/authenticated-request';

/** Whether a request carries a body (a declared length above 0, or a chunked one). */
function carriesBody(request: Request): boolean {
  return request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? 0) > 0;
}

/**
 * What a request body needs before the server reads it, checked ahead of the body parser:
 * - a valid API key (401 otherwise). Without this a client with no key learnt whether its body
 *   parsed (400) or was too large (413) before being told it may not ask, and made the server
 *   read up to the parser's limit first. Which role may use the route is still the guard's to
 *   say (403), once the route is known.
 * - JSON. Without this, a body of another type is not parsed at all and reaches the handler as
 *   "no body": `POST /projections/verify` with `names=accounts` as text would verify every
 *   projection instead of being refused (415).
 * Requests without a body (every GET, the public ones among them) pass untouched.
 */
export function bodyGate(keys: ApiKeyRegistry): RequestHandler {
  return (request: AuthenticatedRequest, _response: Response, next: NextFunction): void => {
    if (!carriesBody(request)) return next();
    try {
      // noted for the request log: a body refused here (415, or the parser's 400 or 413) names its caller too
      request.keyHolder = keyHolderOf(request, keys);
    } catch (error) {
      return next(error);
    }
    if (!request.is('application/json')) {
      return next(new UnsupportedMediaTypeException(`send the request body as application/json (got ${request.headers['content-type'] ?? 'no content type'})`));
    }
    next();
  };
}
