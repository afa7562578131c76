import { Injectable, Logger, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { ViewerRole } from '@roster-ledger/ledger';
import type { Request } from 'express';
import { RequestInvalid, RoleNotAllowed, Unauthenticated } from '../errors/api-errors';
import { ApiKeyRegistry, type KeyHolder } from './api-key-registry';
import { presentedKeys, type AuthenticatedRequest } from './authenticated-request';
import { PUBLIC_KEY, ROLES_KEY } from './roles.decorator';

/** Authorization schemes named back to a client; any other first word may be a key sent bare, never echoed. */
const KNOWN_SCHEMES = ['Basic', 'Digest', 'Negotiate', 'NTLM', 'Token', 'ApiKey', 'HOBA', 'Mutual', 'AWS4-HMAC-SHA256'];

/**
 * Why a request that sent an Authorization header still carries no key: its scheme is not Bearer
 * (`Basic`, as curl's `-u` sends), it has no scheme (a key sent bare), or it names no key after
 * Bearer. Empty when it sent none.
 */
function whyNoKey(request: Request): string {
  const authorization = request.headers.authorization?.trim();
  if (!authorization) return '';
  const words = authorization.split(/\s+/);
  const scheme = words[0]!;
  if (words.length === 1 && !/^bearer$/i.test(scheme)) return ' (the Authorization header holds one word and no scheme: put Bearer before the key)';
  if (!/^bearer$/i.test(scheme)) {
    const known = KNOWN_SCHEMES.find((name) => name.toLowerCase() === scheme.toLowerCase());
    return ` (the Authorization header uses ${known === undefined ? 'a scheme other than Bearer' : `the ${known} scheme`}, which carries no API key here)`;
  }
  return authorization.slice(scheme.length).trim() === ''
    ? ' (the Authorization header names no key after Bearer)'
    : ' (the Authorization header holds more than one word after Bearer: a key has no spaces)';
}

/**
 * The holder of the key a request presents.
 * @throws Unauthenticated when it presents none (saying why a header it sent carries none), or
 * none that a configured key matches; RequestInvalid when it presents two different keys, one of
 * them valid (taking one silently would act for a holder the client may not have meant). No key
 * is echoed.
 */
export function keyHolderOf(request: Request, keys: ApiKeyRegistry): KeyHolder {
  const presented = presentedKeys(request);
  if (presented.length === 0) throw new Unauthenticated(`an API key is required${whyNoKey(request)}: send "Authorization: Bearer <key>" or "X-Api-Key: <key>"`);
  const holder = presented.map(({ key }) => keys.identify(key)).find((one) => one !== null);
  if (holder === undefined || holder === null) throw new Unauthenticated(presented.length === 1 ? 'the API key is not valid' : 'none of the API keys sent is valid');
  if (presented.length > 1) {
    const where = presented.every(({ header }) => header === 'Authorization') ? 'two Authorization headers carry' : 'X-Api-Key and Authorization: Bearer carry';
    throw new RequestInvalid([{ parameter: presented[0]!.header, problems: [`${where} two different API keys: send one key, in either header`] }]);
  }
  return holder;
}

/**
 * Every request needs a configured API key (401 without one) whose role the endpoint allows
 * (403 otherwise), unless the endpoint is `@Public()`. A route declaring neither is refused to
 * everyone: forgetting `@Roles` must not open an endpoint.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly logger = new Logger(ApiKeyGuard.name);

  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeyRegistry,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const holder = keyHolderOf(request, this.keys);
    request.keyHolder = holder;
    const allowed = this.reflector.getAllAndOverride<ViewerRole[] | undefined>(ROLES_KEY, targets);
    if (allowed === undefined) {
      this.logger.error(`${context.getClass().name}.${context.getHandler().name} declares no @Roles: refused`);
      throw new RoleNotAllowed(holder.role, []);
    }
    if (!allowed.includes(holder.role)) throw new RoleNotAllowed(holder.role, allowed);
    return true;
  }
}
