import 'reflect-metadata';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { plainToInstance, Type } from 'class-transformer';
import {
  IsArray,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  Max,
  Min,
  ValidateNested,
  validateSync,
  type ValidationError,
} from 'class-validator';
import { DEFAULT_GUARD_POLICY, GUARDED_TYPES, type GuardPolicy, type GuardedType, type Thresholds } from '@roster-ledger/domain';
import { ApiKeysInvalid, checkApiKeysUnique, parseApiKeys, type ApiKey } from './api-keys';

/** Where the embedded ledger lives when neither `--db` nor `LEDGER_DB` says. */
export const DEFAULT_DB_PATH = 'data/roster-ledger.db';
/** The configuration file read when `LEDGER_CONFIG` is not set, if it exists. */
export const DEFAULT_CONFIG_FILE = 'roster-ledger.config.json';

class ThresholdsDto {
  @IsOptional() @IsNumber() @Min(0) @Max(1) removeRatio?: number;
  @IsOptional() @IsNumber() @Min(0) @Max(1) updateRatio?: number;
}

class GuardDto extends ThresholdsDto {
  @IsOptional() @IsInt() @Min(0) floor?: number;
  @IsOptional() @IsObject() perType?: Record<string, ThresholdsDto>;
}

class DistrictDto {
  @IsOptional() @ValidateNested() @Type(() => GuardDto) guard?: GuardDto;
}

class ConfigFileDto {
  @IsOptional() @ValidateNested() @Type(() => GuardDto) guard?: GuardDto;
  @IsOptional() @IsObject() districts?: Record<string, DistrictDto>;
  // entries are checked by parseApiKeys, which names each one by its index
  @IsOptional() @IsArray() apiKeys?: unknown[];
}

/** The configuration is invalid; the message names the file and every field at fault. */
export class ConfigError extends Error {
  readonly code = 'INVALID_CONFIG';
}

function flatten(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((e) => {
    const path = `${prefix}${e.property}`;
    const own = Object.values(e.constraints ?? {}).map((m) => `${path}: ${m.replace(e.property, 'value')}`);
    return [...own, ...flatten(e.children ?? [], `${path}.`)];
  });
}

function validated<T extends object>(cls: new () => T, value: unknown, file: string, path: string): T {
  const instance = plainToInstance(cls, value);
  const errors = flatten(validateSync(instance, { forbidUnknownValues: true, whitelist: true, forbidNonWhitelisted: true }), path);
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
 * - `LEDGER_CONFIG`: path of a JSON file with guard thresholds, globally and per district:
 *   `{"guard": {"removeRatio": 0.1, "updateRatio": 0.75, "floor": 10},
 *     "districts": {"<id>": {"guard": {"perType": {"enrollment": {"removeRatio": 1}}}}}}`.
 * - `LEDGER_API_KEYS`: a JSON array of API keys `[{"name": "alice", "role": "support",
 *   "sha256": "<hex SHA-256 of the key>"}]`, added to the `apiKeys` array of the JSON file.
 */
export class LedgerConfig {
  private constructor(
    readonly dbPath: string,
    readonly configFile: string | null,
    private readonly defaultPolicy: GuardPolicy,
    private readonly districtPolicies: Map<string, GuardPolicy>,
    /** The API keys of `LEDGER_API_KEYS` and of the file's `apiKeys`, validated, hashes in lower case. */
    readonly apiKeys: readonly ApiKey[] = [],
  ) {}

  static load(env: NodeJS.ProcessEnv = process.env, overrides: { db?: string } = {}): LedgerConfig {
    // an empty variable counts as unset, as shells and CI files often leave them
    const dbPath = resolve(overrides.db || env['LEDGER_DB'] || DEFAULT_DB_PATH);
    const explicit = env['LEDGER_CONFIG'] || undefined;
    const file = explicit ?? (existsSync(DEFAULT_CONFIG_FILE) ? DEFAULT_CONFIG_FILE : undefined);
    if (file === undefined) return new LedgerConfig(dbPath, null, DEFAULT_GUARD_POLICY, new Map(), apiKeysOf(env, null));
    if (!existsSync(file)) throw new ConfigError(`${file}: configuration file not found (LEDGER_CONFIG)`);
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      throw new ConfigError(`${file}: not valid JSON (${(e as Error).message})`);
    }
    const dto = validated(ConfigFileDto, raw, file, '');
    const base = policyOf(dto.guard, DEFAULT_GUARD_POLICY, file, '');
    const districts = new Map<string, GuardPolicy>();
    for (const [id, value] of Object.entries(dto.districts ?? {})) {
      const district = validated(DistrictDto, value, file, `districts.${id}.`);
      districts.set(id, policyOf(district.guard, base, file, `districts.${id}.`));
    }
    return new LedgerConfig(dbPath, resolve(file), base, districts, apiKeysOf(env, { name: file, apiKeys: dto.apiKeys }));
  }

  guardPolicyFor(districtId: string): GuardPolicy {
    return this.districtPolicies.get(districtId) ?? this.defaultPolicy;
  }
}
