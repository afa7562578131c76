import { systemTiming } from './timing';
import type { Timing } from './timing';

export interface RateLimiterOptions {
  /** Clever allows 1,200 requests a minute a token, in a fixed window that resets each minute. */
  requestsPerMinute?: number;
  /** Longest single wait, in ms (default 65,000): a reset far away is clock skew, the window is one minute. */
  maxWaitMs?: number;
  /** Up to this many ms are added to every rate-limit wait (default 1,000), so clients sharing a token do not return at once. */
  jitterMs?: number;
}

const WINDOW_MS = 60_000;

/**
 * One token's request budget. Clever reports it on every response (`X-Ratelimit-Remaining`,
 * `X-Ratelimit-Reset` in Unix seconds); until it has, a local count per minute stands in for it.
 * Share one instance between clients that use the same token.
 */
export class RateLimiter {
  private readonly perMinute: number;
  private readonly maxWaitMs: number;
  private readonly jitterMs: number;
  /** From the last response; counted down locally so concurrent requests do not overrun it. */
  private remaining: number | undefined;
  private resetAt: number | undefined;
  private windowStart: number | undefined;
  private windowCount = 0;

  constructor(
    private readonly timing: Timing = systemTiming,
    options: RateLimiterOptions = {},
  ) {
    this.perMinute = options.requestsPerMinute ?? 1200;
    this.maxWaitMs = options.maxWaitMs ?? 65_000;
    this.jitterMs = options.jitterMs ?? 1000;
  }

  /**
   * Waits, if the budget is spent, until the window resets; then counts one request. Returns the ms
   * waited; `announce` hears of a wait before it starts (how long), so a user is never left in silence.
   */
  async acquire(announce?: (ms: number) => void): Promise<number> {
    let waited = 0;
    const now = this.timing.now();
    if (this.remaining !== undefined && this.remaining <= 0 && this.resetAt !== undefined && this.resetAt > now) {
      waited = await this.wait(this.resetAt - now, announce);
      this.remaining = undefined;
      this.resetAt = undefined;
    } else if (this.windowStart !== undefined && this.windowCount >= this.perMinute && now - this.windowStart < WINDOW_MS) {
      waited = await this.wait(this.windowStart + WINDOW_MS - now, announce);
    }
    this.countLocally();
    if (this.remaining !== undefined) this.remaining -= 1;
    return waited;
  }

  /** Takes the budget from a response's headers (any response, errors included). */
  observe(headers: Headers): void {
    const remaining = intHeader(headers, 'x-ratelimit-remaining');
    const resetAt = this.resetTime(headers);
    if (remaining !== undefined) this.remaining = remaining;
    if (resetAt !== undefined) this.resetAt = resetAt;
  }

  /**
   * After a 429: with requests left in the window (`X-Ratelimit-Remaining` above 0), waits as
   * `Retry-After` says: the refusal was not the budget's, whose reset may be long after. Otherwise
   * until the later of `X-Ratelimit-Reset` and `Retry-After` (a spent budget refills only at the
   * reset). Without either, a minute. Capped, plus jitter; a time already past still gets the
   * jitter, so the retry is not immediate. Returns the ms waited; `announce` hears of it before the
   * wait starts.
   */
  async waitAfterTooManyRequests(headers: Headers, announce?: (ms: number) => void): Promise<number> {
    const now = this.timing.now();
    const asked = retryAfter(headers, now);
    const reset = this.resetTime(headers);
    const requestsLeft = (intHeader(headers, 'x-ratelimit-remaining') ?? 0) > 0;
    const until = requestsLeft && asked !== undefined ? asked : reset !== undefined || asked !== undefined ? Math.max(reset ?? 0, asked ?? 0) : now + WINDOW_MS;
    this.remaining = undefined;
    this.resetAt = undefined;
    return this.wait(Math.max(0, until - now), announce);
  }

  private async wait(ms: number, announce: ((ms: number) => void) | undefined): Promise<number> {
    const total = Math.min(ms, this.maxWaitMs) + Math.floor(this.timing.random() * this.jitterMs);
    announce?.(total);
    await this.timing.sleep(total);
    this.windowStart = undefined;
    this.windowCount = 0;
    return total;
  }

  private countLocally(): void {
    const now = this.timing.now();
    if (this.windowStart === undefined || now - this.windowStart >= WINDOW_MS) {
      this.windowStart = now;
      this.windowCount = 0;
    }
    this.windowCount += 1;
  }

  /** `X-Ratelimit-Reset` as ms since the epoch. Clever sends Unix seconds; a small number is read as seconds from now. */
  private resetTime(headers: Headers): number | undefined {
    const reset = intHeader(headers, 'x-ratelimit-reset');
    if (reset === undefined) return undefined;
    return reset < 1_000_000_000 ? this.timing.now() + reset * 1000 : reset * 1000;
  }
}

/** `Headers.get` is case-insensitive, as the spec asks of these headers. */
function intHeader(headers: Headers, name: string): number | undefined {
  const value = headers.get(name)?.trim();
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  return Number(value);
}

/** `Retry-After` in delta seconds or as an HTTP date, as ms since the epoch. */
function retryAfter(headers: Headers, now: number): number | undefined {
  const value = headers.get('retry-after')?.trim();
  if (value === undefined || value === '') return undefined;
  if (/^\d+$/.test(value)) return now + Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : date;
}
