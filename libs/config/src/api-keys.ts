import { plainToInstance } from 'class-transformer';
import { IsIn, IsString, Length, Matches, validateSync, type ValidationError } from 'class-validator';

/**
 * Roles an API key may carry. The same list as the ledger's `VIEWER_ROLES`: configuration may
 * import the domain only, so it keeps its own copy, and apps/api checks at compile time that the
 * two agree.
 */
export const API_KEY_ROLES = ['admin', 'engineer', 'compliance', 'support'] as const;
export type ApiKeyRole = (typeof API_KEY_ROLES)[number];

/**
 * One API key as configured: who holds it, with which role, and the SHA-256 of the key itself
 * (lower-case hex). The key is never stored, so a leaked configuration file does not leak keys.
 */
export interface ApiKey {
  name: string;
  role: ApiKeyRole;
  sha256: string;
}

/** A shell command that prints the SHA-256 of a key (replace KEY), for error messages and docs. */
export const API_KEY_HASH_COMMAND = `node -e "console.log(require('crypto').createHash('sha256').update('KEY').digest('hex'))"`;

class ApiKeyDto {
  // the name goes to the access log and to SyncApproved/SyncDiscarded (`by`): printable, short
  @IsString()
  @Length(1, 100)
  @Matches(/^[^\x00-\x1f\x7f]+$/, { message: 'name must be printable text' })
  name!: string;

  @IsIn(API_KEY_ROLES, { message: `role must be one of ${API_KEY_ROLES.join(', ')}` })
  role!: string;

  @IsString()
  @Matches(/^[0-9a-fA-F]{64}$/, { message: `sha256 must be the SHA-256 of the key as 64 hex digits (make it with: ${API_KEY_HASH_COMMAND})` })
  sha256!: string;
}

/** The API keys are invalid; the message names where they came from and the entry at fault. */
export class ApiKeysInvalid extends Error {}

function problemsOf(errors: ValidationError[], at: string): string[] {
  return errors.flatMap((e) => Object.values(e.constraints ?? {}).map((m) => `${at}.${e.property}: ${m}`));
}

/**
 * Validates a list of API keys from one origin (`LEDGER_API_KEYS`, or a configuration file's
 * `apiKeys`). Hashes come back in lower case.
 *
 * @param origin how the messages name the list, e.g. `LEDGER_API_KEYS` or `ledger.json: apiKeys`
 * @throws ApiKeysInvalid naming the origin and every entry at fault
 */
export function parseApiKeys(value: unknown, origin: string): ApiKey[] {
  if (!Array.isArray(value)) throw new ApiKeysInvalid(`${origin}: must be a JSON array of {"name", "role", "sha256"}`);
  const problems: string[] = [];
  const keys: ApiKey[] = [];
  value.forEach((entry: unknown, i) => {
    const at = `${origin}[${i}]`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      problems.push(`${at}: must be an object {"name", "role", "sha256"}`);
      return;
    }
    // the key itself where its hash belongs: the configuration would hold a secret, for good
    if ('key' in entry) {
      problems.push(`${at}.key: a key is configured by its SHA-256 alone, never as itself: give "sha256": the hex digest of the key (printf %s "$KEY" | sha256sum), and no "key"`);
      return;
    }
    const dto = plainToInstance(ApiKeyDto, entry);
    const errors = validateSync(dto, { whitelist: true, forbidNonWhitelisted: true });
    if (errors.length > 0) {
      problems.push(...problemsOf(errors, at));
      return;
    }
    keys.push({ name: dto.name, role: dto.role as ApiKeyRole, sha256: dto.sha256.toLowerCase() });
  });
  if (problems.length > 0) throw new ApiKeysInvalid(problems.join('; '));
  return keys;
}

/**
 * Checks the keys of every origin together: a name names one holder (the access log must say who),
 * and one key cannot belong to two holders.
 *
 * @throws ApiKeysInvalid naming the duplicate
 */
export function checkApiKeysUnique(keys: readonly ApiKey[]): void {
  const names = new Set<string>();
  const hashes = new Map<string, string>();
  for (const key of keys) {
    if (names.has(key.name)) throw new ApiKeysInvalid(`API key name "${key.name}" is configured twice; each holder needs a name of their own`);
    names.add(key.name);
    const other = hashes.get(key.sha256);
    if (other !== undefined) throw new ApiKeysInvalid(`API keys "${other}" and "${key.name}" have the same hash: one key cannot belong to two holders`);
    hashes.set(key.sha256, key.name);
  }
}
