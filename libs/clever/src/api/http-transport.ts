import { CleverBadResponse, CleverRequestFailed, CleverTokenRejected, CleverUnavailable } from './clever-api-errors';
import { RateLimiter } from './rate-limiter';
import { errorDetail, parseJsonBody } from './response-body';
import { backoffDelay, isRetryableStatus } from './retry-policy';
import type { RetryPolicy } from './retry-policy';
import { displayUrl, redact } from './safe-text';
import type { Timing } from './timing';

/** A wait the transport made, for the caller's logs (no token, no body). */
export interface CleverWait {
  reason: 'rate-limit' | 'too-many-requests' | 'retry';
  url: string;
  ms: number;
  /** For retries: the failure that caused it, e.g. `HTTP 503` or `timed out after 30000 ms`. */
  problem?: string;
  /** For retries: the attempt that failed, from 1. */
  attempt?: number;
}

export interface TransportSettings {
  timeoutMs: number;
  policy: RetryPolicy;
  timing: Timing;
  limiter: RateLimiter;
  fetch: typeof fetch;
  onWait?: (wait: CleverWait) => void;
  /** Where the token was read, for a rejected token's message (see CleverApiClientOptions.tokenFrom). */
  tokenFrom?: string;
}

type Attempt = { kind: 'ok'; body: unknown } | { kind: 'too-many'; headers: Headers } | { kind: 'retry'; problem: string };

/**
 * GETs JSON from Clever with the token, the rate limit, retries and timeouts. The token lives in
 * a private field: it is sent in the Authorization header and nowhere else, and every message
 * built from a URL or a body goes through `displayUrl` / `redact`.
 */
/** Why a request to a port fetch never connects to (1, 6000 ...: the Fetch standard's list) failed. */
const BLOCKED_PORT = 'connection refused before it was made: fetch never connects to this port (the Fetch standard blocks it); use another';

export class HttpTransport {
  readonly #token: string;

  constructor(
    token: string,
    private readonly settings: TransportSettings,
  ) {
    this.#token = token;
  }

  /** The URL as errors and logs show it. */
  show(url: URL): string {
    return redact(displayUrl(url), [this.#token], 2000);
  }

  /**
   * The parsed JSON of a 2xx answer. Waits out the rate limit and 429s; retries 5xx (not 501),
   * connection failures and timeouts with backoff.
   * @throws CleverTokenRejected on 401; CleverRequestFailed on another 4xx or 501; CleverBadResponse
   * on a 2xx that is not JSON or a redirect; CleverUnavailable when the retries run out.
   */
  async getJson(url: URL): Promise<unknown> {
    const shown = this.show(url);
    const { policy, timing, limiter } = this.settings;
    let failures = 0;
    let tooMany = 0;
    for (;;) {
      // told before each wait, not after it: a wait of a minute must not be a minute of silence
      await limiter.acquire((ms) => this.settings.onWait?.({ reason: 'rate-limit', url: shown, ms }));
      const outcome = await this.attempt(url, shown);
      if (outcome.kind === 'ok') return outcome.body;
      if (outcome.kind === 'too-many') {
        tooMany += 1;
        if (tooMany > policy.maxRateLimitRetries) {
          throw new CleverUnavailable(shown, failures + tooMany, `HTTP 429 (rate limited) ${tooMany} times in a row`);
        }
        await limiter.waitAfterTooManyRequests(outcome.headers, (ms) => this.settings.onWait?.({ reason: 'too-many-requests', url: shown, ms }));
        continue;
      }
      failures += 1;
      if (failures >= policy.maxAttempts) throw new CleverUnavailable(shown, failures + tooMany, outcome.problem);
      const ms = backoffDelay(policy, failures, timing.random);
      this.settings.onWait?.({ reason: 'retry', url: shown, ms, problem: outcome.problem, attempt: failures });
      await timing.sleep(ms);
    }
  }

  private async attempt(url: URL, shown: string): Promise<Attempt> {
    const { timeoutMs } = this.settings;
    let response: Response;
    let text: string;
    try {
      response = await this.settings.fetch(url, {
        headers: { authorization: `Bearer ${this.#token}`, accept: 'application/json' },
        // Never follow a redirect with the token attached; Clever's API does not redirect.
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      this.settings.limiter.observe(response.headers);
      // The same signal bounds the body: a stalled body is a timeout too.
      text = await response.text();
    } catch (error) {
      const problem = this.networkProblem(error);
      // a port fetch never connects to fails the same way every time: no retry can help
      if (problem === BLOCKED_PORT) throw new CleverUnavailable(shown, 1, problem);
      return { kind: 'retry', problem };
    }
    const { status } = response;
    if (status >= 200 && status < 300) {
      return { kind: 'ok', body: parseJsonBody(text, response.headers.get('content-type'), shown, [this.#token]) };
    }
    if (status === 429) return { kind: 'too-many', headers: response.headers };
    if (status === 401) throw new CleverTokenRejected(shown, this.settings.tokenFrom);
    const detail = errorDetail(text, [this.#token]);
    if (isRetryableStatus(status)) return { kind: 'retry', problem: `HTTP ${status}: ${detail}` };
    if (status >= 300 && status < 400) throw new CleverBadResponse(shown, `unexpected redirect (HTTP ${status}); not followed`);
    throw new CleverRequestFailed(status, shown, detail);
  }

  /**
   * What went wrong below HTTP, from the error's name and code only: fetch's messages are generic
   * and their causes may quote request details.
   */
  private networkProblem(error: unknown): string {
    const name = (error as { name?: unknown } | null)?.name;
    if (name === 'TimeoutError') return `timed out after ${this.settings.timeoutMs} ms`;
    // By name, not instanceof: fetch's TypeError may come from another realm (e.g. under jest).
    if (name === 'TypeError') {
      const cause = (error as { cause?: { code?: unknown; name?: unknown; message?: unknown } }).cause;
      // a port fetch never connects to (1, 6000 ...: the Fetch standard's list) fails before any connection, with no code
      if (cause?.message === 'bad port') return BLOCKED_PORT;
      const code = typeof cause?.code === 'string' ? cause.code : typeof cause?.name === 'string' ? cause.name : undefined;
      return `connection failed${code === undefined ? '' : ` (${code})`}`;
    }
    // Anything else is a bug here, not a network problem: let it surface.
    throw error;
  }
}
