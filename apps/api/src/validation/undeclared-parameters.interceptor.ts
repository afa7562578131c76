import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import type { Request } from 'express';
import type { Observable } from 'rxjs';
import { PUBLIC_KEY } from '../auth/roles.decorator';
import { RequestInvalid, type ParameterProblem } from '../errors/api-errors';

/** Which parts of a request a route's handler takes: its query string, its body. */
interface TakenParts {
  query: boolean;
  body: boolean;
}

const takenByHandler = new WeakMap<Function, TakenParts>();

/**
 * What the handler's arguments say it takes (looked up once a handler): `@Query()` the query
 * string, `@Body()` the body; a handler given the whole request (`@Req()`, `@RawBody()`) reads
 * what it likes, so it is taken to take both. A public route (a health probe, the index) takes
 * both too: probes and uptime checks add cache-busting parameters, and a probe must not fail on
 * what it does not read.
 */
function partsTakenBy(context: ExecutionContext): TakenParts {
  const handler = context.getHandler();
  let taken = takenByHandler.get(handler);
  if (taken === undefined) {
    const args = Object.keys((Reflect.getMetadata(ROUTE_ARGS_METADATA, context.getClass(), handler.name) ?? {}) as Record<string, unknown>);
    const takes = (type: RouteParamtypes) => args.some((key) => key.startsWith(`${type}:`));
    const everything = takes(RouteParamtypes.REQUEST) || takes(RouteParamtypes.RAW_BODY) || isPublic(context);
    taken = { query: everything || takes(RouteParamtypes.QUERY), body: everything || takes(RouteParamtypes.BODY) };
    takenByHandler.set(handler, taken);
  }
  return taken;
}

const isPublic = (context: ExecutionContext): boolean =>
  Reflect.getMetadata(PUBLIC_KEY, context.getHandler()) === true || Reflect.getMetadata(PUBLIC_KEY, context.getClass()) === true;

/** How a body that is not an object of parameters is named in a problem. */
const BODY = '(body)';

/** The names a body gives (an object's keys; anything else is given as a whole). */
function bodyParameters(body: unknown): string[] {
  if (body === undefined || body === null) return [];
  if (typeof body === 'object' && !Array.isArray(body)) return Object.keys(body);
  return [BODY];
}

/**
 * A route whose handler takes no query string, or no body, refuses one: a parameter no DTO
 * declares is refused by the validation pipe, but the pipe only sees the parts a handler takes.
 * Without this, `POST /syncs/:id/approve` with `{"dryRun": true}` applied the sync, its body
 * unread, where every other route says "dryRun is not a parameter of this request". Runs after
 * the key and role checks (401 and 403 come first, as for every other refusal). Public routes
 * are left alone (see partsTakenBy).
 */
@Injectable()
export class UndeclaredParametersInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const taken = partsTakenBy(context);
    const request = context.switchToHttp().getRequest<Request>();
    const problems: ParameterProblem[] = [];
    if (!taken.query) {
      const instead = taken.body ? 'send its parameters in the JSON body' : 'it takes none';
      for (const parameter of Object.keys(request.query ?? {})) problems.push({ parameter, problems: [`${parameter} is not a query parameter of this request; ${instead}`] });
    }
    if (!taken.body) {
      const instead = taken.query ? 'send its parameters in the query string' : 'it takes none';
      for (const parameter of bodyParameters(request.body)) {
        const problem = parameter !== BODY ? `${parameter} is not a parameter of this request's body; ${instead}` : taken.query ? `this request takes no body; ${instead}` : 'this request takes no body';
        problems.push({ parameter, problems: [problem] });
      }
    }
    if (problems.length > 0) throw new RequestInvalid(problems);
    return next.handle();
  }
}
