import { createHash } from 'node:crypto';
import type { Request } from 'express';
import { ApiKeyRegistry } from './api-key-registry';
import { RequestInvalid } from '../errors/api-errors';
import { keyHolderOf } from './api-key.guard';

const sha = (key: string) => createHash('sha256').update(key).digest('hex');

describe('API keys', () => {
  const registry = new ApiKeyRegistry([
    { name: 'alice', role: 'support', sha256: sha('alice-key') },
    { name: 'bob', role: 'admin', sha256: sha('bob-key') },
  ]);

  it('knows a key by its hash only, and tells who holds it', () => {
    expect(registry.identify('alice-key')).toEqual({ name: 'alice', role: 'support' });
    expect(registry.identify('bob-key')).toEqual({ name: 'bob', role: 'admin' });
    expect(registry.identify('alice-key ')).toBeNull();
    expect(registry.identify(sha('alice-key'))).toBeNull();
    expect(registry.identify('')).toBeNull();
    expect(new ApiKeyRegistry([]).identify('anything')).toBeNull();
  });

  /** A request with these headers, in this order, as Node gives them in `rawHeaders`. */
  const request = (...headers: [string, string][]) => ({ rawHeaders: headers.flat(), headers: Object.fromEntries(headers.map(([n, v]) => [n.toLowerCase(), v])) }) as unknown as Request;
  const holder = (...headers: [string, string][]) => {
    try {
      return keyHolderOf(request(...headers), registry);
    } catch (error) {
      return `${(error as Error).constructor.name}: ${error instanceof RequestInvalid ? JSON.stringify(error.errors) : (error as Error).message}`;
    }
  };
  const alice = { name: 'alice', role: 'support' };

  it('takes the key from X-Api-Key or a Bearer authorization', () => {
    expect(holder(['X-Api-Key', 'alice-key'])).toEqual(alice);
    expect(holder(['Authorization', 'Bearer alice-key'])).toEqual(alice);
    expect(holder(['authorization', 'bearer   alice-key '])).toEqual(alice);
    expect(holder(['Authorization', 'Basic a2V5Og=='])).toMatch(/^Unauthenticated: an API key is required \(the Authorization header uses the Basic scheme/);
    expect(holder()).toMatch(/^Unauthenticated: an API key is required: send/);
    expect(holder(['X-Api-Key', 'nope'])).toBe('Unauthenticated: the API key is not valid');
  });

  it('takes the same key given in both headers, and refuses two different ones rather than choose', () => {
    expect(holder(['X-Api-Key', 'alice-key'], ['Authorization', 'Bearer alice-key'])).toEqual(alice);
    expect(holder(['X-Api-Key', ' alice-key '], ['Authorization', 'bearer alice-key'])).toEqual(alice);
    // an authorization of another scheme carries no API key to differ
    expect(holder(['X-Api-Key', 'alice-key'], ['Authorization', 'Basic a2V5Og=='])).toEqual(alice);
    expect(holder(['X-Api-Key', 'alice-key'], ['Authorization', 'Bearer bob-key'])).toBe(
      'RequestInvalid: [{"parameter":"X-Api-Key","problems":["X-Api-Key and Authorization: Bearer carry two different API keys: send one key, in either header"]}]',
    );
    expect(holder(['X-Api-Key', 'alice-key'], ['Authorization', 'Bearer nope'])).toMatch(/^RequestInvalid: .*two different API keys/);
    // Node keeps the first of two Authorization headers in `headers`: the second is read all the same
    expect(holder(['Authorization', 'Bearer alice-key'], ['Authorization', 'Bearer bob-key'])).toBe(
      'RequestInvalid: [{"parameter":"Authorization","problems":["two Authorization headers carry two different API keys: send one key, in either header"]}]',
    );
  });

  it('answers 401, not 400, to two keys of which neither is valid: a request without a valid key learns nothing more', () => {
    expect(holder(['X-Api-Key', 'nope1'], ['Authorization', 'Bearer nope2'])).toBe('Unauthenticated: none of the API keys sent is valid');
    expect(holder(['Authorization', 'Bearer nope1'], ['Authorization', 'Bearer nope2'])).toBe('Unauthenticated: none of the API keys sent is valid');
  });
});
