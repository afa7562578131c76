import { DomainError } from '@roster-ledger/domain';
import type { SyncSchedule } from './district-schedule';

/** The Clever API versions a district may be read with. */
export const CLEVER_API_VERSIONS = ['v3.0', 'v3.1'] as const;
export type CleverApiVersionSetting = (typeof CLEVER_API_VERSIONS)[number];

/**
 * A district connected to Clever, as configured: where to read it and when. The district-app
 * token is not here: only the name of the environment variable that holds it (`tokenEnv`), read
 * when the district syncs. A configuration file is copied, committed, attached to tickets and
 * printed in logs; an environment variable comes from the deployment's secret store and can be
 * rotated without touching the file.
 */
export interface CleverDistrictSettings {
  districtId: string;
  tokenEnv: string;
  /** Default: Clever's API (`https://api.clever.com`); a stand-in or a gateway otherwise. */
  baseUrl?: string;
  /** Default: v3.0. */
  version?: CleverApiVersionSetting;
  schedule: { events?: SyncSchedule; full?: SyncSchedule };
}

/** A sync of a district that has no Clever connection (`tokenEnv`) in the configuration. */
export class DistrictNotConfigured extends DomainError {
  readonly code = 'DISTRICT_NOT_CONFIGURED';
  readonly kind = 'not-found';
  constructor(
    readonly districtId: string,
    configured: readonly string[],
  ) {
    super(
      `district ${districtId} is not connected to Clever: configure it under "districts" in the LEDGER_CONFIG file or in LEDGER_DISTRICTS ` +
        `with {"tokenEnv": "<NAME OF THE VARIABLE HOLDING ITS TOKEN>"}` +
        (configured.length > 0 ? `; connected districts: ${configured.join(', ')}` : ''),
    );
  }
}

/** How the variable that should hold a district's token fails to: unset, empty, or holding what no token can be. */
export type TokenProblem = 'not set' | 'empty' | 'unfit';

/**
 * The environment variable that should hold a district's token is unset or empty, or holds what
 * no token can be (a space, a line break or another character outside printable ASCII: `Bearer `
 * pasted before it, say). The value is never quoted: it is (nearly) a secret.
 */
export class CleverTokenMissing extends DomainError {
  readonly code = 'CLEVER_TOKEN_MISSING';
  readonly kind = 'misconfigured';
  constructor(
    readonly districtId: string,
    readonly tokenEnv: string,
    problem: TokenProblem = 'not set',
  ) {
    super(
      problem === 'unfit'
        ? `the Clever token of district ${districtId} is read from the environment variable ${tokenEnv}, which holds no token: a token is printable ASCII without spaces (was "Bearer " pasted before it, or a space or line break into it?): export ${tokenEnv}=<the district-app token>`
        : `the Clever token of district ${districtId} is read from the environment variable ${tokenEnv}, which is ${problem}: export ${tokenEnv}=<the district-app token>`,
    );
  }
}
