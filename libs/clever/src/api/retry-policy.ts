export interface RetryOptions {
  /** Attempts per request for 5xx, connection failures and timeouts, the first included (default 5). */
  maxAttempts?: number;
  /** First backoff, in ms (default 500); doubles each attempt. */
  baseDelayMs?: number;
  /** Longest backoff, in ms (default 30,000). */
  maxDelayMs?: number;
  /** 429s in a row for one request before giving up (default 5): each is waited out, so more means another client is eating the budget. */
  maxRateLimitRetries?: number;
}

export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  maxRateLimitRetries: number;
}

export function retryPolicy(options: RetryOptions = {}): RetryPolicy {
  const policy = {
    maxAttempts: options.maxAttempts ?? 5,
    baseDelayMs: options.baseDelayMs ?? 500,
    maxDelayMs: options.maxDelayMs ?? 30_000,
    maxRateLimitRetries: options.maxRateLimitRetries ?? 5,
  };
  if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1) {
    throw new RangeError(`maxAttempts must be a positive integer, got ${policy.maxAttempts}`);
  }
  if (!Number.isInteger(policy.maxRateLimitRetries) || policy.maxRateLimitRetries < 0) {
    throw new RangeError(`maxRateLimitRetries must be a non-negative integer, got ${policy.maxRateLimitRetries}`);
  }
  if (!(policy.baseDelayMs >= 0) || !(policy.maxDelayMs >= policy.baseDelayMs)) {
    throw new RangeError('backoff delays must satisfy 0 <= baseDelayMs <= maxDelayMs');
  }
  return policy;
}

/**
 * The wait before attempt `failed + 1`: exponential, capped, with "equal jitter" (half fixed, half
 * random) so a fleet of syncs hit by the same outage does not retry in lockstep, yet each wait
 * still grows.
 */
export function backoffDelay(policy: RetryPolicy, failed: number, random: () => number): number {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (failed - 1));
  return Math.round(exponential / 2 + random() * (exponential / 2));
}

/** 5xx are Clever's failures and worth retrying, except 501 (an unsupported request stays unsupported). */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 && status <= 599 && status !== 501;
}
