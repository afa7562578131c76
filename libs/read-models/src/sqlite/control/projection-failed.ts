import type { ProjectionFailure } from '@roster-ledger/ledger';
import { DomainError } from '@roster-ledger/domain';

/**
 * A projection stopped at an event it cannot fold (it never skips one), saying which. Of kind
 * `failed`: the work failed, not the request (exit 1; a 500 under this code over HTTP).
 */
export class ProjectionFailed extends DomainError {
  readonly code = 'PROJECTION_FAILED';
  readonly kind = 'failed';
  constructor(
    readonly projection: string,
    readonly failure: ProjectionFailure,
  ) {
    super(`projection ${projection} stopped at position ${failure.position} (${failure.type} on ${failure.streamId}): ${failure.message}`);
  }
}
