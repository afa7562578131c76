import type { Request } from 'express';
import type { KeyHolder } from './api-key-registry';

/** A request whose API key the guard has checked. */
export interface AuthenticatedRequest extends Request {
  keyHolder?: KeyHolder;
}

/** A key a request presents, and the header it came in first. */
export interface PresentedKey {
  key: string;
  header: 'X-Api-Key' | 'Authorization';
}

/**
 * The keys presented with a request, each once: `Authorization: Bearer <key>` (every such header:
 * Node keeps only the first of two in `headers`) and `X-Api-Key: <key>`. One key in both is one
 * key. Two different keys are for the guard to refuse: which of two holders (and roles) the
 * request is made as is not for the server to guess.
 */
export function presentedKeys(request: Pick<Request, 'rawHeaders'>): PresentedKey[] {
  const keys = new Map<string, PresentedKey>();
  const raw = request.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    const value = raw[i + 1]!;
    const key = name === 'x-api-key' ? value.trim() : name === 'authorization' ? /^Bearer\s+(\S+)\s*$/i.exec(value)?.[1] : undefined;
    if (key !== undefined && key !== '' && !keys.has(key)) keys.set(key, { key, header: name === 'x-api-key' ? 'X-Api-Key' : 'Authorization' });
  }
  return [...keys.values()];
}
