import type { Request } from 'express';
import { RequestInvalid } from '../errors/api-errors';
import type { KeyHolder } from './api-key-registry';

/** A request whose API key the guard has checked. */
export interface AuthenticatedRequest extends Request {
  keyHolder?: KeyHolder;
}

/**
 * The key presented with a request: `Authorization: Bearer <key>` or `X-Api-Key: <key>`, or the
 * same key in both.
 * @throws RequestInvalid when the two carry different keys: which of two holders (and roles) the
 * request is made as is not for the server to guess, and taking one silently would act for a
 * holder the client may not have meant. Neither key is echoed.
 */
export function presentedKey(request: Request): string | null {
  const header = request.headers['x-api-key'];
  const viaHeader = (Array.isArray(header) ? header[0] : header)?.trim() || null;
  const authorization = request.headers.authorization;
  const viaBearer = (authorization === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(authorization))?.[1] ?? null;
  if (viaHeader !== null && viaBearer !== null && viaHeader !== viaBearer) {
    throw new RequestInvalid([
      { parameter: 'X-Api-Key', problems: ['X-Api-Key and Authorization: Bearer carry two different API keys: send one key, in either header'] },
    ]);
  }
  return viaHeader ?? viaBearer;
}
