import { RateLimiter } from './rate-limiter';
import { FakeTime } from './spec-support/fake-time';

const headers = (values: Record<string, string>) => new Headers(values);

describe('RateLimiter', () => {
  it('given remaining 0 with a reset ahead, it waits until the reset plus jitter before the next request', async () => {
    const time = new FakeTime();
    const limiter = new RateLimiter(time);
    limiter.observe(headers({ 'X-Ratelimit-Remaining': '0', 'X-Ratelimit-Reset': String(time.seconds + 20) }));
    expect(await limiter.acquire()).toBe(20_000 + 500);
    expect(time.waits).toEqual([20_500]);
    // The window has reset: the next request goes at once.
    expect(await limiter.acquire()).toBe(0);
  });

  it('reads the headers case-insensitively', async () => {
    const time = new FakeTime();
    const limiter = new RateLimiter(time);
    limiter.observe(headers({ 'x-ratelimit-remaining': '0', 'X-RATELIMIT-RESET': String(time.seconds + 3) }));
    expect(await limiter.acquire()).toBe(3_500);
  });

  it('given remaining 1, it counts it down locally: the second request waits', async () => {
    const time = new FakeTime();
    const limiter = new RateLimiter(time);
    limiter.observe(headers({ 'X-Ratelimit-Remaining': '1', 'X-Ratelimit-Reset': String(time.seconds + 10) }));
    expect(await limiter.acquire()).toBe(0);
    expect(await limiter.acquire()).toBe(10_500);
  });

  it('given a reset already past, it does not wait', async () => {
    const time = new FakeTime();
    const limiter = new RateLimiter(time);
    limiter.observe(headers({ 'X-Ratelimit-Remaining': '0', 'X-Ratelimit-Reset': String(time.seconds - 5) }));
    expect(await limiter.acquire()).toBe(0);
  });

  it('without headers, it keeps to the requests-a-minute budget itself', async () => {
    const time = new FakeTime();
    const limiter = new RateLimiter(time, { requestsPerMinute: 3 });
    for (let i = 0; i < 3; i++) expect(await limiter.acquire()).toBe(0);
    expect(await limiter.acquire()).toBe(60_000 + 500);
  });

  it.each([
    ['X-Ratelimit-Reset 30 s ahead', (s: number) => ({ 'X-Ratelimit-Reset': String(s + 30) }), 30_500],
    ['X-Ratelimit-Reset in the past (jitter only)', (s: number) => ({ 'X-Ratelimit-Reset': String(s - 30) }), 500],
    ['Retry-After in seconds', () => ({ 'Retry-After': '7' }), 7_500],
    ['Retry-After as an HTTP date', (s: number) => ({ 'Retry-After': new Date((s + 4) * 1000).toUTCString() }), 4_500],
    ['Retry-After 3 s beside a reset 41 s ahead, requests left', (s: number) => ({ 'Retry-After': '3', 'X-Ratelimit-Remaining': '12', 'X-Ratelimit-Reset': String(s + 41) }), 3_500],
    ['Retry-After 0 with the budget spent and a reset 40 s ahead: the reset', (s: number) => ({ 'Retry-After': '0', 'X-Ratelimit-Remaining': '0', 'X-Ratelimit-Reset': String(s + 40) }), 40_500],
    ['no header: a minute', () => ({}), 60_500],
    ['a reset an hour ahead (clock skew): capped', (s: number) => ({ 'X-Ratelimit-Reset': String(s + 3600) }), 65_500],
  ])('after a 429 with %s, it waits the right time', async (_, make, expected) => {
    const time = new FakeTime();
    const limiter = new RateLimiter(time);
    expect(await limiter.waitAfterTooManyRequests(headers(make(time.seconds)))).toBe(expected);
    expect(time.waits).toEqual([expected]);
  });
});
