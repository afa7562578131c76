import type { ProjectionStatus, Viewer } from '@roster-ledger/ledger';
import { runsTheServer, withoutServerDetails } from '../common/server-details';
import type { ProjectionJob } from './projection-job';

/** A projection's status as a role sees it: which of the server's processes builds a version is for those who run it. */
export function statusForViewer(status: ProjectionStatus, viewer: Viewer): ProjectionStatus {
  if (runsTheServer(viewer) || status.rebuilding === null) return status;
  return { ...status, rebuilding: { ...status.rebuilding, builder: null } };
}

/** A job as a role sees it: its error names no process or path of the server to compliance and support (a refusal names the process rebuilding). */
export function jobForViewer(job: ProjectionJob, viewer: Viewer): ProjectionJob {
  if (runsTheServer(viewer) || job.error === null) return job;
  return { ...job, error: { ...job.error, message: withoutServerDetails(job.error.message) } };
}
