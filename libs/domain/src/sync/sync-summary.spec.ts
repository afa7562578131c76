import { evolveSyncSummary, SYNC_SUMMARY_VERSION, type RecordedSyncEvent } from './sync-summary';

describe('SYNC_SUMMARY_VERSION', () => {
  /**
   * The syncs read model keeps summaries as documents folded under one version, and every sync's
   * list of syncs is read from it: a field added without raising the version would be missing from
   * every document folded before. When this fails, raise SYNC_SUMMARY_VERSION, then update both here.
   */
  it('names the fields a summary holds: a new field raises the version', () => {
    const started = {
      type: 'SyncStarted',
      data: { syncId: 's', districtId: 'd', source: 'snapshot', origin: '/day', startedAt: '2026-01-01T00:00:00.000Z', requestedBy: 'ops' },
    } as RecordedSyncEvent;
    const fields = Object.keys(evolveSyncSummary(null, started)!).sort();
    expect({ version: SYNC_SUMMARY_VERSION, fields }).toEqual({
      version: 10,
      fields: [
        'appended', 'approvedBy', 'approvedVia', 'breaches', 'contents', 'counts', 'cursorNotSet', 'discardedBy', 'discardedVia', 'districtId', 'endsBeforeStart', 'endsBeforeStartAt', 'eventsCursor',
        'failure', 'fallback', 'finishedAt', 'heldAt', 'kept', 'mismatched', 'mismatchedAt', 'origin', 'owner', 'pending', 'requestedBy', 'requestedVia', 'roleConflicts', 'roleConflictsAt', 'sameFilesAs',
        'settledUnder', 'skipped', 'source', 'startedAt', 'status', 'syncId', 'unknownValues', 'unknownValuesAt', 'unnamed', 'unnamedAt', 'unpaired', 'unpairedAt', 'unresolved',
        'unresolvedIds',
      ],
    });
  });
});

describe("a sync's events cursor", () => {
  const started = {
    type: 'SyncStarted',
    data: { syncId: 's', districtId: 'd', source: 'clever-events', origin: 'events after event e0', startedAt: '2026-01-01T00:00:00.000Z', requestedBy: 'ops' },
  } as RecordedSyncEvent;
  const moved = { value: 'e9', at: '2026-01-01T00:00:00.000Z' };
  const held = {
    type: 'SyncHeld',
    data: { syncId: 's', districtId: 'd', breaches: [], counts: { StudentRemoved: 150 }, pending: 150, heldAt: '2026-01-01T00:00:01.000Z', skipped: {}, unresolved: {}, unknownValues: {}, eventsCursor: moved },
  } as RecordedSyncEvent;
  const fold = (...events: RecordedSyncEvent[]) => events.reduce(evolveSyncSummary, null);

  it('is where a held sync moves it on approval, and where the approval moved it', () => {
    expect(fold(started, held)!.eventsCursor).toEqual(moved);
    const approved = {
      type: 'SyncCompleted',
      data: { syncId: 's', districtId: 'd', counts: { StudentRemoved: 150 }, appended: 150, completedAt: '2026-01-02T00:00:00.000Z', skipped: {}, unresolved: {}, unknownValues: {}, approvedBy: 'alice', eventsCursor: moved },
    } as RecordedSyncEvent;
    expect(fold(started, held, approved)).toMatchObject({ status: 'completed', eventsCursor: moved });
  });

  it('is none once the held sync is discarded: the cursor stayed where it was', () => {
    const discarded = { type: 'SyncDiscarded', data: { syncId: 's', by: 'alice', discardedAt: '2026-01-02T00:00:00.000Z' } } as RecordedSyncEvent;
    expect(fold(started, held, discarded)).toMatchObject({ status: 'discarded', eventsCursor: null });
  });

  it('is none for a sync that moved none, and for one recorded before it was kept', () => {
    const completed = {
      type: 'SyncCompleted',
      data: { syncId: 's', districtId: 'd', counts: {}, appended: 0, completedAt: '2026-01-02T00:00:00.000Z', skipped: {}, unresolved: {}, unknownValues: {} },
    } as RecordedSyncEvent;
    expect(fold(started, completed)!.eventsCursor).toBeNull();
  });
});
