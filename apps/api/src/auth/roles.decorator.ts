import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiSecurity } from '@nestjs/swagger';
import { VIEWER_ROLES, type ViewerRole } from '@roster-ledger/ledger';
import { ApiProblemResponse } from '../openapi/problem-response.decorator';
import { API_KEY_SCHEME, BEARER_SCHEME } from '../openapi/security-schemes';

export const ROLES_KEY = 'roster-ledger:roles';
export const PUBLIC_KEY = 'roster-ledger:public';

/**
 * The roles that may use an endpoint (or every endpoint of a controller). Every route needs it or
 * `@Public()`: the guard refuses a route that says neither. It also documents the endpoint.
 */
export const Roles = (...roles: ViewerRole[]) =>
  applyDecorators(
    SetMetadata(ROLES_KEY, roles),
    ApiBearerAuth(BEARER_SCHEME),
    ApiSecurity(API_KEY_SCHEME),
    ApiProblemResponse(400, 'INVALID_REQUEST: a parameter or the body breaks its rule (each is named in `errors`), or X-Api-Key and Authorization carry two different keys'),
    ApiProblemResponse(401, 'UNAUTHENTICATED: no API key, or an unknown one'),
    // an endpoint every role may use never answers 403: not documented there
    ...(VIEWER_ROLES.every((role) => roles.includes(role)) ? [] : [ApiProblemResponse(403, `FORBIDDEN: the key's role may not use this endpoint. Roles: ${roles.join(', ')}`)]),
  );

/** An endpoint anyone may call without a key (health probes). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);
