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
    const route = (request.route as { path?: string } | undefined)?.path ?? unrouted(request.path, response.statusCode);
    logger.log(`${request.method} ${route} ${response.statusCode} ${ms.toFixed(1)}ms ${request.keyHolder?.name ?? '-'}`);
  });
  next();
}

/**
 * A request no route took by its first path segment alone: enough to tell which endpoint it was
 * meant for, and never an id or a name a mistyped path may carry after it. A 404 had no route; a
 * 405 a route of its path, for other methods; any other status was refused before routing (a body
 * that is not JSON), on a path that may be right.
 */
export function unrouted(path: string, status: number): string {
  // the letters a route's first segment is made of, and no more: whatever follows them (a slash,
  // encoded once or twice, an encoded `?`, a `;`, a slash of another script) may lead to an id or a name
  const first = /^\/*([A-Za-z][A-Za-z-]*)/.exec(path)?.[1] ?? '';
  const more = path.replace(/^\/*/, '').length > first.length;
  const why = status === 404 ? 'no route' : status === 405 ? 'no route for this method' : 'refused before routing';
  return `(${why}: /${first}${more ? '/…' : ''})`;
}
