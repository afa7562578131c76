import { createHash } from 'node:crypto';
import { diffSnapshot, type Snapshot } from '../diff/snapshot-diff';
import { RECORD_KINDS, type RosterRecord, type SectionRecord, type UserRecord } from '../records/roster-records';
import { LEDGER_STATE_FORMAT, LedgerState } from './ledger-state';

/**
 * Saved district state snapshots are trusted as long as their format number is this code's. This
 * spec folds a fixed history through every kind of event and fingerprints the state it builds:
 * when it fails, the state's shape changed, so raise LEDGER_STATE_FORMAT (old snapshots are then
 * ignored and the state is folded from the log again) and record the new fingerprint here.
 */
const RECORDED = { format: 5, fingerprint: '8af296bad126600e' };

const D = 'district-1';
const plain = (kind: 'district' | 'school' | 'term' | 'course', id: string, name: string): RosterRecord => ({ kind, id, districtId: D, fields: { name }, personal: {} });
const user = (id: string, roles: UserRecord['roles'], name = { first: 'Ada', last: 'Lovelace' }): UserRecord => ({
  kind: 'user', id, districtId: D, fields: {}, personal: { name, email: `${id}@example.org` }, roles,
});
const student = (grade: string, zip: string) => ({ fields: { school: 's1', schools: ['s1'], grade }, personal: { sis_id: 'sis-1', gender: 'F', location: { zip } } });
const teacher = { fields: { schools: ['s1'], title: 'Teacher' }, personal: {} };
const section = (id: string, teachers: string[], students: string[], name: string): SectionRecord => ({
  kind: 'section', id, districtId: D, teachers, students, fields: { school: 's1', name, term_id: 't1', course: 'c1' }, personal: {},
});
const snapshot = (...records: RosterRecord[]): Snapshot => ({ kinds: RECORD_KINDS, records });

/** Every event kind, and the sources of states: shares, field and demographic updates, a role added and dropped, enrolments, a primary teacher change, removals, a share again. */
const HISTORY: Snapshot[] = [
  snapshot(plain('district', D, 'District'), plain('school', 's1', 'One'), plain('school', 's2', 'Two'), plain('term', 't1', 'Fall'), plain('course', 'c1', 'Algebra'),
    user('u1', { student: student('9', '10001') }), user('u2', { student: student('9', '10002') }), user('t1', { teacher }), user('t2', { teacher, staff: teacher }),
    section('sec1', ['t1', 't2'], ['u1', 'u2'], 'Math')),
  snapshot(plain('district', D, 'District'), plain('school', 's1', 'One renamed'), plain('term', 't1', 'Fall'), plain('course', 'c1', 'Algebra'),
    { ...user('u1', { student: student('10', '10009') }, { first: 'Ada', last: 'King' }), lastModified: '2024-09-02T08:00:00.000Z' }, user('t1', { teacher, staff: teacher }), user('t2', { teacher }),
    { ...section('sec1', ['t2', 't1'], ['u1'], 'Math II'), lastModified: '2024-09-02T08:00:00.000Z' }),
  {
    // a Clever full sync: the records absent from its complete view are removed as of its time
    ...snapshot(plain('district', D, 'District'), plain('school', 's1', 'One renamed'), plain('school', 's2', 'Two'), plain('term', 't1', 'Fall'), plain('course', 'c1', 'Algebra'),
      user('u1', { student: student('10', '10009') }, { first: 'Ada', last: 'King' }), user('u2', { student: student('9', '10002') }), user('t1', { teacher, staff: teacher })),
    completeAt: '2024-09-03T08:00:00.000Z',
  },
];

function fold(): LedgerState {
  const state = new LedgerState();
  HISTORY.forEach((snap, i) => {
    for (const change of diffSnapshot(state, snap, { syncId: `sync-${i}`, districtId: D }).changes) {
      state.applyChange(change);
    }
    // the snapshot bytes each state was made from, as a sync of a snapshot folder notes them
    for (const record of snap.records) {
      state.setSource({ category: record.kind, id: record.id }, record.id === 'u2' ? { fingerprint: `${i}-${record.id}`, unknownValues: ['student.gender'] } : { fingerprint: `${i}-${record.id}` });
    }
  });
  return state;
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}

describe('the saved shape of the ledger state', () => {
  it('is the one its format number stands for', () => {
    const entries = [...fold().entries()].map(canonical).sort();
    expect(entries.length).toBeGreaterThan(8);
    const fingerprint = createHash('sha256').update(entries.join('\n')).digest('hex').slice(0, 16);
    expect({ format: LEDGER_STATE_FORMAT, fingerprint }).toEqual(RECORDED);
  });
});

describe("the ledger state's Clever clock", () => {
  it('is the newest cleverLastModified of the events folded, from the log as from a diff', () => {
    const state = new LedgerState();
    const shared = { id: 'u1', record: { grade: '9' }, personal: {}, sharedAgain: false };
    state.apply({ streamId: 'user-u1', revision: 0, type: 'StudentShared', data: shared, metadata: { cleverLastModified: '2024-09-02T08:00:00.000Z' } });
    state.apply({ streamId: 'user-u1', revision: 1, type: 'StudentUpdated', data: { id: 'u1', changes: { grade: { from: '9', to: '10' } }, personal: {} }, metadata: { cleverLastModified: '2024-09-01T08:00:00.000Z' } });
    expect(state.lastModifiedOf('user', 'u1')).toBe('2024-09-02T08:00:00.000Z');
    state.applyChange({ streamId: 'school-s1', expectedRevision: 'no_stream', events: [{ type: 'SchoolShared', data: { id: 's1', record: {}, personal: {}, sharedAgain: false }, cleverLastModified: '2024-09-03T08:00:00.000Z' }] });
    state.applyChange({ streamId: 'school-s1', expectedRevision: 0, events: [{ type: 'SchoolRemoved', data: { id: 's1' } }] });
    expect(state.lastModifiedOf('school', 's1')).toBe('2024-09-03T08:00:00.000Z');
    expect(state.lastModifiedOf('term', 'never')).toBeUndefined();
  });

  it("takes a full sync's removal time (removedAsOf) when later, the same from the log, from a diff and from a staged append", () => {
    const shared = { id: 's1', record: {}, personal: {}, sharedAgain: false };
    const removedAsOf = '2024-09-05T08:00:00.000Z';
    const fromLog = new LedgerState();
    fromLog.apply({ streamId: 'school-s1', revision: 0, type: 'SchoolShared', data: shared, metadata: { cleverLastModified: '2024-09-03T08:00:00.000Z' } });
    fromLog.apply({ streamId: 'school-s1', revision: 1, type: 'SchoolRemoved', data: { id: 's1' }, metadata: { recordedAt: '2024-09-06T08:00:00.000Z', removedAsOf } });
    const fromDiff = new LedgerState();
    fromDiff.applyChange({ streamId: 'school-s1', expectedRevision: 'no_stream', events: [{ type: 'SchoolShared', data: shared, cleverLastModified: '2024-09-03T08:00:00.000Z' }] });
    fromDiff.applyChange({ streamId: 'school-s1', expectedRevision: 0, events: [{ type: 'SchoolRemoved', data: { id: 's1' }, removedAsOf }] });
    const fromStaged = new LedgerState();
    fromStaged.applyChange({ streamId: 'school-s1', expectedRevision: 'no_stream', events: [{ type: 'SchoolShared', data: shared, metadata: { cleverLastModified: '2024-09-03T08:00:00.000Z' } }] });
    fromStaged.applyChange({ streamId: 'school-s1', expectedRevision: 0, events: [{ type: 'SchoolRemoved', data: { id: 's1' }, metadata: { removedAsOf } }] });
    for (const state of [fromLog, fromDiff, fromStaged]) expect(state.entry({ category: 'school', id: 's1' })).toEqual(fromLog.entry({ category: 'school', id: 's1' }));
    expect(fromLog.lastModifiedOf('school', 's1')).toBe(removedAsOf);
    // a version Clever modified after the removal shares it again, and its clock wins
    fromLog.apply({ streamId: 'school-s1', revision: 2, type: 'SchoolShared', data: { ...shared, sharedAgain: true }, metadata: { cleverLastModified: '2024-09-07T08:00:00.000Z' } });
    expect(fromLog.lastModifiedOf('school', 's1')).toBe('2024-09-07T08:00:00.000Z');
  });

  it("keeps the newest of a record's Clever clocks: an older one, a missing one or one that is no date leaves it", () => {
    const state = new LedgerState();
    const clocks = ['not a date', '2024-09-03T08:00:00.000Z', '2024-09-03T08:00:00.000Z', '2024-09-01T08:00:00.000Z', 'never', undefined, '2024-09-04T08:00:00.000Z'];
    const seen = clocks.map((cleverLastModified, revision) => {
      const type = revision === 0 ? 'SchoolShared' : 'SchoolUpdated';
      const data = revision === 0 ? { id: 's1', record: {}, personal: {}, sharedAgain: false } : { id: 's1', changes: {}, personal: {} };
      state.apply({ streamId: 'school-s1', revision, type, data, metadata: cleverLastModified === undefined ? {} : { cleverLastModified } });
      return state.lastModifiedOf('school', 's1');
    });
    expect(seen).toEqual([undefined, '2024-09-03T08:00:00.000Z', '2024-09-03T08:00:00.000Z', '2024-09-03T08:00:00.000Z', '2024-09-03T08:00:00.000Z', '2024-09-03T08:00:00.000Z', '2024-09-04T08:00:00.000Z']);
  });
});
