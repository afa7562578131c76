import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULT_GUARD_POLICY } from '@roster-ledger/domain';
import { ConfigError, DEFAULT_DB_PATH, LedgerConfig } from './ledger-config';

const dir = mkdtempSync(join(tmpdir(), 'ledger-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, content: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};

describe('ledger configuration', () => {
  it('takes the ledger path from --db, else LEDGER_DB, else the documented default', () => {
    expect(LedgerConfig.load({ LEDGER_DB: '/x/env.db' }, { db: '/x/flag.db' }).dbPath).toBe('/x/flag.db');
    expect(LedgerConfig.load({ LEDGER_DB: '/x/env.db' }).dbPath).toBe('/x/env.db');
    expect(LedgerConfig.load({}).dbPath).toBe(resolve(DEFAULT_DB_PATH));
  });

  it("loads again in a worker thread as the server has it: the file as read at start, the districts, the ledger, and a token as it is now", () => {
    const path = file('thread.json', { guard: { floor: 7 }, districts: { d1: { tokenEnv: 'D1_TOKEN' } } });
    const env: NodeJS.ProcessEnv = { LEDGER_CONFIG: path, D1_TOKEN: 'first', LEDGER_DISTRICTS: JSON.stringify({ d2: { tokenEnv: 'D2_TOKEN' } }), D2_TOKEN: 'two' };
    const config = LedgerConfig.load(env, { db: '/x/flag.db' });
    env['D1_TOKEN'] = 'rotated';
    // edited after the start: a thread still has the configuration the process started with
    writeFileSync(path, '{ not json');
    const { env: threadEnv, db, file: read } = structuredClone(config.loadArguments());
    const again = LedgerConfig.load(threadEnv, { db, file: read });
    expect(again.dbPath).toBe('/x/flag.db');
    expect(again.configFile).toBe(path);
    expect(again.guardPolicyFor('d1').floor).toBe(7);
    expect([...again.districts.keys()].sort()).toEqual(['d1', 'd2']);
    expect([again.cleverTokenFor('d1'), again.cleverTokenFor('d2')]).toEqual(['rotated', 'two']);
    // started without a file: a thread has none either, even when one appears where the default is looked for
    const none = LedgerConfig.load({ LEDGER_CONFIG: '' }).loadArguments();
    expect(none.file).toBeNull();
    expect(LedgerConfig.load({ ...none.env, LEDGER_CONFIG: path }, { db: none.db, file: none.file }).configFile).toBeNull();
  });

  it('reads guard thresholds globally and per district from LEDGER_CONFIG', () => {
    const path = file('ok.json', { guard: { floor: 3 }, districts: { d1: { guard: { removeRatio: 0.5, perType: { enrollment: { removeRatio: 1 } } } } } });
    const config = LedgerConfig.load({ LEDGER_CONFIG: path });
    expect(config.guardPolicyFor('other')).toEqual({ ...DEFAULT_GUARD_POLICY, floor: 3, perType: {} });
    expect(config.guardPolicyFor('d1')).toEqual({ removeRatio: 0.5, updateRatio: 0.75, floor: 3, perType: { enrollment: { removeRatio: 1 } } });
  });

  it('takes the open timeout from LEDGER_OPEN_TIMEOUT_MS, whole milliseconds up to an hour, else 5 s, and rejects anything else by name', () => {
    expect(LedgerConfig.load({ LEDGER_OPEN_TIMEOUT_MS: '60000' }).openTimeoutMs).toBe(60_000);
    expect(LedgerConfig.load({ LEDGER_OPEN_TIMEOUT_MS: ' 0 ' }).openTimeoutMs).toBe(0);
    expect(LedgerConfig.load({ LEDGER_OPEN_TIMEOUT_MS: '' }).openTimeoutMs).toBe(5_000);
    expect(LedgerConfig.load({}).openTimeoutMs).toBe(5_000);
    for (const bad of ['5s', '-1', '1.5', '3600001', '1e4']) {
      expect(() => LedgerConfig.load({ LEDGER_OPEN_TIMEOUT_MS: bad })).toThrow(`LEDGER_OPEN_TIMEOUT_MS: expected a whole number of milliseconds from 0 to 3600000, got "${bad}"`);
    }
  });

  it('rejects a bad value, an unknown key or an unknown record type, naming the file and the field', () => {
    expect(() => LedgerConfig.load({ LEDGER_CONFIG: file('ratio.json', { guard: { removeRatio: 2 } }) })).toThrow(/ratio\.json: guard\.removeRatio/);
    expect(() => LedgerConfig.load({ LEDGER_CONFIG: file('key.json', { gaurd: {} }) })).toThrow(/gaurd/);
    expect(() => LedgerConfig.load({ LEDGER_CONFIG: file('type.json', { districts: { d: { guard: { perType: { pupil: {} } } } } }) })).toThrow(/districts\.d\.guard\.perType\.pupil: unknown record type/);
    expect(() => LedgerConfig.load({ LEDGER_CONFIG: file('bad.json', '{nope') })).toThrow(ConfigError);
    expect(() => LedgerConfig.load({ LEDGER_CONFIG: join(dir, 'missing.json') })).toThrow(/not found/);
  });

  it('names what is no object where one belongs (the whole file, a record type\'s thresholds), rather than failing inside the validator', () => {
    const load = (name: string, content: unknown) => () => LedgerConfig.load({ LEDGER_CONFIG: file(name, content) });
    expect(load('null.json', 'null')).toThrow(`null.json: the configuration must be a JSON object ({...}), not null`);
    expect(load('array.json', '[]')).toThrow('array.json: the configuration must be a JSON object ({...}), not an array');
    expect(load('number.json', '42')).toThrow('number.json: the configuration must be a JSON object ({...}), not a number');
    expect(load('per-type.json', { guard: { perType: { student: null } } })).toThrow('per-type.json: guard.perType.student must be a JSON object ({...}), not null');
    expect(load('proto.json', '{"__proto__": {"floor": 1}}')).toThrow('proto.json: __proto__: unknown key (a misspelling?)');
    expect(load('deep-proto.json', '{"guard": {"__proto__": {"floor": 1}}}')).toThrow('deep-proto.json: guard.__proto__: unknown key (a misspelling?)');
    expect(load('guard-array.json', { guard: [] })).toThrow('guard-array.json: guard: value must be an object');
    expect(load('schedule-array.json', { districts: { d: { schedule: [] } } })).toThrow('schedule-array.json: districts.d.schedule: value must be an object');
  });

  it('refuses a key given twice in one object, naming where, rather than read the last alone', () => {
    const load = (name: string, content: string) => () => LedgerConfig.load({ LEDGER_CONFIG: file(name, content) });
    expect(load('twice.json', '{"guard": {"floor": 1}, "guard": {"removeRatio": 0.5}}')).toThrow('twice.json: guard: key given twice in one object (only the last would be read)');
    expect(load('deep.json', '{"districts": {"d1": {"guard": {"floor": 1}}, "d2": {"guard": {"floor": 2, "floor": 3}}}}')).toThrow(
      'deep.json: districts.d2.guard.floor: key given twice in one object (only the last would be read)',
    );
    expect(load('keys.json', '{"apiKeys": [{"name": "a", "role": "admin", "role": "support", "sha256": "x"}]}')).toThrow('keys.json: apiKeys[0].role: key given twice');
    // the same key in two objects is no repetition
    expect(load('apart.json', '{"districts": {"d1": {"guard": {"floor": 1}}, "d2": {"guard": {"floor": 2}}}}')).not.toThrow();
    expect(() => LedgerConfig.load({ LEDGER_DISTRICTS: '{"d1": {"tokenEnv": "A"}, "d1": {"tokenEnv": "B"}}' })).toThrow('LEDGER_DISTRICTS: d1: key given twice');
    expect(() => LedgerConfig.load({ LEDGER_API_KEYS: '[{"name": "a", "name": "b", "role": "admin", "sha256": "x"}]' })).toThrow('LEDGER_API_KEYS[0].name: key given twice');
    expect(load('empty-key.json', '{"guard": {"": 1, "": 2}}')).toThrow('empty-key.json: guard."": key given twice');
  });

  it('says of a ratio given as text that it is no number, once, not that it is out of range too', () => {
    const load = () => LedgerConfig.load({ LEDGER_CONFIG: file('text-ratio.json', { guard: { removeRatio: '0.1' } }) });
    expect(load).toThrow(new ConfigError(`${join(dir, 'text-ratio.json')}: guard.removeRatio: value must be a number conforming to the specified constraints`));
  });
});
