import type { Request } from 'express';
import type { KeyHolder } from './api-key-registry';

/** A request whose API key the guard has checked. */
export interface AuthenticatedRequest extends Request {
  keyHolder?: KeyHolder;
}

/** The key presented with a request: `Authorization: Bearer <key>` or `X-Api-Key: <key>`. */
export function presentedKey(request: Request): string | null {
  const header = request.headers['x-api-key'];
  const viaHeader = Array.isArray(header) ? header[0] : header;
  if (viaHeader) return viaHeader.trim() || null;
  const authorization = request.headers.authorization;
  const match = authorization === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  return match?.[1] ?? null;
}
