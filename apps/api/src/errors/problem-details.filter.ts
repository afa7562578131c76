import { dirname } from 'node:path';
import { Catch, Logger, NotFoundException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { LedgerConfig } from '@roster-ledger/config';
import { damagedFileReport } from '@roster-ledger/read-models';
import { allowedMethodsAt } from './allowed-methods';
import { MethodNotAllowed } from './api-errors';
import { DOCS_PATH } from '../openapi/openapi';
import { PROBLEM_JSON, problemOf } from './problem-details';

/**
 * The one place errors become HTTP responses: every error, thrown anywhere in the request, is
 * answered as `application/problem+json` (see problemOf for the mapping).
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Http');

  constructor(private readonly config: LedgerConfig) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    // the ledger's folder is cut from a failure's message whatever its name holds
    const { body, headers, unexpected } = problemOf(methodOrRoute(error, request), request.path, [dirname(this.config.dbPath)]);
    if (unexpected) {
      // the route pattern and the message, never the query string or headers (personal data, keys)
      const route = `${request.method} ${(request.route as { path?: string } | undefined)?.path ?? request.path}`;
      this.logger.error(`${route} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      // SQLite's "database disk image is malformed" says neither which file nor what to do
      const damaged = damagedFileReport(error, this.config.dbPath, 'The request failed; serve goes on answering what it can.');
      if (damaged !== null) this.logger.error(damaged);
    }
    if (response.headersSent) {
      // a streamed answer (an export) broke halfway: cut the connection so the client sees it incomplete
      response.destroy();
      return;
    }
    response.status(body.status).set(headers).type(PROBLEM_JSON).send(JSON.stringify(body));
  }
}

/**
 * Nest's 404 for a request no route took (`Cannot DELETE /syncs/x`), as a 405 naming the methods
 * the path takes when it is there under another: "no such route" would send the caller looking for
 * a typo in a path that is right.
 */
function methodOrRoute(error: unknown, request: Request): unknown {
  // (the router takes a HEAD through a route without GET, and matches it, before the 404: the
  // methods decide, not whether a route matched; this code throws no NotFoundException itself)
  if (!(error instanceof NotFoundException)) return error;
  const allowed = allowedMethodsAt(request);
  if (allowed.length > 0 && !allowed.includes(request.method)) return new MethodNotAllowed(request.method, request.path, allowed);
  // Nest's message repeats the URL whole (`Cannot GET /acounts?q=noor%20haddad`): the path alone, as
  // `instance` gives it, for a query may hold a person's name
  return new NotFoundException(`no endpoint has the path ${request.path} (${request.method}): the endpoints are listed at /${DOCS_PATH}`);
}
