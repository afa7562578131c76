import { cleverWaitNote } from './clever-wait-note';

describe('the note a sync prints while it waits on Clever', () => {
  const url = 'https://api.clever.com/v3.0/users?limit=10000';

  it('says how long and why, in one line, for a wait of two seconds or more', () => {
    expect(cleverWaitNote({ reason: 'rate-limit', url, ms: 48_400 })).toBe(
      `Waiting 48 s for Clever's rate limit (this district's requests for the minute are spent) before GET ${url}`,
    );
    expect(cleverWaitNote({ reason: 'too-many-requests', url, ms: 2_000 })).toBe(`Waiting 2 s: Clever answered 429 Too Many Requests to GET ${url}`);
    expect(cleverWaitNote({ reason: 'retry', url, ms: 4_200, problem: 'HTTP 503', attempt: 2 })).toBe(`Waiting 4 s to retry GET ${url} after HTTP 503 (attempt 2 failed)`);
  });

  it('stays quiet for a short wait', () => {
    expect(cleverWaitNote({ reason: 'rate-limit', url, ms: 1_999 })).toBeUndefined();
  });

  it('says every retry, however short its wait: it follows a failure, such as a request that timed out after a minute', () => {
    expect(cleverWaitNote({ reason: 'retry', url, ms: 480, problem: 'timed out after 60000 ms', attempt: 1 })).toBe(`Waiting 0.5 s to retry GET ${url} after timed out after 60000 ms (attempt 1 failed)`);
  });
});
