import type { AccessLog, AccessLogEntry } from '../ports/read-models.port';
import type { Clock } from '../ports/clock.port';
import { personalAccessOf, type Viewer } from './viewer';

/**
 * Writes the access log entry of an answer that showed students' personal data to `viewer`: none
 * for no student, nor for a role that is shown no personal data.
 */
export async function recordAccess(log: AccessLog, clock: Clock, viewer: Viewer, studentIds: readonly string[]): Promise<void> {
  if (studentIds.length === 0 || personalAccessOf(viewer.role) === 'none') return;
  const entry: AccessLogEntry = { at: clock.now().toISOString(), who: viewer.name, role: viewer.role, endpoint: viewer.via, studentIds: [...studentIds] };
  await log.record(entry);
}
