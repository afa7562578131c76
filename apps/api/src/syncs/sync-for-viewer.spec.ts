import { summarizeSync } from '@roster-ledger/domain';
import type { Viewer, ViewerRole } from '@roster-ledger/ledger';
import { syncForViewer } from './sync-for-viewer';

/** A sync that failed on a file of a snapshot folder on the server, as its summary records it. */
const failed = {
  ...summarizeSync([
    {
      type: 'SyncStarted',
      data: { syncId: 's1', districtId: 'd1', source: 'snapshot', origin: '/srv/clever/north/2025-10-01', startedAt: '2025-10-01T06:00:00.000Z', requestedBy: 'ops' },
    },
  ])!,
  status: 'failed' as const,
  failure: {
    code: 'INVALID_INPUT',
    reason: '/srv/clever/north/2025-10-01/users.json, line 1: invalid JSON: the file ends in the middle of the document',
    at: { file: '/srv/clever/north/2025-10-01/users.json', line: 1 },
  },
  unknownValuesAt: { 'student.gender': [{ file: '/srv/clever/north/2025-10-01/users.json', record: 4, recordId: 'u5' }] },
  mismatchedAt: { 'enrollments.csv School_id': [{ file: '/srv/clever/north/2025-10-01/enrollments.csv', line: 7, recordId: 's2' }] },
};
const as = (role: ViewerRole): Viewer => ({ name: 'pat', role, via: 'GET /syncs/s1' });

describe('a sync as each role sees it', () => {
  it('gives admins and engineers the server paths as recorded', () => {
    expect(syncForViewer(failed, as('admin'))).toEqual(failed);
    expect(syncForViewer(failed, as('engineer'))).toEqual(failed);
  });

  it("cuts the folder, the failing file and the files of the findings' places to their last part for compliance and support, the rest as recorded", () => {
    for (const role of ['compliance', 'support'] as const) {
      const seen = syncForViewer(failed, as(role));
      expect(seen.origin).toBe('.../2025-10-01');
      expect(seen.failure).toEqual({
        code: 'INVALID_INPUT',
        reason: '.../users.json, line 1: invalid JSON: the file ends in the middle of the document',
        at: { file: '.../users.json', line: 1 },
      });
      expect(seen.unknownValuesAt).toEqual({ 'student.gender': [{ file: '.../users.json', record: 4, recordId: 'u5' }] });
      expect(seen.mismatchedAt).toEqual({ 'enrollments.csv School_id': [{ file: '.../enrollments.csv', line: 7, recordId: 's2' }] });
      expect(JSON.stringify(seen)).not.toContain('/srv/');
      expect({ ...seen, origin: failed.origin, failure: failed.failure, unknownValuesAt: failed.unknownValuesAt, mismatchedAt: failed.mismatchedAt }).toEqual(failed);
    }
  });
});
