import type { FieldOwner, PartialCoverage } from '@roster-ledger/domain';

/**
 * The fields Clever's Data and Events APIs give from v3.1 on, by owner (a user's own, such as
 * `lms_status`, with each role), as dotted paths of the ledger's records. A record read at v3.0
 * has none of them: not that they were cleared.
 */
const V3_1_FIELDS: Readonly<Partial<Record<FieldOwner, readonly string[]>>> = {
  student: ['section_504_status', 'gifted_status', 'disability', 'home_language_code', 'preferred_name', 'lms_status'],
  teacher: ['lms_status'],
  staff: ['lms_status'],
  district_admin: ['lms_status'],
  section: ['lms_status'],
  district: ['lms_type'],
};

/**
 * What a read at `version` does not cover of what the ledger may hold: at v3.0, the v3.1 fields,
 * left as the ledger has them (a district read at v3.1 before, then at v3.0, would otherwise
 * record every student's 504 status, gifted status and preferred name as erased) and counted in
 * the sync's `kept` under a label naming the version. Undefined at v3.1, which has them all.
 */
export function coverageOfVersion(version: string): PartialCoverage | undefined {
  return isAtLeast(version, 3, 1) ? undefined : coverageBefore3_1(version);
}

/**
 * What a record of a saved API answer covers, by its list envelope item's `uri`
 * (`/v3.0/users/<id>`), which names the version it was read at; as {@link coverageOfVersion}.
 * A snapshot folder does not say its version otherwise: a v3.0 file imported after v3.1 ones would
 * record every v3.1 field as erased. Undefined (all covered) without a versioned `uri`, or at
 * v3.1 and later.
 */
export function coverageOfUri(uri: string | undefined): PartialCoverage | undefined {
  const version = versionOfUri(uri);
  return version === undefined || isAtLeast(version, 3, 1) ? undefined : coverageBefore3_1(version);
}

/** Whether an API version (`v3.0`) is `major.minor` or later. */
export function isAtLeast(version: string, major: number, minor = 0): boolean {
  const [its, itsMinor] = version.slice(1).split('.').map(Number) as [number, number];
  return its > major || (its === major && itsMinor >= minor);
}

/**
 * Why a record read at `version` cannot be recorded, or null when it can: the ledger reads
 * Clever's API up to v3 (v1.1 to v3.1); a later major version may give fields other meanings.
 */
export function unreadVersionReason(version: string): string | null {
  return isAtLeast(version, 4)
    ? `the envelope item's "uri" names API version ${version}, which this ledger does not read (it reads Clever's API up to v3.1, whose fields a later version may give other meanings)`
    : null;
}

/**
 * The API version a list envelope item's `uri` names (`/v3.0/users/<id>` -> `v3.0`), if any: also
 * in a whole address (`https://api.clever.com/v3.0/...`), and with no minor number (`/v4/` -> `v4.0`).
 */
export function versionOfUri(uri: string | undefined): string | undefined {
  const version = uri === undefined ? null : /^(?:https?:\/\/[^/]+)?\/[vV](\d+)(?:\.(\d+))?\//.exec(uri);
  return version === null ? undefined : `v${version[1]}.${version[2] ?? '0'}`;
}

/** One coverage per version: every record of a file shares it. */
const BEFORE_3_1 = new Map<string, PartialCoverage>();

function coverageBefore3_1(version: string): PartialCoverage {
  let coverage = BEFORE_3_1.get(version);
  if (coverage !== undefined) return coverage;
  const fields: Partial<Record<FieldOwner, Record<string, string>>> = {};
  for (const [owner, paths] of Object.entries(V3_1_FIELDS) as [FieldOwner, readonly string[]][]) {
    fields[owner] = Object.fromEntries(paths.map((path) => [path, `${path} (a v3.1 field, read at ${version})`]));
  }
  coverage = { fields };
  BEFORE_3_1.set(version, coverage);
  return coverage;
}
