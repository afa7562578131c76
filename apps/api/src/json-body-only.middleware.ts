import { UnsupportedMediaTypeException } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

/**
 * A request body must be JSON. Without this, a body of another type is not parsed at all and
 * reaches the handler as "no body": `POST /projections/verify` with `names=accounts` as text
 * would verify every projection instead of being refused.
 */
export function jsonBodyOnly(request: Request, _response: Response, next: NextFunction): void {
  const hasBody = request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? 0) > 0;
  if (hasBody && !request.is('application/json')) {
    next(new UnsupportedMediaTypeException(`send the request body as application/json (got ${request.headers['content-type'] ?? 'no content type'})`));
    return;
  }
  next();
}
