import { createHash } from 'node:crypto';
import type { Request } from 'express';
import { ApiKeyRegistry } from './api-key-registry';
import { RequestInvalid } from '../errors/api-errors';
import { presentedKey } from './authenticated-request';

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

  it('takes the key from X-Api-Key or a Bearer authorization', () => {
    const request = (headers: Record<string, string>) => ({ headers }) as unknown as Request;
    expect(presentedKey(request({ 'x-api-key': 'k1' }))).toBe('k1');
    expect(presentedKey(request({ authorization: 'Bearer k2' }))).toBe('k2');
    expect(presentedKey(request({ authorization: 'bearer   k3 ' }))).toBe('k3');
    expect(presentedKey(request({ authorization: 'Basic a2V5Og==' }))).toBeNull();
    expect(presentedKey(request({}))).toBeNull();
  });

  it('takes the same key given in both headers, and refuses two different ones rather than choose', () => {
    const request = (headers: Record<string, string>) => ({ headers }) as unknown as Request;
    expect(presentedKey(request({ 'x-api-key': 'k1', authorization: 'Bearer k1' }))).toBe('k1');
    expect(presentedKey(request({ 'x-api-key': ' k1 ', authorization: 'bearer k1' }))).toBe('k1');
    // an authorization of another scheme carries no API key to differ
    expect(presentedKey(request({ 'x-api-key': 'k1', authorization: 'Basic a2V5Og==' }))).toBe('k1');
    const both = () => presentedKey(request({ 'x-api-key': 'k1', authorization: 'Bearer k2' }));
    expect(both).toThrow(RequestInvalid);
    expect(both).toThrow('X-Api-Key and Authorization: Bearer carry two different API keys: send one key, in either header');
  });
});
