import type { Viewer } from '../access/viewer';
import type { AccessLog } from '../ports/read-models.port';
import type { Clock } from '../ports/clock.port';
import { recordAccess } from '../access/record-access';

/** Writes the access log entry of a request that showed students' personal data. */
export abstract class LoggingHandler {
  constructor(
    protected readonly log: AccessLog,
    protected readonly clock: Clock,
  ) {}

  protected async logAccess(viewer: Viewer, studentIds: string[]): Promise<void> {
    await recordAccess(this.log, this.clock, viewer, studentIds);
  }
}
