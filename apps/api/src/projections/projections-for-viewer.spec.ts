import type { ProjectionStatus, Viewer, ViewerRole } from '@roster-ledger/ledger';
import type { ProjectionJob } from './projection-job';
import { jobForViewer, statusForViewer } from './projections-for-viewer';

const as = (role: ViewerRole): Viewer => ({ name: 'pat', role, via: 'GET /projections' });

describe('projections as a role sees them', () => {
  it("leaves out which of the server's processes builds a version, for compliance and support", () => {
    const status = {
      name: 'accounts',
      rebuilding: { version: 3, position: 120, builder: { pid: 28270, host: 'vm' }, underWay: true, resumedBy: 'rebuild' },
    } as unknown as ProjectionStatus;
    for (const role of ['compliance', 'support'] as const) expect(statusForViewer(status, as(role)).rebuilding).toEqual({ ...status.rebuilding, builder: null });
    for (const role of ['admin', 'engineer'] as const) expect(statusForViewer(status, as(role))).toBe(status);
  });

  it("names no process or path of the server in a job's error, for compliance and support", () => {
    const job = {
      id: 'j1',
      status: 'failed',
      error: { code: 'REBUILD_UNDER_WAY', message: 'projection accounts is being rebuilt by process 28270 on vm; one rebuild at a time: try again when it ends' },
    } as unknown as ProjectionJob;
    expect(jobForViewer(job, as('support')).error).toEqual({ code: 'REBUILD_UNDER_WAY', message: 'projection accounts is being rebuilt by another process; one rebuild at a time: try again when it ends' });
    expect(jobForViewer(job, as('engineer'))).toBe(job);
  });
});
