import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, LedgerConfig } from './ledger-config';

const dir = mkdtempSync(join(tmpdir(), 'api-keys-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, content: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(content));
  return path;
};
const sha = (key: string) => createHash('sha256').update(key).digest('hex');
const load = (env: NodeJS.ProcessEnv) => LedgerConfig.load({ LEDGER_CONFIG: '', ...env });

describe('API keys in the configuration', () => {
  it('has none unless configured', () => {
    expect(load({}).apiKeys).toEqual([]);
    expect(load({ LEDGER_API_KEYS: '' }).apiKeys).toEqual([]);
  });

  it('reads LEDGER_API_KEYS and the file apiKeys together, hashes in lower case', () => {
    const alice = { name: 'alice', role: 'support', sha256: sha('alice-key').toUpperCase() };
    const path = file('keys.json', { apiKeys: [{ name: 'ops', role: 'engineer', sha256: sha('ops-key') }] });
    const config = load({ LEDGER_API_KEYS: JSON.stringify([alice]), LEDGER_CONFIG: path });
    expect(config.apiKeys).toEqual([
      { name: 'alice', role: 'support', sha256: sha('alice-key') },
      { name: 'ops', role: 'engineer', sha256: sha('ops-key') },
    ]);
    // the guard thresholds of a file with keys only stay the defaults
    expect(config.guardPolicyFor('d').removeRatio).toBe(0.1);
  });

  it('rejects an unknown role, a bad hash, a missing name or an unknown field, naming the entry', () => {
    const keys = (list: unknown) => () => load({ LEDGER_API_KEYS: JSON.stringify(list) });
    expect(keys([{ name: 'a', role: 'teacher', sha256: sha('k') }])).toThrow(/LEDGER_API_KEYS\[0\]\.role: role must be one of admin, engineer, compliance, support/);
    expect(keys([{ name: 'a', role: 'admin', sha256: sha('k') }, { name: 'b', role: 'admin', sha256: 'abc' }])).toThrow(/LEDGER_API_KEYS\[1\]\.sha256: .*64 hex digits/);
    expect(keys([{ role: 'admin', sha256: sha('k') }])).toThrow(/LEDGER_API_KEYS\[0\]\.name/);
    expect(keys([{ name: 'a', role: 'admin', sha256: sha('k'), key: 'oops' }])).toThrow(/LEDGER_API_KEYS\[0\]\.key: a key is configured by its SHA-256 alone, never as itself: give "sha256"/);
    expect(keys([{ name: 'ada', role: 'admin', key: 'abc' }])).toThrow('LEDGER_API_KEYS[0].key: a key is configured by its SHA-256 alone, never as itself: give "sha256": the hex digest of the key (printf %s "$KEY" | sha256sum), and no "key"');
    expect(keys({ name: 'a' })).toThrow(/must be a JSON array/);
    expect(keys(['a'])).toThrow(/LEDGER_API_KEYS\[0\]: must be an object/);
    const path = file('bad-keys.json', { apiKeys: [{ name: 'a', role: 'root', sha256: sha('k') }] });
    expect(() => load({ LEDGER_CONFIG: path })).toThrow(/bad-keys\.json: apiKeys\[0\]\.role/);
    expect(() => load({ LEDGER_CONFIG: file('not-array.json', { apiKeys: 'x' }) })).toThrow(ConfigError);
  });

  it('never quotes the variable when it is not JSON: it may hold a key pasted by mistake', () => {
    expect(() => load({ LEDGER_API_KEYS: 'my-secret-key' })).toThrow(ConfigError);
    try {
      load({ LEDGER_API_KEYS: 'my-secret-key' });
    } catch (error) {
      expect((error as Error).message).not.toContain('my-secret-key');
    }
    const pasted = JSON.stringify([{ name: 'a', role: 'admin', sha256: 'my-secret-key' }]);
    expect(() => load({ LEDGER_API_KEYS: pasted })).toThrow(ConfigError);
    try {
      load({ LEDGER_API_KEYS: pasted });
    } catch (error) {
      expect((error as Error).message).not.toContain('my-secret-key');
    }
  });

  it('rejects a name or a key configured twice', () => {
    const twice = [
      { name: 'a', role: 'admin', sha256: sha('k1') },
      { name: 'a', role: 'support', sha256: sha('k2') },
    ];
    expect(() => load({ LEDGER_API_KEYS: JSON.stringify(twice) })).toThrow(/"a" is configured twice/);
    const shared = [
      { name: 'a', role: 'admin', sha256: sha('k1') },
      { name: 'b', role: 'support', sha256: sha('k1') },
    ];
    expect(() => load({ LEDGER_API_KEYS: JSON.stringify(shared) })).toThrow(/"a" and "b" have the same hash/);
  });
});
