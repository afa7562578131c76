import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CleverTokenMissing, DistrictNotConfigured } from './clever-districts';
import { describeSchedule, nextRunAfter, parseSchedule, type SyncSchedule } from './district-schedule';
import { ConfigError, LedgerConfig } from './ledger-config';

const dir = mkdtempSync(join(tmpdir(), 'clever-districts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, content: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(content));
  return path;
};
const load = (env: NodeJS.ProcessEnv) => LedgerConfig.load({ LEDGER_CONFIG: '', ...env });
const D = '5a0c91b95c7cc000010d417c';

describe('districts connected to Clever', () => {
  it('reads a district from the file, its token from the variable tokenEnv names, only when asked', () => {
    const path = file('districts.json', {
      guard: { floor: 5 },
      districts: { [D]: { tokenEnv: 'CLEVER_TOKEN_DEMO', version: 'v3.1', schedule: { events: '10m', full: '02:00' }, guard: { removeRatio: 0.2 } } },
    });
    const config = load({ LEDGER_CONFIG: path, CLEVER_TOKEN_DEMO: ' tok-123 ' });
    expect([...config.districts.values()]).toEqual([
      {
        districtId: D,
        tokenEnv: 'CLEVER_TOKEN_DEMO',
        version: 'v3.1',
        schedule: { events: { kind: 'every', ms: 600_000, text: '10m' }, full: { kind: 'daily', hour: 2, minute: 0, text: '02:00' } },
      },
    ]);
    expect(config.cleverTokenFor(D)).toBe('tok-123');
    expect(config.guardPolicyFor(D)).toMatchObject({ removeRatio: 0.2, floor: 5 });
  });

  it('reads LEDGER_DISTRICTS, whose keys replace the file entry of the same district', () => {
    const path = file('both.json', { districts: { [D]: { tokenEnv: 'FROM_FILE', guard: { removeRatio: 0.3 } }, d2: { guard: { floor: 1 } } } });
    const env = JSON.stringify({ [D]: { tokenEnv: 'FROM_ENV', baseUrl: 'http://127.0.0.1:4010/' }, d3: { tokenEnv: 'T3' } });
    const config = load({ LEDGER_CONFIG: path, LEDGER_DISTRICTS: env });
    expect(config.cleverDistrict(D)).toEqual({ districtId: D, tokenEnv: 'FROM_ENV', baseUrl: 'http://127.0.0.1:4010', schedule: {} });
    expect(config.guardPolicyFor(D).removeRatio).toBe(0.3);
    // a district with a guard only is not connected; it keeps its guard
    expect([...config.districts.keys()]).toEqual([D, 'd3']);
    expect(config.guardPolicyFor('d2').floor).toBe(1);
  });

  it('says which variable to set when the token is missing, and which districts are connected when one is not', () => {
    const config = load({ LEDGER_DISTRICTS: JSON.stringify({ [D]: { tokenEnv: 'CLEVER_TOKEN_DEMO' } }) });
    expect(() => config.cleverTokenFor(D)).toThrow(CleverTokenMissing);
    expect(() => config.cleverTokenFor(D)).toThrow(
      `the Clever token of district ${D} is read from the environment variable CLEVER_TOKEN_DEMO, which is not set: export CLEVER_TOKEN_DEMO=<the district-app token>`,
    );
    const empty = load({ LEDGER_DISTRICTS: JSON.stringify({ [D]: { tokenEnv: 'CLEVER_TOKEN_DEMO' } }), CLEVER_TOKEN_DEMO: ' ' });
    expect(() => empty.cleverTokenFor(D)).toThrow('the environment variable CLEVER_TOKEN_DEMO, which is empty: export CLEVER_TOKEN_DEMO=<the district-app token>');
    // what no token can be is refused as a setting too, before any sync is recorded, and never quoted
    for (const unfit of ['Bearer abc123secret', 'abc123\nsecret', 'abc123séc']) {
      const pasted = load({ LEDGER_DISTRICTS: JSON.stringify({ [D]: { tokenEnv: 'CLEVER_TOKEN_DEMO' } }), CLEVER_TOKEN_DEMO: unfit });
      expect(() => pasted.cleverTokenFor(D)).toThrow(CleverTokenMissing);
      expect(() => pasted.cleverTokenFor(D)).toThrow(
        `the Clever token of district ${D} is read from the environment variable CLEVER_TOKEN_DEMO, which holds no token: a token is printable ASCII without spaces (was "Bearer " pasted before it, or a space or line break into it?): export CLEVER_TOKEN_DEMO=<the district-app token>`,
      );
    }
    expect(load({ LEDGER_DISTRICTS: JSON.stringify({ [D]: { tokenEnv: 'CLEVER_TOKEN_DEMO' } }), CLEVER_TOKEN_DEMO: ' tok-en_1 \n' }).cleverTokenFor(D)).toBe('tok-en_1');
    expect(() => config.cleverTokenFor('other')).toThrow(DistrictNotConfigured);
    expect(() => config.cleverTokenFor('other')).toThrow(new RegExp(`connected districts: ${D}$`));
  });

  it('refuses a token in the configuration, without quoting it', () => {
    const attempt = () => load({ LEDGER_DISTRICTS: JSON.stringify({ [D]: { token: 'secret-token-value' } }) });
    expect(attempt).toThrow(/LEDGER_DISTRICTS: 5a0c91b95c7cc000010d417c\.token: a token is never read from the configuration; .*"tokenEnv"/);
    try {
      attempt();
    } catch (error) {
      expect((error as Error).message).not.toContain('secret-token-value');
    }
    expect(() => load({ LEDGER_DISTRICTS: '{"x": {"tokenEnv": "secret-token-value"' })).toThrow(/^LEDGER_DISTRICTS: not valid JSON/);
  });

  it.each([
    'f1e2d3c4b5a697887766554433221100aabbccdd',
    '0123456789abcdef0123',
    'dGhpcyBpcyBub3QgYSB2YXJpYWJsZSBuYW1lIGF0IGFsbA',
  ])('refuses a token pasted into tokenEnv, without quoting it: %s', (pasted) => {
    const attempt = () => load({ LEDGER_DISTRICTS: JSON.stringify({ [D]: { tokenEnv: pasted } }), [pasted]: 'x' });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/LEDGER_DISTRICTS: 5a0c91b95c7cc000010d417c\.tokenEnv: (looks like a token|value must be the name of an environment variable)/);
    try {
      attempt();
    } catch (error) {
      expect((error as Error).message).not.toContain(pasted);
    }
    // names of variables pass
    for (const name of ['CLEVER_TOKEN_DEMO', 'CLEVER_TOKEN_5A0C91B95C7CC000010D417C', 'T']) {
      expect(load({ LEDGER_DISTRICTS: JSON.stringify({ [D]: { tokenEnv: name } }) }).cleverDistrict(D).tokenEnv).toBe(name);
    }
  });

  it.each([
    [{ [D]: { tokenEnv: 'T', schedule: { events: '10 minutes' } } }, /5a0c91b95c7cc000010d417c\.schedule\.events: "10 minutes" is not a schedule/],
    [{ [D]: { tokenEnv: 'T', schedule: { full: '25:00' } } }, /schedule\.full: "25:00" is not a schedule/],
    [{ [D]: { tokenEnv: 'T', schedule: { events: '0s' } } }, /at least 1s/],
    [{ [D]: { tokenEnv: 'T', schedule: { evnts: '10m' } } }, /schedule\.evnts: unknown key/],
    [{ [D]: { schedule: { events: '10m' } } }, /tokenEnv: a district with a baseUrl, version or schedule needs "tokenEnv"/],
    [{ [D]: { tokenEnv: 'CLEVER-TOKEN' } }, /tokenEnv: value must be the name of an environment variable/],
    [{ [D]: { tokenEnv: '1ST_DISTRICT_TOKEN' } }, /tokenEnv: value must be the name of an environment variable \(letters, digits and _, not starting with a digit\)/],
    [{ [D]: { tokenEnv: 'T', version: 'v2.0' } }, /version: value must be one of v3\.0, v3\.1/],
    [{ [D]: { tokenEnv: 'T', baseUrl: 'http://clever.example.com' } }, /baseUrl: must be https/],
    [{ [D]: { tokenEnv: 'T', tokne: 'x' } }, /tokne: unknown key/],
    [[1], /LEDGER_DISTRICTS: expected a JSON object/],
  ])('stops start-up with the field named: %j', (districts, message) => {
    expect(() => load({ LEDGER_DISTRICTS: JSON.stringify(districts) })).toThrow(ConfigError);
    expect(() => load({ LEDGER_DISTRICTS: JSON.stringify(districts) })).toThrow(message);
  });

  it('names the file for a bad schedule there', () => {
    const path = file('bad-schedule.json', { districts: { [D]: { tokenEnv: 'T', schedule: { full: 'nightly' } } } });
    expect(() => load({ LEDGER_CONFIG: path })).toThrow(/bad-schedule\.json: districts\.5a0c91b95c7cc000010d417c\.schedule\.full: "nightly" is not a schedule/);
  });
});

describe('schedules', () => {
  const at = (iso: string) => new Date(iso);
  const parsed = (text: string) => parseSchedule(text) as SyncSchedule;

  it('runs an interval one interval after now, and a time of day at its next occurrence in UTC', () => {
    expect(nextRunAfter(parsed('10m'), at('2026-03-01T10:00:00Z')).toISOString()).toBe('2026-03-01T10:10:00.000Z');
    expect(nextRunAfter(parsed('1d'), at('2026-03-01T10:00:00Z')).toISOString()).toBe('2026-03-02T10:00:00.000Z');
    expect(nextRunAfter(parsed('02:00'), at('2026-03-01T01:59:00Z')).toISOString()).toBe('2026-03-01T02:00:00.000Z');
    expect(nextRunAfter(parsed('02:00'), at('2026-03-01T02:00:00Z')).toISOString()).toBe('2026-03-02T02:00:00.000Z');
    expect(nextRunAfter(parsed('23:30'), at('2026-12-31T23:45:00Z')).toISOString()).toBe('2027-01-01T23:30:00.000Z');
  });

  it('describes itself', () => {
    expect(describeSchedule(parsed('10m'))).toBe('every 10m');
    expect(describeSchedule(parsed('02:00'))).toBe('daily at 02:00 UTC');
    expect(parseSchedule('25d')).toEqual({ problem: '"25d": an interval must be at most 24d' });
  });
});
