import type { NextFunction, Request, Response } from 'express';

/**
 * Every answer is for its key's holder alone, and most hold personal data: no cache may keep one
 * (`no-store`), and one that does not understand that still may not serve it to a request with
 * another key, or none (`Vary`). A shared cache keeps answers to `X-Api-Key` requests by default:
 * it knows only `Authorization` as a credential. Served from a cache, a read would also escape
 * the access log.
 */
export function noStore(_request: Request, response: Response, next: NextFunction): void {
  response.setHeader('Cache-Control', 'no-store');
  response.vary('Authorization');
  response.vary('X-Api-Key');
  next();
}
