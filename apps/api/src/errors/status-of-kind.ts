import type { ErrorKind } from '@roster-ledger/domain';

/**
 * The HTTP status of each kind of the ledger's deliberate errors (see ErrorKind): derived from the
 * kind each error class declares, as the CLI's exit code is, so the two agree on every code.
 */
export const STATUS_OF_KIND: Readonly<Record<ErrorKind, number>> = {
  invalid: 400,
  'not-found': 404,
  conflict: 409,
  // the server's own configuration (a token's variable unset): the client cannot fix it; the
  // detail names the variable, which is not a secret
  misconfigured: 500,
  unavailable: 503,
  failed: 500,
};
