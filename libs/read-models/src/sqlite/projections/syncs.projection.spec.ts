import type { IndexedSyncQuery } from '@roster-ledger/ledger';
import { syncsProjection } from './syncs.projection';
import {
  DISTRICT,
  EventLog,
  readModels,
  studentRecord,
  syncApproved,
  syncCompleted,
  syncDiscarded,
  syncFailed,
  syncHeld,
  syncStarted,
} from '../../spec-support/read-model-harness';

const T0 = '2024-09-01T08:00:00.000Z';
const T1 = '2024-09-01T08:00:05.000Z';
const T2 = '2024-09-02T09:30:00.000Z';

describe('syncs projection: one row per sync, its status and what it did', () => {
  const rm = readModels(syncsProjection);
  const syncs = async (query: IndexedSyncQuery = {}) => (await rm().models.indexedSyncs(query)).syncs.map((s) => s.summary);
  const only = async () => {
    const all = await syncs();
    expect(all).toHaveLength(1);
    return all[0]!;
  };

  it('SyncStarted: the sync is running, with where it reads from, who asked, and when it started', async () => {
    const log = new EventLog();
    rm().when(log.append('sync-s1', 'SyncStarted', syncStarted('s1', T0, { requestedBy: 'alice', requestedVia: 'api' })));
    expect(await only()).toEqual({
      syncId: 's1',
      districtId: DISTRICT,
      source: 'snapshot',
      origin: '/snapshots/s1',
      status: 'running',
      requestedBy: 'alice',
      requestedVia: 'api',
      startedAt: T0,
      finishedAt: null,
      counts: {},
      appended: 0,
      pending: 0,
      breaches: [],
      heldAt: null,
      skipped: {},
      unresolved: {},
      unresolvedIds: {},
      unknownValues: {},
      unknownValuesAt: {},
      kept: {},
      mismatched: {},
      mismatchedAt: {},
      roleConflicts: {},
      roleConflictsAt: {},
      unnamed: {},
      unnamedAt: {},
      unpaired: {},
      unpairedAt: {},
      endsBeforeStart: {},
      endsBeforeStartAt: {},
      failure: null,
      approvedBy: null,
      approvedVia: null,
      discardedBy: null,
      discardedVia: null,
      owner: null, // a SyncStarted recorded without the process that ran it
      contents: null,
      sameFilesAs: null,
      settledUnder: null, fallback: null, cursorNotSet: null, eventsCursor: null,
    });
    expect(rm().rows('syncs')).toEqual([expect.objectContaining({ id: 's1', district_id: DISTRICT, status: 'running', started_at: T0, position: 1 })]);
  });

  it('SyncCompleted: completed, with counts per event type, events appended, findings and when it finished', async () => {
    const log = new EventLog();
    rm().given([log.append('sync-s1', 'SyncStarted', syncStarted('s1', T0, { districtId: null }))]);
    const completed = { ...syncCompleted('s1', T1, { StudentShared: 3, SectionShared: 1 }), skipped: { contact: 2 }, unresolved: { school: 1 } };
    // recorded 650 ms after the moment it names, which was taken as its append was planned
    const recordedAt = '2024-09-01T08:00:05.650Z';
    rm().when(log.append('sync-s1', 'SyncCompleted', completed, { recordedAt }));
    expect(await only()).toMatchObject({
      status: 'completed',
      districtId: DISTRICT, // the district the records named, when the sync did not insist on one
      counts: { StudentShared: 3, SectionShared: 1 },
      appended: 4,
      finishedAt: recordedAt, // when the ledger recorded it: never before the events it appended
      skipped: { contact: 2 },
      unresolved: { school: 1 },
      approvedBy: null,
    });
    expect(rm().rows('syncs')[0]).toMatchObject({ status: 'completed', district_id: DISTRICT });
  });

  it('SyncCompleted of a folder: the files it read, and the earlier sync whose files they were', async () => {
    const log = new EventLog();
    rm().given([log.append('sync-s2', 'SyncStarted', syncStarted('s2', T0))]);
    const contents = { reading: 'clever-json v1 max-string 65536', files: [{ name: 'users.json', bytes: 12, sha256: 'ab'.repeat(32) }] };
    rm().when(log.append('sync-s2', 'SyncCompleted', { ...syncCompleted('s2', T1), contents, settledUnder: 5, sameFilesAs: 's1' }));
    expect(await only()).toMatchObject({ status: 'completed', appended: 0, contents, settledUnder: 5, sameFilesAs: 's1' });
  });

  it('SyncCompleted with unknown values: where the first of them were read', async () => {
    const log = new EventLog();
    rm().given([log.append('sync-s3', 'SyncStarted', syncStarted('s3', T0))]);
    const unknownValuesAt = { 'student.dob': [{ file: 'students.csv', line: 4, record: 2, recordId: 'u7' }] };
    rm().when(log.append('sync-s3', 'SyncCompleted', { ...syncCompleted('s3', T1), unknownValues: { 'student.dob': 1 }, unknownValuesAt }));
    expect(await only()).toMatchObject({ unknownValues: { 'student.dob': 1 }, unknownValuesAt });
  });

  it('SyncFailed: failed, with the code, the reason and where in the input', async () => {
    const log = new EventLog();
    rm().given([log.append('sync-s1', 'SyncStarted', syncStarted('s1', T0))]);
    rm().when(log.append('sync-s1', 'SyncFailed', syncFailed('s1', T1, 'duplicate id', { file: 'users.json', line: 1, record: 2099, field: 'id' }), { recordedAt: T1 }));
    expect(await only()).toMatchObject({
      status: 'failed',
      failure: { code: 'INVALID_INPUT', reason: 'duplicate id', at: { file: 'users.json', line: 1, record: 2099, field: 'id' } },
      finishedAt: T1,
    });
  });

  it('SyncHeld: held, with the thresholds crossed and the events it would append', async () => {
    const log = new EventLog();
    rm().given([log.append('sync-s1', 'SyncStarted', syncStarted('s1', T0))]);
    rm().when(log.append('sync-s1', 'SyncHeld', syncHeld('s1', T1, { StudentRemoved: 200, StudentShared: 1 }), { recordedAt: T1 }));
    expect(await only()).toMatchObject({
      status: 'held',
      pending: 201,
      counts: { StudentRemoved: 200, StudentShared: 1 },
      breaches: [{ recordType: 'student', change: 'removed', count: 200, active: 1004, threshold: 0.1 }],
      finishedAt: T1,
      heldAt: T1,
      appended: 0,
    });
  });

  it('SyncApproved: still held, now with who approved it; the SyncCompleted appended with it completes it', async () => {
    const log = new EventLog();
    rm().given([
      log.append('sync-s1', 'SyncStarted', syncStarted('s1', T0)),
      log.append('sync-s1', 'SyncHeld', syncHeld('s1', T1, { StudentRemoved: 200 })),
    ]);
    rm().when(log.append('sync-s1', 'SyncApproved', syncApproved('s1', 'alice', T2)));
    expect(await only()).toMatchObject({ status: 'held', approvedBy: 'alice', approvedVia: 'api', pending: 200 });

    rm().when(log.append('sync-s1', 'SyncCompleted', syncCompleted('s1', T2, { StudentRemoved: 200 }, { approvedBy: 'alice' }), { recordedAt: T2 }));
    expect(await only()).toMatchObject({ status: 'completed', approvedBy: 'alice', appended: 200, pending: 0, finishedAt: T2 });
  });

  it('SyncDiscarded: discarded, by whom and when; nothing pending any more', async () => {
    const log = new EventLog();
    rm().given([
      log.append('sync-s1', 'SyncStarted', syncStarted('s1', T0)),
      log.append('sync-s1', 'SyncHeld', syncHeld('s1', T1, { StudentRemoved: 200 })),
    ]);
    rm().when(log.append('sync-s1', 'SyncDiscarded', syncDiscarded('s1', 'bob', T2), { recordedAt: T2 }));
    expect(await only()).toMatchObject({ status: 'discarded', discardedBy: 'bob', discardedVia: 'cli', finishedAt: T2, pending: 0, approvedBy: null });
  });

  it('lists syncs newest first by their first event, by district, status, source, id and page, with where each starts and has folded to', async () => {
    const log = new EventLog();
    rm().when(
      log.append('sync-a', 'SyncStarted', syncStarted('a', '2024-09-01T00:00:00.000Z')),
      // started later by its clock, recorded earlier: the list is in the log's order
      log.append('sync-b', 'SyncStarted', syncStarted('b', '2024-09-03T00:00:00.000Z', { districtId: 'd2' })),
      log.append('sync-c', 'SyncStarted', syncStarted('c', '2024-09-02T00:00:00.000Z', { source: 'clever-events' })),
      log.append('sync-a', 'SyncCompleted', syncCompleted('a', '2024-09-01T00:00:01.000Z')),
    );
    const ids = async (query: IndexedSyncQuery) => (await syncs(query)).map((s: { syncId: string }) => s.syncId);
    expect(await ids({})).toEqual(['c', 'b', 'a']);
    expect(await ids({ districtId: DISTRICT })).toEqual(['c', 'a']);
    expect(await ids({ limit: 1 })).toEqual(['c']);
    expect(await ids({ statuses: ['completed'] })).toEqual(['a']);
    expect(await ids({ statuses: ['running', 'held'], districtId: DISTRICT })).toEqual(['c']);
    expect(await ids({ source: 'clever-events' })).toEqual(['c']);
    expect(await ids({ ids: ['a', 'b', 'nope'] })).toEqual(['b', 'a']);
    expect(await ids({ before: 3 })).toEqual(['b', 'a']);
    expect(await ids({ districtId: 'd3' })).toEqual([]);
    const { foldedUpTo, syncs: [c, , a] } = await rm().models.indexedSyncs({});
    expect([a!.firstPosition, a!.position, c!.firstPosition, c!.position]).toEqual([1, 4, 3, 3]);
    expect(foldedUpTo).toBe(4);
    expect(await rm().models.syncDistricts(['running', 'completed'])).toEqual({ foldedUpTo: 4, districts: [DISTRICT, 'd2'].sort() });
    expect((await rm().models.syncDistricts(['completed'])).districts).toEqual([DISTRICT]);
    expect(await rm().models.syncsFoldedUpTo()).toBe(4);
  });

  it('answers what a sync asks by an index: the held or running syncs of a district, its last completed one, the districts', async () => {
    const log = new EventLog();
    rm().when(log.append('sync-a', 'SyncStarted', syncStarted('a', T0)));
    const prepare = jest.spyOn(rm().db, 'prepare');
    await rm().models.indexedSyncs({ districtId: DISTRICT, statuses: ['held'], limit: 1 });
    await rm().models.indexedSyncs({ statuses: ['running'] });
    await rm().models.indexedSyncs({ districtId: DISTRICT, statuses: ['completed'], source: 'clever-events', limit: 1 });
    await rm().models.syncDistricts(['completed', 'held']);
    const plans = prepare.mock.calls
      .map(([sql]) => sql)
      .filter((sql) => /FROM rm_syncs_syncs_v1 .*status = /.test(sql))
      .map((sql) => {
        const explain = rm().db.prepare(`EXPLAIN QUERY PLAN ${sql}`);
        const rows = sql.includes('@') ? explain.all({ district: DISTRICT, status: 'held', source: 'snapshot', limit: 1 }) : explain.all('held', '');
        return `${(rows as { detail: string }[]).map((r) => r.detail).join('; ')} (${sql})`;
      });
    expect(plans).toHaveLength(4);
    for (const plan of plans) expect(plan).toMatch(/USING (COVERING )?INDEX rm_syncs_syncs_v1_status \(status=\?/);
  });

  it('ignores roster events, and sync events of a sync whose start it never saw', async () => {
    const log = new EventLog();
    rm().when(
      log.append('user-u1', 'StudentShared', studentRecord('u1')),
      log.append('sync-x', 'SyncCompleted', syncCompleted('x', T1)),
    );
    expect(rm().rows('syncs')).toEqual([]);
  });
});
