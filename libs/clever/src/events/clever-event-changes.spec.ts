import { IncrementalDiff, InvalidInput, LedgerState, type DiffResult, type RosterRecord } from '@roster-ledger/domain';
import { readCleverEvent } from '../api/clever-event';
import { normalizeCleverRecord } from '../clever-normalizer';
import { cleverChangeOf } from './clever-event-changes';

const D = '5a0c91b95c7cc000010d417c';
let n = 0;
/** A v3 event as the feed reads it, with an ascending id. */
const event = (type: string, object: Record<string, unknown>, previous?: Record<string, unknown>) =>
  readCleverEvent(
    { id: `64b000000000000000000${String(++n).padStart(3, '0')}`, type, created: '2026-03-01T10:00:00.000Z', data: { object, ...(previous ? { previous_attributes: previous } : {}) } },
    'http://127.0.0.1:1/v3.0/events?limit=1000',
    n - 1,
  );

const studentObject = (id: string, grade = '9') => ({
  id, district: D, created: '2021-03-01T00:00:00.000Z', last_modified: '2026-03-01T09:00:00.000Z',
  name: { first: 'Noor', last: 'Haddad' }, email: `${id}@example.org`,
  roles: { student: { school: 's1', schools: ['s1'], grade, sis_id: `sis-${id}` } },
});
const sectionObject = (id: string, students: string[], teachers = ['t1']) => ({
  id, district: D, school: 's1', name: 'Math 1', teacher: teachers[0], teachers, students, subject: 'math',
});

/** The ledger state after these records were shared. */
function given(...records: RosterRecord[]): LedgerState {
  const state = new LedgerState();
  const diff = new IncrementalDiff(state, { syncId: 'given', districtId: D });
  for (const record of records) diff.apply({ type: 'upsert', record, unknownValues: [] });
  return state;
}
const record = (kind: 'user' | 'section', object: Record<string, unknown>) => {
  const item = normalizeCleverRecord(kind, object, {});
  if (item.type !== 'record') throw new Error('not a record');
  return item.record;
};
/** Maps the events and diffs them, in order, against the state. */
function when(state: LedgerState, ...events: ReturnType<typeof event>[]): DiffResult {
  const diff = new IncrementalDiff(state, { syncId: 'events', districtId: D });
  for (const e of events) {
    const { cleverEventId, change, origin } = cleverChangeOf(e, D);
    diff.apply(change, { cleverEventId, origin });
  }
  return diff.finish();
}
const planned = (result: DiffResult) => result.changes.flatMap((c) => c.events.map((e) => [c.streamId, e.type, e.data, e.cleverEventId]));

describe('Clever events to ledger changes', () => {
  it('maps users.created to the whole record, with the Clever event id and its created time', () => {
    const e = event('users.created', studentObject('u1'));
    const change = cleverChangeOf(e, D);
    expect(change).toMatchObject({ cleverEventId: e.id, created: '2026-03-01T10:00:00.000Z', change: { type: 'upsert', record: { kind: 'user', id: 'u1', lastModified: '2026-03-01T09:00:00.000Z' } } });
    expect(change.origin).toEqual({ file: `users.created event ${e.id} (events page http://127.0.0.1:1/v3.0/events?limit=1000)`, record: e.index, recordId: 'u1' });
  });

  it('turns a users.updated grade change into StudentUpdated, and the same event seen twice into nothing more', () => {
    const update = event('users.updated', studentObject('u1', '10'), { roles: { student: { grade: '9' } } });
    const result = when(given(record('user', studentObject('u1'))), update, update);
    expect(planned(result)).toEqual([['user-u1', 'StudentUpdated', { id: 'u1', changes: { grade: { from: '9', to: '10' } }, personal: {} }, update.id]]);
  });

  it("leaves a student's scoped fields (FRL, IEP, ELL, home language) as the ledger has them when the object lacks their keys, and counts them kept; an empty one clears", () => {
    const scoped = { frl_status: 'Free', iep_status: 'Y', ell_status: 'N', home_language: 'Spanish' };
    const withScoped = (grade: string, fields: Record<string, unknown>) => {
      const object = studentObject('u1', grade);
      return { ...object, roles: { student: { ...object.roles.student, ...fields } } };
    };
    const state = given(record('user', withScoped('9', scoped)));
    const lost = event('users.updated', studentObject('u1', '10'), { roles: { student: { grade: '9' } } });
    const result = when(state, lost);
    expect(planned(result)).toEqual([['user-u1', 'StudentUpdated', { id: 'u1', changes: { grade: { from: '9', to: '10' } }, personal: {} }, lost.id]]);
    expect(result.findings.kept).toEqual({
      'ell_status (not in the record: Clever gives it only under a scope of its own)': 1,
      'frl_status (not in the record: Clever gives it only under a scope of its own)': 1,
      'home_language (not in the record: Clever gives it only under a scope of its own)': 1,
      'iep_status (not in the record: Clever gives it only under a scope of its own)': 1,
    });
    const cleared = event('users.updated', withScoped('10', { ...scoped, frl_status: '' }), { roles: { student: { frl_status: 'Free' } } });
    expect(planned(when(state, cleared))).toEqual([['user-u1', 'DemographicUpdated', { id: 'u1', personal: { frl_status: { from: 'Free', to: null } } }, cleared.id]]);
  });

  it('turns sections.updated into the set differences of its member lists, never carrying previous_attributes', () => {
    const before = sectionObject('sec1', ['u1', 'u2']);
    const update = event('sections.updated', sectionObject('sec1', ['u2', 'u3']), { students: ['u1', 'u2'] });
    const result = when(given(record('section', before)), update);
    expect(planned(result)).toEqual([
      ['section-sec1', 'StudentUnenrolled', { sectionId: 'sec1', studentId: 'u1' }, update.id],
      ['section-sec1', 'StudentEnrolled', { sectionId: 'sec1', studentId: 'u3' }, update.id],
    ]);
    expect(JSON.stringify(result)).not.toContain('previous_attributes');
  });

  it('turns a teacher swap into TeacherUnassigned and TeacherAssigned (primary)', () => {
    const result = when(given(record('section', sectionObject('sec1', ['u1'], ['t1']))), event('sections.updated', sectionObject('sec1', ['u1'], ['t2']), { teacher: 't1', teachers: ['t1'] }));
    expect(planned(result).map(([, type, data]) => [type, data])).toEqual([
      ['TeacherUnassigned', { sectionId: 'sec1', teacherId: 't1', primary: true }],
      ['TeacherAssigned', { sectionId: 'sec1', teacherId: 't2', primary: true }],
    ]);
  });

  it('maps *.deleted to removals of every kind', () => {
    for (const [type, kind] of [['users.deleted', 'user'], ['sections.deleted', 'section'], ['schools.deleted', 'school'], ['terms.deleted', 'term'], ['courses.deleted', 'course']] as const) {
      expect(cleverChangeOf(event(type, { id: 'x1', district: D }), D).change).toEqual({ type: 'remove', kind, id: 'x1' });
    }
    expect(cleverChangeOf(event('districts.deleted', { id: D }), D).change).toEqual({ type: 'remove', kind: 'district', id: D });
    const result = when(given(record('user', studentObject('u1'))), event('users.deleted', studentObject('u1')));
    expect(planned(result).map(([, type]) => type)).toEqual(['StudentRemoved']);
  });

  it('skips resources and unknown event types, and a contact; a user updated into a contact alone is removed', () => {
    expect(cleverChangeOf(event('resources.created', { id: 'r1' }), D).change).toEqual({ type: 'skip', reason: 'resources' });
    expect(cleverChangeOf(event('sections.restored', { id: 'x' }), D).change).toEqual({ type: 'skip', reason: 'event type sections.restored' });
    const contact = { id: 'c1', district: D, name: { last: 'Parent' }, roles: { contact: { phone: '555' } } };
    expect(cleverChangeOf(event('users.created', contact), D).change).toEqual({ type: 'skip', reason: 'contact' });
    const nowContact = { ...studentObject('u1'), roles: { contact: { phone: '555' } } };
    const result = when(given(record('user', studentObject('u1'))), event('users.updated', nowContact));
    expect(planned(result).map(([, type]) => type)).toEqual(['StudentRemoved']);
    // a contact's update and deletion are a contact's too when the ledger never held them: counted so
    expect(cleverChangeOf(event('users.updated', contact), D).change).toEqual({ type: 'remove', kind: 'user', id: 'c1', ifNotHeld: 'contact' });
    expect(cleverChangeOf(event('users.deleted', contact), D).change).toEqual({ type: 'remove', kind: 'user', id: 'c1', ifNotHeld: 'contact' });
    expect(cleverChangeOf(event('users.deleted', studentObject('u1')), D).change).not.toHaveProperty('ifNotHeld');
  });

  it('rejects a record of another district, naming the event and the field', () => {
    const e = event('users.updated', { ...studentObject('u1'), district: 'another' });
    expect(() => cleverChangeOf(e, D)).toThrow(InvalidInput);
    expect(() => cleverChangeOf(e, D)).toThrow(new RegExp(`^users\\.updated event ${e.id} \\(events page .*\\), record #${e.index + 1}, id u1, field district: the record belongs to district another, not ${D}; every events sync will meet this event again: a full sync \\(not an events sync\\) records the district as Clever shows it and sets a new cursor past it$`));
    expect(() => cleverChangeOf(event('users.deleted', { id: 'u1', district: 'another' }), D)).toThrow(/field district: the record belongs to district another/);
    expect(() => cleverChangeOf(event('users.deleted', { name: 'no id' }), D)).toThrow(/field id: the deleted object has no id/);
    // held to a record's rule for ids, and never named by one that is no text
    expect(() => cleverChangeOf(event('users.deleted', { id: 'u\ud800', district: D }), D)).toThrow(/record #\d+, field id: the text holds a lone UTF-16 surrogate/);
    expect(() => cleverChangeOf(event('users.deleted', { id: 'u 1', district: D }), D)).toThrow(/field id: an id with a space or a control character in it is no Clever id/);
    const badOwner = () => cleverChangeOf(event('users.deleted', { id: 'u1', district: 'd\u001b[31m' }), D);
    expect(badOwner).toThrow(/id u1, field district: an id with a space or a control character in it is no Clever id/);
    expect(badOwner).not.toThrow(/belongs to district/);
  });

  it('refuses an event whose id is no Clever event id, which would become the cursor the next events sync refuses', () => {
    const page = 'http://127.0.0.1:1/v3.0/events?limit=1000';
    const raw = (id: string) => ({ id, type: 'users.updated', created: '2026-03-01T10:00:00.000Z', data: { object: studentObject('u1') } });
    expect(() => readCleverEvent(raw('not an id'), page, 2)).toThrow(InvalidInput);
    expect(() => readCleverEvent(raw('not an id'), page, 2)).toThrow(/^events page http:\/\/127\.0\.0\.1:1\/v3\.0\/events\?limit=1000, record #3, field id: "not an id" is no Clever event id \(Clever's are 24 hex digits/);
    expect(() => readCleverEvent(raw('a\u0000b'), page, 0)).toThrow(/field id: "a\\u0000b" is no Clever event id/);
    expect(() => readCleverEvent(raw('e'.repeat(65)), page, 0)).toThrow(new RegExp(`field id: "${'e'.repeat(64)}" \\(cut\\) is no Clever event id`));
    expect(readCleverEvent(raw('64b0000000000000000000ff'), page, 0).id).toBe('64b0000000000000000000ff');
  });

  it('refuses a section object without its teachers list, which read as none would unassign its co-teachers', () => {
    const { teachers: _left, ...withoutTeachers } = { ...sectionObject('sec1', ['u1']), teacher: 't1' };
    expect(() => cleverChangeOf(event('sections.updated', withoutTeachers), D)).toThrow(/field teachers: record has no teachers list/);
  });

  it("reads a v1.1 page's section by its one teacher, as Clever's v1.1 sent it", () => {
    const { teachers: _left, ...v1Section } = { ...sectionObject('sec1', ['u1']), teacher: 't1' };
    const raw = { id: '64b000000000000000000999', type: 'sections.updated', data: { object: v1Section } };
    const { change } = cleverChangeOf(readCleverEvent(raw, '/v1.1/districts/d1/events?limit=100', 0), D);
    expect(change).toMatchObject({ type: 'upsert', record: { kind: 'section', teachers: ['t1'], students: ['u1'] } });
  });

  it("never moves a record back: an update or a delete older than the ledger's version records nothing", () => {
    // a full sync recorded the student at grade 11, modified 10:00:02; the feed still holds the older events
    const state = given(record('user', { ...studentObject('u1', '11'), last_modified: '2026-03-01T10:00:02.000Z' }));
    const older = { ...studentObject('u1', '10'), last_modified: '2026-03-01T10:00:01.000Z' };
    const result = when(
      state,
      event('users.updated', older, { roles: studentObject('u1', '9').roles }),
      event('users.deleted', older),
      event('users.updated', { ...studentObject('u1', '11'), last_modified: '2026-03-01T10:00:02.000Z' }, { roles: older.roles }),
    );
    expect(planned(result)).toEqual([]);
    expect(result.findings.skipped).toEqual({ 'older than the ledger': 2 });
  });

  it('gives a *.deleted the clock of the deleted object, and a *.updated the version before it (previous_attributes put back)', () => {
    const removal = cleverChangeOf(event('users.deleted', studentObject('u1')), D).change;
    expect(removal).toEqual({ type: 'remove', kind: 'user', id: 'u1', lastModified: '2026-03-01T09:00:00.000Z' });
    // a last_modified that is no moment orders nothing, and is not carried into the log
    for (const noMoment of ['yesterday', 'z\udc00', 42]) {
      expect(cleverChangeOf(event('users.deleted', { ...studentObject('u1'), last_modified: noMoment }), D).change).toEqual({ type: 'remove', kind: 'user', id: 'u1' });
    }
    const update = cleverChangeOf(event('terms.updated', { id: 'tm1', district: D, name: 'Autumn' }, { name: 'Fall' }), D).change;
    expect(update).toMatchObject({ type: 'upsert', record: { kind: 'term', fields: { name: 'Autumn' } }, before: { kind: 'term', id: 'tm1', fields: { name: 'Fall' } } });
    expect(cleverChangeOf(event('terms.updated', { id: 'tm1', district: D, name: 'Autumn' }), D).change).not.toHaveProperty('before');
  });

  it('reports a term ending before it starts and a section whose name is "" as a full sync does, where the event was read', () => {
    const term = event('terms.created', { id: 'tm1', district: D, name: 'Fall', start_date: '2029-08-01', end_date: '2029-06-01' });
    const unnamed = event('sections.updated', { ...sectionObject('sec1', ['u1']), name: '' }, { name: 'Math 1' });
    const result = when(given(record('user', studentObject('u1')), record('section', sectionObject('sec1', ['u1']))), term, unnamed);
    const at = (e: ReturnType<typeof event>, recordId: string) => ({ file: `${e.type} event ${e.id} (events page http://127.0.0.1:1/v3.0/events?limit=1000)`, record: e.index, recordId });
    expect(result.findings).toMatchObject({
      endsBeforeStart: { term: 1 },
      endsBeforeStartAt: { term: [at(term, 'tm1')] },
      unnamed: { section: 1 },
      unnamedAt: { section: [at(unnamed, 'sec1')] },
    });
    // recorded as given all the same: the term with its dates, the section without a name
    expect(planned(result).map(([stream, type]) => `${stream} ${type}`)).toEqual(['term-tm1 TermShared', 'section-sec1 SectionUpdated']);
    // a term in order, and a named section, say nothing
    const fine = when(new LedgerState(), event('terms.created', { id: 'tm2', district: D, name: 'Spring', start_date: '2030-01-05', end_date: '2030-06-01' }));
    expect(fine.findings).toMatchObject({ endsBeforeStart: {}, unnamed: {} });
  });
});
