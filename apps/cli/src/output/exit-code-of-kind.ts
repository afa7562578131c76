import type { ErrorKind } from '@roster-ledger/domain';
import { EXIT_FAILED, EXIT_USAGE } from './cli-output';

/**
 * The exit code of each kind of the ledger's deliberate errors (see ErrorKind): derived from the
 * kind each error class declares, as the API's HTTP status is, so the two agree on every code.
 * 2 is whatever the person must change before asking again; 1 is work that failed.
 */
export const EXIT_CODE_OF_KIND: Readonly<Record<ErrorKind, number>> = {
  invalid: EXIT_USAGE,
  'not-found': EXIT_USAGE,
  conflict: EXIT_USAGE,
  // the person at the CLI runs the process: its configuration is theirs to fix
  misconfigured: EXIT_USAGE,
  unavailable: EXIT_FAILED,
  failed: EXIT_FAILED,
};
