import type { CleverApiVersion } from './clever-api-client';
import type { RateLimiter } from './rate-limiter';

/**
 * How one district is reached, when it differs from the reader's defaults: its own base URL (a
 * gateway, a local stand-in), API version, and the rate limiter of its token (Clever's budget is
 * per token: pass the same limiter to every client of the district).
 */
export interface CleverDistrictConnection {
  baseUrl?: string;
  version?: CleverApiVersion;
  rateLimiter?: RateLimiter;
  /** Where its token is read (the environment variable's name), for the message of a rejected token. */
  tokenFrom?: string;
}

/** Resolves a district's token (kept out of every message and property) and its connection. */
export interface CleverDistrictResolvers {
  /** @throws whatever the caller's configuration throws for an unknown district or a missing token */
  tokenFor?: (districtId: string) => string | Promise<string>;
  connectionFor?: (districtId: string) => CleverDistrictConnection;
}

/** A district's connection as client options: only the keys it sets, so the others keep the reader's defaults. */
export function connectionOptions(connectionFor: CleverDistrictResolvers['connectionFor'], districtId: string): CleverDistrictConnection {
  const connection = connectionFor?.(districtId) ?? {};
  return Object.fromEntries(Object.entries(connection).filter(([, value]) => value !== undefined)) as CleverDistrictConnection;
}
