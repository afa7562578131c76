import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Viewer } from '@roster-ledger/ledger';
import { Unauthenticated } from '../errors/api-errors';
import type { AuthenticatedRequest } from './authenticated-request';

/**
 * The Viewer the queries need: the key holder's name and role, and the endpoint as its route
 * pattern (`GET /accounts/:id`), so the access log says which endpoint read a student's data
 * without repeating the ids or the search text of the URL.
 */
export const CurrentViewer = createParamDecorator((_: unknown, context: ExecutionContext): Viewer => {
  const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
  const holder = request.keyHolder;
  if (!holder) throw new Unauthenticated('an API key is required');
  const route = (request.route as { path?: string } | undefined)?.path ?? request.path;
  return { name: holder.name, role: holder.role, via: `${request.method} ${route}` };
});
