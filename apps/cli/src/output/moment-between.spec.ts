import type { SyncSummary } from '@roster-ledger/domain';
import { momentBetween } from './moment-between';

const sync = (syncId: string, startedAt: string, finishedAt: string | null): SyncSummary => ({
  syncId, districtId: 'd1', source: 'snapshot', origin: '/snapshots', status: 'completed', requestedBy: 'demo', requestedVia: null, startedAt, finishedAt,
  counts: {}, appended: 0, pending: 0, breaches: [], heldAt: null, failure: null, approvedBy: null, approvedVia: null, discardedBy: null, discardedVia: null, owner: null,
  skipped: {}, unresolved: {}, unresolvedIds: {}, unknownValues: {}, unknownValuesAt: {}, kept: {}, mismatched: {}, mismatchedAt: {}, roleConflicts: {}, roleConflictsAt: {}, unnamed: {}, unnamedAt: {}, unpaired: {}, unpairedAt: {}, endsBeforeStart: {}, endsBeforeStartAt: {}, contents: null, sameFilesAs: null, settledUnder: null, fallback: null, cursorNotSet: null, eventsCursor: null,
});

describe('a moment between two syncs, for a roster as of it', () => {
  it('is the middle of the gap between the first one ending and the second starting', () => {
    const day1 = sync('s1', '2026-12-01T10:00:00.000Z', '2026-12-01T10:00:01.000Z');
    const day2 = sync('s2', '2026-12-01T10:00:02.001Z', '2026-12-01T10:00:03.000Z');
    expect(momentBetween(day1, day2)).toBe('2026-12-01T10:00:01.500Z');
  });

  it('falls between their starts when the second started as the first ended', () => {
    const day1 = sync('s1', '2026-12-01T10:00:00.000Z', '2026-12-01T10:00:01.000Z');
    const day2 = sync('s2', '2026-12-01T10:00:01.001Z', null);
    const moment = momentBetween(day1, day2);
    expect(moment >= day1.startedAt && moment < day2.startedAt).toBe(true);
  });

  it('refuses syncs that are not in order', () => {
    const day1 = sync('s1', '2026-12-01T10:00:00.000Z', '2026-12-01T10:00:01.000Z');
    expect(() => momentBetween(day1, day1)).toThrow(/sync s1 started at 2026-12-01T10:00:00.000Z, not after sync s1/);
  });
});
