import { summarizeSync } from '@roster-ledger/domain';
import type { LoggedChange, Viewer, ViewerRole } from '@roster-ledger/ledger';
import { changeForViewer, syncForViewer } from './sync-for-viewer';

/** A sync that failed on a file of a snapshot folder on the server, as its summary records it. */
const failed = {
  ...summarizeSync([
    {
      type: 'SyncStarted',
      data: {
        syncId: 's1', districtId: 'd1', source: 'snapshot', origin: '/srv/clever/north/2025-10-01', startedAt: '2025-10-01T06:00:00.000Z', requestedBy: 'ops',
        owner: { pid: 10001, host: 'vm', started: '10001/pid:[4026531836]/0e035386-6b27-4285-bd01-63bb4ff37427/8011667' },
      },
    },
  ])!,
  status: 'failed' as const,
  failure: {
    code: 'INVALID_INPUT',
    reason: '/srv/clever/north/2025-10-01/users.json, line 1: invalid JSON: the file ends in the middle of the document',
    at: { file: '/srv/clever/north/2025-10-01/users.json', line: 1 },
  },
  unknownValuesAt: {
    'student.gender': [{ file: '/srv/clever/north/2025-10-01/users.json', record: 4, recordId: 'u5' }],
    'student.disability.disability_type': [{ file: '/srv/clever/north/2025-10-01/users.json', record: 6, recordId: 'u7' }],
    'student.grade': [{ file: '/srv/clever/north/2025-10-01/users.json', record: 5, recordId: 'u6' }],
    'student.ext.locker': [{ file: '/srv/clever/north/2025-10-01/users.json', record: 8, recordId: 'u9' }],
    'term.start_date': [{ file: '/srv/clever/north/2025-10-01/sections.csv', line: 3, recordId: 'sis-term-1' }],
  },
  mismatchedAt: { 'enrollments.csv School_id': [{ file: '/srv/clever/north/2025-10-01/enrollments.csv', line: 7, recordId: 's2' }] },
  unnamedAt: { section: [{ file: '/srv/clever/north/2025-10-01/sections.csv', line: 4, recordId: 'sis-section-1' }] },
  unpairedAt: { 'staff.csv Staff_email': [{ file: '/srv/clever/north/2025-10-01/staff.csv', line: 2, recordId: 'sis-staff-1' }] },
  endsBeforeStartAt: { term: [{ file: '/srv/clever/north/2025-10-01/sections.csv', line: 5, recordId: 'sis-term-2' }] },
};
const as = (role: ViewerRole): Viewer => ({ name: 'pat', role, via: 'GET /syncs/s1' });

describe('a sync as each role sees it', () => {
  it('gives admins the sync as recorded, and engineers its server paths as recorded', () => {
    expect(syncForViewer(failed, as('admin'))).toEqual(failed);
    const engineers = syncForViewer(failed, as('engineer'));
    expect({ ...engineers, unknownValues: failed.unknownValues, unknownValuesAt: failed.unknownValuesAt }).toEqual(failed);
  });

  it('shows nothing of a value outside Clever\'s lists in a personal field the role may not see: no count, no place', () => {
    const sync = { ...failed, unknownValues: { 'student.gender': 1, 'student.disability.disability_type': 1, 'student.grade': 1, 'student.ext.locker': 1, 'term.start_date': 1 } };
    const seen = (role: ViewerRole) => {
      const shown = syncForViewer(sync, as(role));
      return { counted: Object.keys(shown.unknownValues), placed: Object.fromEntries(Object.entries(shown.unknownValuesAt).map(([label, at]) => [label, at.map((one) => one.recordId)])) };
    };
    const all = { 'student.gender': ['u5'], 'student.disability.disability_type': ['u7'], 'student.grade': ['u6'], 'student.ext.locker': ['u9'], 'term.start_date': ['sis-term-1'] };
    expect(seen('admin')).toEqual({ counted: Object.keys(all), placed: all });
    expect(seen('compliance')).toEqual({ counted: Object.keys(all), placed: all });
    // a grade and a term's dates are roster facts; a gender, a disability and a district's extension fields are not
    const rosterFactsOnly = { 'student.grade': ['u6'], 'term.start_date': ['sis-term-1'] };
    expect(seen('support')).toEqual({ counted: Object.keys(rosterFactsOnly), placed: rosterFactsOnly });
    expect(seen('engineer')).toEqual({ counted: Object.keys(rosterFactsOnly), placed: rosterFactsOnly });
  });

  it("cuts the folder, the failing file and the files of the findings' places to their last part for compliance and support, leaves out the server's process, the rest as recorded", () => {
    expect(failed.owner).toMatchObject({ host: 'vm' });
    expect(syncForViewer(failed, as('engineer')).owner).toEqual(failed.owner);
    for (const role of ['compliance', 'support'] as const) {
      const seen = syncForViewer(failed, as(role));
      expect(seen.origin).toBe('.../2025-10-01');
      expect(seen.owner).toBeNull();
      expect(seen.failure).toEqual({
        code: 'INVALID_INPUT',
        reason: '.../users.json, line 1: invalid JSON: the file ends in the middle of the document',
        at: { file: '.../users.json', line: 1 },
      });
      expect(seen.unknownValuesAt['student.grade']).toEqual([{ file: '.../users.json', record: 5, recordId: 'u6' }]);
      expect(seen.mismatchedAt).toEqual({ 'enrollments.csv School_id': [{ file: '.../enrollments.csv', line: 7, recordId: 's2' }] });
      expect(seen.unnamedAt).toEqual({ section: [{ file: '.../sections.csv', line: 4, recordId: 'sis-section-1' }] });
      expect(seen.unpairedAt).toEqual({ 'staff.csv Staff_email': [{ file: '.../staff.csv', line: 2, recordId: 'sis-staff-1' }] });
      expect(seen.endsBeforeStartAt).toEqual({ term: [{ file: '.../sections.csv', line: 5, recordId: 'sis-term-2' }] });
      expect(JSON.stringify(seen)).not.toContain('/srv/');
      expect({ ...seen, origin: failed.origin, owner: failed.owner, failure: failed.failure, unknownValues: failed.unknownValues, unknownValuesAt: failed.unknownValuesAt, mismatchedAt: failed.mismatchedAt, unnamedAt: failed.unnamedAt, unpairedAt: failed.unpairedAt, endsBeforeStartAt: failed.endsBeforeStartAt }).toEqual(failed);
    }
  });

  it('cuts paths whose folders hold spaces as whole as any other: by the folders the sync names', () => {
    const spaced = (path: string) => path.replace('/srv/clever/north/', '/srv/clever data/north district/');
    const sync = { ...failed, origin: spaced(failed.origin), failure: { ...failed.failure, reason: spaced(failed.failure.reason), at: { file: spaced(failed.failure.at.file), line: 1 } } };
    const seen = syncForViewer(sync, as('support'));
    expect(seen.origin).toBe('.../2025-10-01');
    expect(seen.failure).toEqual({ code: 'INVALID_INPUT', reason: '.../users.json, line 1: invalid JSON: the file ends in the middle of the document', at: { file: '.../users.json', line: 1 } });
    // and in the audit feed, by the folder each sync event names
    const event = (type: string, data: Record<string, unknown>): LoggedChange => ({
      position: 1, streamId: 'sync-s1', type, syncId: 's1', districtId: 'd1', observedAt: '2025-10-01T06:00:00.000Z', recordedAt: '2025-10-01T06:00:00.000Z', cleverLastModified: null, source: 'snapshot', cleverEventId: null, data,
    });
    expect(changeForViewer(event('SyncStarted', { syncId: 's1', origin: sync.origin }), as('compliance')).data).toEqual({ syncId: 's1', origin: '.../2025-10-01' });
    expect(changeForViewer(event('SyncFailed', { syncId: 's1', reason: sync.failure.reason, at: sync.failure.at }), as('compliance')).data).toEqual({ syncId: 's1', reason: seen.failure!.reason, at: seen.failure!.at });
  });

  it("cuts the server paths of a sync's events in the audit feed for compliance, leaves out the server's process, and the rest of each event as stored", () => {
    const change = (type: string, data: Record<string, unknown>): LoggedChange => ({
      position: 1, streamId: 'sync-s1', type, syncId: 's1', districtId: 'd1', observedAt: '2025-10-01T06:00:00.000Z', recordedAt: '2025-10-01T06:00:00.000Z', cleverLastModified: null, source: 'snapshot', cleverEventId: null, data,
    });
    const owner = { pid: 10001, host: 'vm', started: '10001/pid:[4026531836]/0e035386-6b27-4285-bd01-63bb4ff37427/8011667' };
    const started = change('SyncStarted', { syncId: 's1', owner, origin: '/srv/clever/north/2025-10-01', requestedBy: 'ops/nightly' });
    const failedEvent = change('SyncFailed', { syncId: 's1', code: 'INVALID_INPUT', reason: failed.failure.reason, at: failed.failure.at });
    const completed = change('SyncCompleted', { syncId: 's1', unknownValuesAt: { 'student.grade': failed.unknownValuesAt['student.grade'] } });
    const seen = (one: LoggedChange) => changeForViewer(one, as('compliance')).data;
    expect(seen(started)).toEqual({ syncId: 's1', origin: '.../2025-10-01', requestedBy: 'ops/nightly' });
    expect(seen(failedEvent)).toEqual({ syncId: 's1', code: 'INVALID_INPUT', reason: '.../users.json, line 1: invalid JSON: the file ends in the middle of the document', at: { file: '.../users.json', line: 1 } });
    expect(seen(completed)).toEqual({ syncId: 's1', unknownValuesAt: { 'student.grade': [{ file: '.../users.json', record: 5, recordId: 'u6' }] } });
    expect(changeForViewer(started, as('engineer'))).toBe(started);
    // a reason that names the server's process (a lock released by syncs unlock) names it without its id and host
    const released = change('SyncFailed', { syncId: 's1', code: 'INTERRUPTED', reason: "its district's lock was released by root (syncs unlock): its process 28270 on vm had stopped" });
    expect(seen(released)).toEqual({ syncId: 's1', code: 'INTERRUPTED', reason: "its district's lock was released by root (syncs unlock): its process had stopped" });
    const unlocked = { ...failed, failure: { code: 'INTERRUPTED', reason: "its district's lock was released by root (syncs unlock): its process 28270 on vm had stopped" } };
    expect(syncForViewer(unlocked, as('support')).failure?.reason).toBe("its district's lock was released by root (syncs unlock): its process had stopped");
    expect(syncForViewer(unlocked, as('engineer')).failure?.reason).toContain('process 28270 on vm');
  });
});
