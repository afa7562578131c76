import { Logger } from '@nestjs/common';
import type { NextFunction, Response } from 'express';
import type { AuthenticatedRequest } from './auth/authenticated-request';

const logger = new Logger('Http');

/**
 * One line per request: method, route pattern, status, time and the key holder's name. Never the
 * query string (it may hold a person's name or id) and never a header (keys).
 */
export function requestLogger(request: AuthenticatedRequest, response: Response, next: NextFunction): void {
  const started = process.hrtime.bigint();
  response.once('finish', () => {
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const route = (request.route as { path?: string } | undefined)?.path ?? unrouted(request.path);
    logger.log(`${request.method} ${route} ${response.statusCode} ${ms.toFixed(1)}ms ${request.keyHolder?.name ?? '-'}`);
  });
  next();
}

/**
 * A request no route took (an unknown path, a body refused before routing) by its first path
 * segment alone: enough to tell which endpoint it was meant for, and never an id or a name a
 * mistyped path may carry after it.
 */
export function unrouted(path: string): string {
  const [first, ...rest] = path.split('/').filter((segment) => segment !== '');
  return `(no route: /${first ?? ''}${rest.length > 0 ? '/…' : ''})`;
}
