import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CleverBadResponse } from './clever-api-errors';
import { errorDetail, parseJsonBody } from './response-body';
import { displayUrl, redact } from './safe-text';

const TOKEN = 'tok_3f9a1c2e7b6d4e5f';
const REAL_400 = resolve(__dirname, '../../../../../shared/data/clever-ruby-v1.1-demo-api/errors/error_400_bad_created_since.json');
/** An inline copy of that real body, so the shape is tested without ../shared. */
const INLINE_400 =
  '{\n "error": "Could not parse created_since \'2013-02-15T 2:30:42 0000\'. Please ensure it is either a valid ObjectID or a valid W3C datetime: http://www.w3.org/TR/NOTE-datetime."\n}';

describe('error bodies become readable details', () => {
  it('uses the "message" of the v3 shape', () => {
    expect(errorDetail('{"message": "limit must be at most 10000"}', [TOKEN])).toBe('limit must be at most 10000');
  });

  it('uses the "error" of the v1.1 shape (inline copy of the real 400 body)', () => {
    expect(errorDetail(INLINE_400, [TOKEN])).toMatch(/^Could not parse created_since '2013-02-15T 2:30:42 0000'\. Please ensure/);
  });

  it('uses the "error" of the real recorded 400 body', () => {
    if (!existsSync(REAL_400)) {
      console.warn(`skipped: ${REAL_400} is absent (../shared/data is not part of a user's clone); the inline copy is tested above`);
      return;
    }
    expect(errorDetail(readFileSync(REAL_400, 'utf8'), [TOKEN])).toMatch(/^Could not parse created_since .* valid W3C datetime/);
  });

  it('describes an HTML page by its title, and text by itself, without the token', () => {
    expect(errorDetail('<html><head><title>502 Bad Gateway</title></head></html>', [TOKEN])).toBe('an HTML page instead of a JSON error titled "502 Bad Gateway"');
    expect(errorDetail(`bad token ${TOKEN}`, [TOKEN])).toBe('bad token [redacted]');
    expect(errorDetail(`{"message": "token ${TOKEN} revoked"}`, [TOKEN])).toBe('token [redacted] revoked');
    expect(errorDetail('', [TOKEN])).toBe('no explanation in the response body');
  });
});

describe('2xx bodies must be JSON', () => {
  const url = 'https://api.clever.com/v3.0/users?limit=10000';
  it.each([
    ['an HTML page', '<!DOCTYPE html><html><title>Log in</title></html>', 'text/html; charset=utf-8', /got an HTML page titled "Log in" \(Content-Type text\/html; charset=utf-8\)/],
    ['HTML sent as JSON', '<html></html>', 'application/json', /got an HTML page/],
    ['another Content-Type', 'users', 'text/plain', /expected JSON, got Content-Type text\/plain/],
    ['broken JSON, without quoting it', '{"data": [{"name": "Ada Lovelace"', 'application/json', /not valid JSON \(33 characters: truncated or corrupted\?\)$/],
    ['an empty body', '', 'application/json', /the body is empty/],
  ])('rejects %s with CleverBadResponse naming the URL', (_, text, type, reason) => {
    let error: unknown;
    try {
      parseJsonBody(text, type, url, [TOKEN]);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(CleverBadResponse);
    expect((error as CleverBadResponse).message).toContain(`GET ${url}: `);
    expect((error as CleverBadResponse).message).toMatch(reason);
    expect((error as CleverBadResponse).message).not.toContain('Ada');
  });

  it('accepts JSON without a Content-Type', () => {
    expect(parseJsonBody('{"data": []}', null, url, [TOKEN])).toEqual({ data: [] });
  });
});

describe('safe text', () => {
  it('drops credentials and secret-looking query values from URLs, keeps Clever parameters', () => {
    expect(displayUrl('https://user:pw@api.clever.com/v3.0/users?limit=5&access_token=abc&starting_after=x#f')).toBe(
      'https://api.clever.com/v3.0/users?limit=5&access_token=[redacted]&starting_after=x',
    );
  });

  it('redacts every occurrence of a secret and cuts long text', () => {
    expect(redact(`a ${TOKEN} b ${TOKEN}`, [TOKEN])).toBe('a [redacted] b [redacted]');
    expect(redact('x'.repeat(10), [], 4)).toBe('xxxx…');
  });
});
