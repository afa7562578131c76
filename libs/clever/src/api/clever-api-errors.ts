import { DomainError } from '@roster-ledger/domain';

/**
 * Errors of the Clever Data API client. Each carries a stable `code` and only what is safe to show:
 * URLs go through `displayUrl`, body text through `redact`; no error holds the token, the request
 * or the response (so stringifying or logging one cannot leak the Authorization header).
 */

/** 401: the token was revoked, rotated or is not a district-app token. Not retried. */
export class CleverTokenRejected extends DomainError {
  readonly code = 'CLEVER_TOKEN_REJECTED';
  readonly kind = 'failed';
  readonly status = 401;
  constructor(
    readonly url: string,
    /** Where the token was read (the environment variable's name), when the caller said. */
    tokenFrom?: string,
  ) {
    const token = tokenFrom === undefined ? 'the district token' : `the district token read from ${tokenFrom}`;
    super(`Clever rejected ${token} (HTTP 401) on GET ${url}: reconnect the district or check the token`);
  }
}

/** A 4xx other than 401 and 429 (or a 501): the request itself is wrong; retrying will not help. */
export class CleverRequestFailed extends DomainError {
  readonly code = 'CLEVER_REQUEST_FAILED';
  readonly kind = 'failed';
  constructor(
    readonly status: number,
    readonly url: string,
    /** Clever's own words (the body's `message` or `error`), or a description of the body. */
    readonly detail: string,
  ) {
    super(`Clever refused GET ${url} (HTTP ${status}): ${detail}`);
  }
}

/** A 2xx that is not what Clever sends: HTML (a wrong token type, a proxy page), not JSON, or JSON of the wrong shape. */
export class CleverBadResponse extends DomainError {
  readonly code = 'CLEVER_BAD_RESPONSE';
  readonly kind = 'failed';
  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super(`Clever sent an unusable response to GET ${url}: ${reason}`);
  }
}

/** Retries ran out: 5xx, connection failures, timeouts or 429s every time. Worth trying again later. */
export class CleverUnavailable extends DomainError {
  readonly code = 'CLEVER_UNAVAILABLE';
  readonly kind = 'failed';
  constructor(
    readonly url: string,
    readonly attempts: number,
    /** The last failure, e.g. `HTTP 503: upstream unavailable` or `timed out after 30000 ms`. */
    readonly lastProblem: string,
  ) {
    // (not "did not answer": a 429 is an answer, and so is a 503)
    super(`Clever did not serve GET ${url} after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${lastProblem}`);
  }
}
