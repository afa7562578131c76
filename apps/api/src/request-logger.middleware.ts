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
    const route = (request.route as { path?: string } | undefined)?.path ?? '(no route)';
    logger.log(`${request.method} ${route} ${response.statusCode} ${ms.toFixed(1)}ms ${request.keyHolder?.name ?? '-'}`);
  });
  next();
}
