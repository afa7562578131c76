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
      version: 8,
      fields: [
        'appended', 'approvedBy', 'approvedVia', 'breaches', 'contents', 'counts', 'cursorNotSet', 'discardedBy', 'discardedVia', 'districtId',
        'failure', 'fallback', 'finishedAt', 'heldAt', 'kept', 'mismatched', 'mismatchedAt', 'origin', 'owner', 'pending', 'requestedBy', 'requestedVia', 'roleConflicts', 'roleConflictsAt', 'sameFilesAs',
        'settledUnder', 'skipped', 'source', 'startedAt', 'status', 'syncId', 'unknownValues', 'unknownValuesAt', 'unnamed', 'unnamedAt', 'unpaired', 'unpairedAt', 'unresolved',
        'unresolvedIds',
      ],
    });
  });
});
