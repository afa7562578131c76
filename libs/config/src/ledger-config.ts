import 'reflect-metadata';
import { existsSync, readFileSync } from 'node:fs';
import { repeatedJsonKey } from './repeated-json-key';
import { resolve } from 'node:path';
import { plainToInstance, Type } from 'class-transformer';
import {
  IsArray,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  ValidateNested,
  validateSync,
  type ValidationError,
} from 'class-validator';
import { DEFAULT_GUARD_POLICY, DomainError, GUARDED_TYPES, type GuardPolicy, type GuardedType, type Thresholds } from '@roster-ledger/domain';
import { ApiKeysInvalid, checkApiKeysUnique, parseApiKeys, type ApiKey } from './api-keys';
import { CLEVER_API_VERSIONS, CleverTokenMissing, DistrictNotConfigured, type CleverDistrictSettings } from './clever-districts';
import { parseSchedule, type SyncSchedule } from './district-schedule';

/** Where the embedded ledger lives when neither `--db` nor `LEDGER_DB` says. */
export const DEFAULT_DB_PATH = 'data/roster-ledger.db';

/**
 * The ledger file's absolute path: `--db`, else LEDGER_DB, else the default (an empty value counts
 * as unset, as shells and CI files often leave them). Known before the configuration is loaded,
 * for usage checks that compare a path with the ledger's.
 */
export function ledgerPathOf(env: NodeJS.ProcessEnv, db?: string): string {
  return resolve(db || env['LEDGER_DB'] || DEFAULT_DB_PATH);
}
/** The configuration file read when `LEDGER_CONFIG` is not set, if it exists. */
export const DEFAULT_CONFIG_FILE = 'roster-ledger.config.json';

// (validated with stopAtFirstError, a property's rules run from the last decorator up: the type is
// checked first, so that "0.1" is said to be no number rather than out of range)
class ThresholdsDto {
  @IsOptional() @Max(1) @Min(0) @IsNumber() removeRatio?: number;
  @IsOptional() @Max(1) @Min(0) @IsNumber() updateRatio?: number;
}

class GuardDto extends ThresholdsDto {
  @IsOptional() @Min(0) @IsInt() floor?: number;
  @IsOptional() @IsObject() perType?: Record<string, ThresholdsDto>;
}

class ScheduleDto {
  @IsOptional() @IsString() events?: string;
  @IsOptional() @IsString() full?: string;
}

class DistrictDto {
  @IsOptional() @IsObject() @ValidateNested() @Type(() => GuardDto) guard?: GuardDto;
  // the variable's name, never its value: see CleverDistrictSettings
  @IsOptional()
  @Matches(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, { message: 'tokenEnv must be the name of an environment variable (letters, digits and _, not starting with a digit), e.g. CLEVER_TOKEN_DEMO' })
  tokenEnv?: string;
  @IsOptional() @IsString() baseUrl?: string;
  @IsOptional() @IsIn(CLEVER_API_VERSIONS, { message: `version must be one of ${CLEVER_API_VERSIONS.join(', ')}` }) version?: string;
  @IsOptional() @IsObject() @ValidateNested() @Type(() => ScheduleDto) schedule?: ScheduleDto;
}

class ConfigFileDto {
  @IsOptional() @IsObject() @ValidateNested() @Type(() => GuardDto) guard?: GuardDto;
  @IsOptional() @IsObject() districts?: Record<string, DistrictDto>;
  // entries are checked by parseApiKeys, which names each one by its index
  @IsOptional() @IsArray() apiKeys?: unknown[];
}

/**
 * The configuration is invalid; the message names the file and every field at fault. Of kind
 * `misconfigured`, as a missing token is: whoever runs the process fixes it (exit 2 on the CLI; a
 * 500 over HTTP, whose client cannot). Its code is the one the CLI has always printed for it.
 */
export class ConfigError extends DomainError {
  readonly code = 'CONFIGURATION_ERROR';
  readonly kind = 'misconfigured';
}

function flatten(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((e) => {
    const path = `${prefix}${e.property}`;
    const own = Object.entries(e.constraints ?? {}).map(([rule, m]) =>
      rule === 'whitelistValidation' ? `${path}: unknown key (a misspelling?)` : `${path}: ${m.replace(e.property, 'value')}`,
    );
    return [...own, ...flatten(e.children ?? [], `${path}.`)];
  });
}

/** The path of the first `__proto__` key held as an own key in `value` or under it, or null. */
function protoKeyPath(value: unknown, path: string): string | null {
  if (typeof value !== 'object' || value === null) return null;
  if (!Array.isArray(value) && Object.hasOwn(value, '__proto__')) return `${path}__proto__`;
  for (const [key, child] of Object.entries(value)) {
    const found = protoKeyPath(child, `${path}${key}.`);
    if (found !== null) return found;
  }
  return null;
}

/** Refuses a JSON text (valid) with a key given twice in one object, which JSON.parse would read as its last value alone. */
function refuseRepeatedKeys(text: string, origin: string): void {
  const repeated = repeatedJsonKey(text);
  // (named as the validator's errors name a path: LEDGER_API_KEYS[0].role, file.json: guard.floor)
  if (repeated !== null) throw new ConfigError(`${origin}${repeated.startsWith('[') ? '' : ': '}${repeated}: key given twice in one object (only the last would be read)`);
}

function validated<T extends object>(cls: new () => T, value: unknown, file: string, path: string): T {
  // (class-validator takes null for no object at all, and an array or a string for nothing it can name)
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const what = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
    throw new ConfigError(`${file}: ${path === '' ? 'the configuration' : path.replace(/\.$/, '')} must be a JSON object ({...}), not ${what}`);
  }
  // a key JSON.parse keeps as its own, but which class-transformer's copy drops unseen, at any depth
  const proto = protoKeyPath(value, path);
  if (proto !== null) throw new ConfigError(`${file}: ${proto}: unknown key (a misspelling?)`);
  const instance = plainToInstance(cls, value);
  const errors = flatten(validateSync(instance, { forbidUnknownValues: true, whitelist: true, forbidNonWhitelisted: true, stopAtFirstError: true }), path);
  if (errors.length > 0) throw new ConfigError(`${file}: ${errors.join('; ')}`);
  return instance;
}

/** `LEDGER_API_KEYS`: a JSON array of `{"name", "role", "sha256"}`; empty or unset means none. */
function apiKeysFromEnv(env: NodeJS.ProcessEnv): ApiKey[] {
  const raw = env['LEDGER_API_KEYS'];
  if (!raw) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    // not JSON.parse's message: it quotes the input, which may be a key pasted in by mistake
    throw new ConfigError('LEDGER_API_KEYS: not valid JSON; expected an array of {"name", "role", "sha256"}');
  }
  refuseRepeatedKeys(raw, 'LEDGER_API_KEYS');
  return parseApiKeys(parsed, 'LEDGER_API_KEYS');
}

/** API keys of every origin, checked together; their problems become configuration errors. */
function apiKeysOf(env: NodeJS.ProcessEnv, file: { name: string; apiKeys: unknown[] | undefined } | null): ApiKey[] {
  try {
    const keys = [...apiKeysFromEnv(env), ...(file?.apiKeys === undefined ? [] : parseApiKeys(file.apiKeys, `${file.name}: apiKeys`))];
    checkApiKeysUnique(keys);
    return keys;
  } catch (error) {
    if (error instanceof ApiKeysInvalid) throw new ConfigError(error.message);
    throw error;
  }
}

/** Keys that would put a secret in the configuration: refused with a pointer to tokenEnv, the value never quoted. */
const SECRET_KEYS = ['token', 'apiToken', 'accessToken', 'access_token', 'bearer'];
/** Clever ids are 24 hex digits; any id that is safe in a URL path and a stream id is accepted. */
const DISTRICT_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** How long a process waits on start for another that holds the ledger file, when `LEDGER_OPEN_TIMEOUT_MS` does not say. */
export const DEFAULT_OPEN_TIMEOUT_MS = 5_000;
/** The longest `LEDGER_OPEN_TIMEOUT_MS` taken: an hour. */
const MAX_OPEN_TIMEOUT_MS = 3_600_000;

/** `LEDGER_OPEN_TIMEOUT_MS`: whole milliseconds from 0 to an hour; empty or unset means the default. */
function openTimeoutOf(env: NodeJS.ProcessEnv): number {
  const raw = env['LEDGER_OPEN_TIMEOUT_MS']?.trim();
  if (!raw) return DEFAULT_OPEN_TIMEOUT_MS;
  const ms = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(ms <= MAX_OPEN_TIMEOUT_MS)) {
    throw new ConfigError(`LEDGER_OPEN_TIMEOUT_MS: expected a whole number of milliseconds from 0 to ${MAX_OPEN_TIMEOUT_MS}, got ${JSON.stringify(raw)}`);
  }
  return ms;
}

/** `LEDGER_DISTRICTS`: a JSON object `{"<district id>": {...}}` like the file's `districts`; empty or unset means none. */
function districtsFromEnv(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const raw = env['LEDGER_DISTRICTS'];
  if (!raw) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    // not JSON.parse's message: it quotes the input, which may hold a token pasted in by mistake
    throw new ConfigError('LEDGER_DISTRICTS: not valid JSON; expected an object {"<district id>": {"tokenEnv": "...", "schedule": {...}}}');
  }
  refuseRepeatedKeys(raw, 'LEDGER_DISTRICTS');
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError('LEDGER_DISTRICTS: expected a JSON object {"<district id>": {"tokenEnv": "...", "schedule": {...}}}');
  }
  return parsed as Record<string, unknown>;
}

/** One district's entry, validated; `origin` names where it came from (`file.json: districts.<id>` or `LEDGER_DISTRICTS.<id>`). */
function districtOf(value: unknown, file: string, path: string): DistrictDto {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ConfigError(`${file}: ${path.slice(0, -1)}: must be an object`);
  for (const key of SECRET_KEYS) {
    if (key in value) {
      throw new ConfigError(
        `${file}: ${path}${key}: a token is never read from the configuration; put it in an environment variable and name that variable with "tokenEnv"`,
      );
    }
  }
  return validated(DistrictDto, value, file, path);
}

/** The Clever connection of a district entry, if it has one (`tokenEnv`). */
function connectionOf(districtId: string, dto: DistrictDto, file: string, path: string): CleverDistrictSettings | null {
  const schedule: CleverDistrictSettings['schedule'] = {};
  for (const mode of ['events', 'full'] as const) {
    const text = dto.schedule?.[mode];
    if (text === undefined) continue;
    const parsed = parseSchedule(text);
    if ('problem' in parsed) throw new ConfigError(`${file}: ${path}schedule.${mode}: ${parsed.problem}`);
    schedule[mode] = parsed as SyncSchedule;
  }
  const connects = dto.tokenEnv !== undefined || dto.baseUrl !== undefined || dto.version !== undefined || dto.schedule !== undefined;
  if (!connects) return null;
  if (dto.tokenEnv === undefined) {
    throw new ConfigError(`${file}: ${path}tokenEnv: a district with a baseUrl, version or schedule needs "tokenEnv", the environment variable holding its Clever token`);
  }
  if (looksLikeToken(dto.tokenEnv)) {
    // the value is never quoted: it is most likely the token itself, pasted in the wrong place
    throw new ConfigError(
      `${file}: ${path}tokenEnv: looks like a token, not the name of an environment variable; put the token in a variable (e.g. CLEVER_TOKEN_DEMO) and give its name here`,
    );
  }
  if (!DISTRICT_ID.test(districtId)) throw new ConfigError(`${file}: ${path.slice(0, -1)}: not a district id (letters, digits, '.', '_', '-')`);
  if (dto.baseUrl !== undefined) checkBaseUrl(dto.baseUrl, file, `${path}baseUrl`);
  return {
    districtId,
    tokenEnv: dto.tokenEnv,
    ...(dto.baseUrl === undefined ? {} : { baseUrl: dto.baseUrl.replace(/\/+$/, '') }),
    ...(dto.version === undefined ? {} : { version: dto.version as CleverDistrictSettings['version'] }),
    schedule,
  };
}

/**
 * A value that passes for a variable name but reads like a secret: 16 or more hex digits (Clever's
 * tokens are 40), or 32 or more characters with digits and no `_` (base64-like). Variable names
 * are words joined by `_`: CLEVER_TOKEN_DEMO, CLEVER_TOKEN_5A0C91B9.
 */
function looksLikeToken(name: string): boolean {
  return /^[0-9a-f]{16,}$/i.test(name) || (name.length >= 32 && !name.includes('_') && /[0-9]/.test(name));
}

/** https, or plain http to this machine only (a local stand-in): the token must not cross a network in clear text. */
function checkBaseUrl(text: string, file: string, path: string): void {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError(`${file}: ${path}: not a URL`);
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw new ConfigError(`${file}: ${path}: must have no credentials, query or fragment`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
    throw new ConfigError(`${file}: ${path}: must be https (plain http only for localhost)`);
  }
}

function policyOf(dto: GuardDto | undefined, base: GuardPolicy, file: string, path: string): GuardPolicy {
  if (!dto) return base;
  const perType: Partial<Record<GuardedType, Partial<Thresholds>>> = { ...base.perType };
  for (const [type, value] of Object.entries(dto.perType ?? {})) {
    if (!(GUARDED_TYPES as readonly string[]).includes(type)) {
      throw new ConfigError(`${file}: ${path}guard.perType.${type}: unknown record type; expected one of ${GUARDED_TYPES.join(', ')}`);
    }
    const t = validated(ThresholdsDto, value, file, `${path}guard.perType.${type}.`);
    perType[type as GuardedType] = { ...perType[type as GuardedType], ...t };
  }
  return {
    removeRatio: dto.removeRatio ?? base.removeRatio,
    updateRatio: dto.updateRatio ?? base.updateRatio,
    floor: dto.floor ?? base.floor,
    perType,
  };
}

/**
 * The typed, validated configuration: the only reader of `process.env` in the project.
 *
 * - `LEDGER_DB`: path of the embedded SQLite ledger (the `--db` option wins).
 * - `LEDGER_CONFIG`: path of a JSON file with guard thresholds, globally and per district, and the
 *   districts connected to Clever:
 *   `{"guard": {"removeRatio": 0.1, "updateRatio": 0.75, "floor": 10},
 *     "districts": {"<id>": {"guard": {"perType": {"enrollment": {"removeRatio": 1}}},
 *                            "tokenEnv": "CLEVER_TOKEN_DEMO", "baseUrl": "https://api.clever.com", "version": "v3.0",
 *                            "schedule": {"events": "10m", "full": "02:00"}}}}`.
 * - `LEDGER_DISTRICTS`: a JSON object of districts of the same shape; for a district in both, each
 *   key given here replaces the file's.
 * - `LEDGER_API_KEYS`: a JSON array of API keys `[{"name": "alice", "role": "support",
 *   "sha256": "<hex SHA-256 of the key>"}]`, added to the `apiKeys` array of the JSON file.
 * - `LEDGER_OPEN_TIMEOUT_MS`: how long this process waits on start for another that holds the
 *   ledger file whole (a large sync's append in bulk) before failing (5 s when unset). Once open,
 *   its statements wait 5 s for another's lock, whatever this says: a server's thread must not
 *   block for minutes.
 * - The variable each district's `tokenEnv` names: its Clever district-app token, read only when
 *   that district syncs (so a missing one stops that district, not the whole service).
 */
export class LedgerConfig {
  private constructor(
    readonly dbPath: string,
    readonly configFile: string | null,
    private readonly defaultPolicy: GuardPolicy,
    private readonly districtPolicies: Map<string, GuardPolicy>,
    /** The API keys of `LEDGER_API_KEYS` and of the file's `apiKeys`, validated, hashes in lower case. */
    readonly apiKeys: readonly ApiKey[],
    /** The districts connected to Clever (those with a `tokenEnv`), by Clever district id. */
    readonly districts: ReadonlyMap<string, CleverDistrictSettings>,
    /** `LEDGER_OPEN_TIMEOUT_MS`, else DEFAULT_OPEN_TIMEOUT_MS. */
    readonly openTimeoutMs: number,
    private readonly env: NodeJS.ProcessEnv,
    /** The configuration file's text as it was read (null: no file), for {@link loadArguments}. */
    private readonly fileText: string | null,
  ) {}

  /**
   * @param overrides.file the configuration file as already read (null: none), instead of the one
   *   LEDGER_CONFIG or the default names: a thread loads the configuration its process started with
   */
  static load(env: NodeJS.ProcessEnv = process.env, overrides: { db?: string; file?: { path: string; text: string } | null } = {}): LedgerConfig {
    // an empty variable counts as unset, as shells and CI files often leave them
    const dbPath = ledgerPathOf(env, overrides.db);
    const explicit = env['LEDGER_CONFIG'] || undefined;
    const file = overrides.file !== undefined ? overrides.file?.path : (explicit ?? (existsSync(DEFAULT_CONFIG_FILE) ? DEFAULT_CONFIG_FILE : undefined));
    let dto: ConfigFileDto | null = null;
    let text: string | null = overrides.file?.text ?? null;
    if (file !== undefined) {
      if (text === null && !existsSync(file)) throw new ConfigError(`${file}: configuration file not found (LEDGER_CONFIG)`);
      let raw: unknown;
      try {
        text ??= readFileSync(file, 'utf8');
        raw = JSON.parse(text);
      } catch (e) {
        throw new ConfigError(`${file}: not valid JSON (${(e as Error).message})`);
      }
      refuseRepeatedKeys(text, file);
      dto = validated(ConfigFileDto, raw, file, '');
    }
    const fileName = file ?? '(no configuration file)';
    const base = policyOf(dto?.guard, DEFAULT_GUARD_POLICY, fileName, '');
    // each district: its file entry, then LEDGER_DISTRICTS' keys over it
    const entries = new Map<string, { dto: DistrictDto; origin: string; path: string }>();
    for (const [id, value] of Object.entries(dto?.districts ?? {})) {
      entries.set(id, { dto: districtOf(value, fileName, `districts.${id}.`), origin: fileName, path: `districts.${id}.` });
    }
    for (const [id, value] of Object.entries(districtsFromEnv(env))) {
      const fromEnv = districtOf(value, 'LEDGER_DISTRICTS', `${id}.`);
      const known = entries.get(id);
      const merged = Object.assign(new DistrictDto(), known?.dto, definedOf(fromEnv));
      entries.set(id, known ? { dto: merged, origin: `${known.origin} + LEDGER_DISTRICTS`, path: `districts.${id}.` } : { dto: merged, origin: 'LEDGER_DISTRICTS', path: `${id}.` });
    }
    const policies = new Map<string, GuardPolicy>();
    const districts = new Map<string, CleverDistrictSettings>();
    for (const [id, { dto: district, origin, path }] of entries) {
      policies.set(id, policyOf(district.guard, base, origin, path));
      const connection = connectionOf(id, district, origin, path);
      if (connection) districts.set(id, connection);
    }
    const apiKeys = apiKeysOf(env, file === undefined ? null : { name: file, apiKeys: dto?.apiKeys });
    return new LedgerConfig(dbPath, file === undefined ? null : resolve(file), base, policies, apiKeys, districts, openTimeoutOf(env), env, text);
  }

  /**
   * What loads this configuration again in a worker thread, as `LedgerConfig.load(env, { db, file })`:
   * its variables as they are now (a token rotated in the environment included), the file as it
   * was read at start (not as it may have been edited since), the same ledger.
   */
  loadArguments(): { env: Record<string, string>; db: string; file: { path: string; text: string } | null } {
    const env: Record<string, string> = {};
    for (const [name, value] of Object.entries(this.env)) if (value !== undefined) env[name] = value;
    const file = this.configFile === null || this.fileText === null ? null : { path: this.configFile, text: this.fileText };
    return { env, db: this.dbPath, file };
  }

  guardPolicyFor(districtId: string): GuardPolicy {
    return this.districtPolicies.get(districtId) ?? this.defaultPolicy;
  }

  /**
   * The connection settings of a district connected to Clever.
   * @throws DistrictNotConfigured when the configuration does not connect it
   */
  cleverDistrict(districtId: string): CleverDistrictSettings {
    const settings = this.districts.get(districtId);
    if (!settings) throw new DistrictNotConfigured(districtId, [...this.districts.keys()]);
    return settings;
  }

  /**
   * A district's Clever token, read now from the variable its `tokenEnv` names (so a rotated token
   * is picked up by the next sync of a long-running server only if the process environment is
   * updated; restart it after a rotation).
   * @throws DistrictNotConfigured when the configuration does not connect the district
   * @throws CleverTokenMissing naming the variable when it is unset or empty
   */
  cleverTokenFor(districtId: string): string {
    const { tokenEnv } = this.cleverDistrict(districtId);
    const token = this.env[tokenEnv]?.trim();
    if (token === undefined || token === '') throw new CleverTokenMissing(districtId, tokenEnv, token === undefined ? 'not set' : 'empty');
    // refused here, as a setting, rather than by the client once a sync is under way
    if (!/^[\x21-\x7e]+$/.test(token)) throw new CleverTokenMissing(districtId, tokenEnv, 'unfit');
    return token;
  }
}

/** The keys a DTO actually has a value for (class-transformer leaves absent ones undefined). */
function definedOf<T extends object>(dto: T): Partial<T> {
  return Object.fromEntries(Object.entries(dto).filter(([, v]) => v !== undefined)) as Partial<T>;
}
