import { LEDGER_STATE_FORMAT, LedgerState, summariseUser, type SectionState, type StateEntry, type UserState } from '@roster-ledger/domain';
import { SqliteDistrictStateStore } from './sqlite-district-state-store';
import { SqliteLedgerDatabase } from './sqlite-database';

const D = 'district-1';
const user = (id: string, revision: number): UserState => ({
  id,
  revision,
  personal: { name: { first: 'Ada', last: id } },
  roles: { student: { fields: { school: 's1' }, personal: {} } },
  pastRoles: ['student'],
});
const entry = (state: UserState): StateEntry => ({ category: 'user', id: state.id, state });

describe('SqliteDistrictStateStore: states written ahead of a sync append', () => {
  let database: SqliteLedgerDatabase;
  let store: SqliteDistrictStateStore;
  beforeEach(async () => {
    database = new SqliteLedgerDatabase(':memory:');
    store = new SqliteDistrictStateStore(database);
    await store.save(D, { basePosition: null, position: 10, entries: new LedgerState().entries() });
  });
  afterEach(() => database.close());

  it('are not trusted by a load until a save moves the snapshot past the sync, and then are part of it', async () => {
    expect(await store.writeAhead(D, 10, [entry(user('u1', 0)), entry(user('u2', 0))])).toBe(true);
    // the records are no longer those of position 10: a load folds the log instead
    expect(await store.load(D)).toBeNull();
    expect(JSON.parse(store.stateReader(D, 'user')('u1')!)).toEqual(user('u1', 0));
    expect(await store.writeAhead(D, 10, [entry(user('u3', 0))])).toBe(true);

    expect(await store.save(D, { basePosition: 10, position: 25, entries: [] })).toBe(true);
    const loaded = (await store.load(D))!;
    expect(loaded.position).toBe(25);
    expect([...loaded.state.users.keys()].sort()).toEqual(['u1', 'u2', 'u3']);
    expect(loaded.state.users.get('u2')).toEqual(user('u2', 0));
  });

  it('writes nothing when the snapshot is no longer at the position the sync loaded', async () => {
    expect(await store.writeAhead(D, 9, [entry(user('u1', 0))])).toBe(false);
    expect(store.stateReader(D, 'user')('u1')).toBeUndefined();
    expect((await store.load(D))!.position).toBe(10);
  });

  it('leaves a snapshot that a failed sync wrote ahead to be replaced whole by the next load', async () => {
    await store.writeAhead(D, 10, [entry(user('u1', 0))]);
    expect(await store.load(D)).toBeNull();
    // what a load does without a trusted snapshot: fold the log, and save it in place of everything
    expect(await store.save(D, { basePosition: null, position: 12, entries: [entry(user('u9', 1))] })).toBe(true);
    expect([...(await store.load(D))!.state.users.keys()]).toEqual(['u9']);
  });

  it('keeps sections written ahead readable by id, and a load after the save knows them by summary and reads them whole', async () => {
    const section: SectionState = { id: 'c1', revision: 3, active: true, fields: { name: 'Algebra' }, personal: {}, teachers: ['t1'], primaryTeacher: 't1', students: ['u1', 'u2'] };
    expect(await store.writeAhead(D, 10, [{ category: 'section', id: 'c1', state: section }])).toBe(true);
    expect(JSON.parse(store.stateReader(D, 'section')('c1')!)).toEqual(section);
    expect(store.stateReader(D, 'user')('c1')).toBeUndefined();

    expect(await store.save(D, { basePosition: 10, position: 11, entries: [] })).toBe(true);
    const loaded = (await store.load(D))!;
    expect([loaded.state.sections.isParsed('c1'), loaded.state.sections.isActive('c1')]).toEqual([false, true]);
    expect([loaded.state.sections.get('c1'), loaded.state.sections.isParsed('c1')]).toEqual([section, true]);
  });
});

const section = (id: string, revision: number, students: string[], over: Partial<SectionState> = {}): SectionState => ({
  id,
  revision,
  active: true,
  fields: { name: `Class ${id}`, school: 's1', term_id: 't1', course: 'k1' },
  personal: {},
  teachers: ['t9'],
  primaryTeacher: 't9',
  students,
  ...over,
});
const sectionEntry = (state: SectionState): StateEntry => ({ category: 'section', id: state.id, state });

describe('SqliteDistrictStateStore: sections known by their summaries', () => {
  let database: SqliteLedgerDatabase;
  let store: SqliteDistrictStateStore;
  const sections = [
    section('c1', 4, ['u1', 'u2'], { source: { fingerprint: 'f1', listsKnownUsers: true } }),
    section('c2', 2, ['u2', 'u3'], { fields: { name: 'No course', school: 's2' } }),
    section('c3', 7, [], { active: false, teachers: [], primaryTeacher: null }),
  ];
  beforeEach(async () => {
    database = new SqliteLedgerDatabase(':memory:');
    store = new SqliteDistrictStateStore(database);
    await store.save(D, { basePosition: null, position: 30, entries: sections.map(sectionEntry) });
    await store.save('district-2', { basePosition: null, position: 30, entries: [sectionEntry(section('c1', 1, ['u1', 'x1']))] });
  });
  afterEach(() => database.close());

  const headFormat = () => database.db.prepare('SELECT format FROM district_states WHERE district_id = ?').pluck().get(D) as number;

  it('are loaded without reading their states: shared or not, students, school, term, course and source, and read whole when asked for', async () => {
    const { sections: loaded } = (await store.load(D))!.state;
    expect(sections.map((s) => loaded.isParsed(s.id))).toEqual([false, false, false]);
    expect(sections.map((s) => [loaded.isActive(s.id), loaded.referencesOf(s.id), loaded.sourceOf(s.id)])).toEqual([
      [true, { school: 's1', term_id: 't1', course: 'k1' }, { fingerprint: 'f1', listsKnownUsers: true }],
      [true, { school: 's2' }, undefined],
      [false, { school: 's1', term_id: 't1', course: 'k1' }, undefined],
    ]);
    expect(loaded.activeCounts()).toEqual({ sections: 2, enrollments: 4 });
    expect(sections.map((s) => loaded.get(s.id))).toEqual(sections);
  });

  it('tell which of some users their saved states list, as teachers or students, in this district only', async () => {
    const { sections: loaded } = (await store.load(D))!.state;
    const find = store.listedUsersFinder(D);
    expect([...find(new Set(['c1', 'c2', 'c3']), new Set(['u2', 't9', 'x1', 'nobody']))].map(([s, u]) => `${s}:${u}`).sort()).toEqual(['c1:t9', 'c1:u2', 'c2:t9', 'c2:u2']);
    expect([...find(new Set(['c2', 'nothing']), new Set(['u1', 'u2']))]).toEqual([['c2', 'u2']]);
    expect([...loaded.usersListed(['c2', 'c3'], new Set(['u1', 'u3', 'x1']))]).toEqual(['u3']);
    expect(sections.map((s) => loaded.isParsed(s.id))).toEqual([false, false, false]);
  });

  it('are given their summaries by the first save after an upgrade from a snapshot that had none, which loads its sections whole until then', async () => {
    // what the release before saved: users' summaries as arrays (format 51), no section summaries
    database.db.prepare('UPDATE district_states SET format = ? WHERE district_id = ?').run(LEDGER_STATE_FORMAT * 10 + 1, D);
    database.db.prepare('DELETE FROM district_state_section_summaries').run();
    const before = (await store.load(D))!;
    expect(sections.map((s) => before.state.sections.isParsed(s.id))).toEqual([true, true, true]);
    expect(sections.map((s) => before.state.sections.get(s.id))).toEqual(sections);

    const changed = section('c2', 3, ['u3']);
    expect(await store.save(D, { basePosition: 30, position: 31, entries: [sectionEntry(changed)] })).toBe(true);
    expect(headFormat()).toBe(LEDGER_STATE_FORMAT * 10 + 2);
    const after = (await store.load(D))!;
    expect(sections.map((s) => after.state.sections.isParsed(s.id))).toEqual([false, false, false]);
    expect([after.state.sections.get('c1'), after.state.sections.get('c2'), after.state.sections.get('c3')]).toEqual([sections[0], changed, sections[2]]);
    expect(after.state.sections.activeCounts()).toEqual({ sections: 2, enrollments: 3 });
    // the other district's snapshot is left as it was
    expect((await store.load('district-2'))!.state.sections.isParsed('c1')).toBe(false);
  });

  it('are given their summaries by a write ahead on such a snapshot as well, however many there are', async () => {
    const many = Array.from({ length: 2_345 }, (_, i) => section(`m${String(i).padStart(4, '0')}`, 1, [`u${i}`], { active: i % 5 !== 0 }));
    expect(await store.save(D, { basePosition: 30, position: 31, entries: many.map(sectionEntry) })).toBe(true);
    database.db.prepare('UPDATE district_states SET format = ? WHERE district_id = ?').run(LEDGER_STATE_FORMAT * 10 + 1, D);
    database.db.prepare('DELETE FROM district_state_section_summaries').run();
    expect(await store.writeAhead(D, 31, [entry(user('u1', 0))])).toBe(true);
    expect(await store.save(D, { basePosition: 31, position: 32, entries: [] })).toBe(true);
    const after = (await store.load(D))!;
    expect(sections.map((s) => [after.state.sections.isParsed(s.id), after.state.sections.isActive(s.id)])).toEqual([[false, true], [false, true], [false, false]]);
    expect(after.state.sections.size).toBe(3 + many.length);
    expect(many.filter((s) => after.state.sections.isParsed(s.id) || after.state.sections.isActive(s.id) !== s.active)).toEqual([]);
  });
});

describe('SqliteDistrictStateStore: loading the users of a large district', () => {
  let database: SqliteLedgerDatabase;
  let store: SqliteDistrictStateStore;
  beforeEach(() => {
    database = new SqliteLedgerDatabase(':memory:');
    store = new SqliteDistrictStateStore(database);
  });
  afterEach(() => database.close());

  it('puts back every user, with the summary saved for each, however many there are and whatever their ids hold', async () => {
    // more than a chunk of summaries (a load reads them a few thousand at a time), and ids a
    // JSON string must escape: a CSV feed's ids are whatever the district's SIS uses
    const odd = ['say "hi"', 'back\\slash', 'tab\there', 'é-ü', '\u2028line'];
    const ids = [...odd, ...Array.from({ length: 12_345 }, (_, i) => `u${String(i).padStart(5, '0')}`)];
    const users = ids.map((id, i) => ({ ...user(id, i % 7), roles: { student: { fields: { school: `s${i % 3}` }, personal: {} } } }));
    await store.save(D, { basePosition: null, position: 99, entries: users.map(entry) });
    await store.save('district-2', { basePosition: null, position: 99, entries: [entry(user('other', 0))] });

    const loaded = (await store.load(D))!;
    expect(new Set(loaded.state.users.keys())).toEqual(new Set(ids));
    expect(loaded.state.users.isParsed('u00042')).toBe(false);
    for (const [i, id] of ids.entries()) {
      expect([loaded.state.users.rolesOf(id), loaded.state.users.schoolsOf(id)]).toEqual([['student'], [`s${i % 3}`]]);
    }
    expect(loaded.state.users.get('say "hi"')).toEqual(users[0]);
    expect(loaded.state.users.get('u12344')).toEqual(users[users.length - 1]);
  });
});

describe('SqliteDistrictStateStore: snapshots saved before users\' summaries were arrays', () => {
  let database: SqliteLedgerDatabase;
  let store: SqliteDistrictStateStore;
  const users = [user('u1', 2), { ...user('u2', 0), source: { fingerprint: 'f2', unknownValues: ['student.gender'] } }, user('u3', 1)];
  beforeEach(async () => {
    database = new SqliteLedgerDatabase(':memory:');
    store = new SqliteDistrictStateStore(database);
    await store.save(D, { basePosition: null, position: 40, entries: users.map(entry) });
  });
  afterEach(() => database.close());

  const headFormat = () => database.db.prepare('SELECT format FROM district_states WHERE district_id = ?').pluck().get(D);
  const savedSummary = (id: string) => JSON.parse(database.db.prepare('SELECT summary FROM district_state_user_summaries WHERE id = ?').pluck().get(id) as string) as unknown;
  /** What an earlier release saved: the state's format alone in the head, each summary an object. */
  const asSavedBefore = () => {
    database.db.prepare('UPDATE district_states SET format = ?').run(LEDGER_STATE_FORMAT);
    for (const u of users) database.db.prepare('UPDATE district_state_user_summaries SET summary = ? WHERE id = ?').run(JSON.stringify(summariseUser(u)), u.id);
  };

  it('are saved now in a format an earlier release does not load, each summary an array', () => {
    expect(headFormat()).not.toBe(LEDGER_STATE_FORMAT);
    expect(savedSummary('u2')).toEqual([0, ['student'], ['s1'], { fingerprint: 'f2', unknownValues: ['student.gender'] }]);
    expect(savedSummary('u1')).toEqual([2, ['student'], ['s1']]);
  });

  it('load as they were saved, and a save moves them on with both kinds of summaries, each loaded as it is', async () => {
    asSavedBefore();
    const loaded = (await store.load(D))!;
    expect(loaded.position).toBe(40);
    for (const u of users) expect([loaded.state.users.sourceOf(u.id), loaded.state.users.rolesOf(u.id), loaded.state.users.get(u.id)]).toEqual([u.source, ['student'], u]);

    const changed = { ...user('u3', 2), source: { fingerprint: 'f3' } };
    expect(await store.save(D, { basePosition: 40, position: 41, entries: [entry(changed)] })).toBe(true);
    // the rows it did not write stay as the earlier release saved them
    expect([savedSummary('u1'), savedSummary('u3')]).toEqual([summariseUser(users[0]!), [2, ['student'], ['s1'], { fingerprint: 'f3' }]]);
    expect(headFormat()).not.toBe(LEDGER_STATE_FORMAT);
    const again = (await store.load(D))!;
    expect(again.position).toBe(41);
    expect([again.state.users.get('u1'), again.state.users.get('u2'), again.state.users.get('u3')]).toEqual([users[0], users[1], changed]);
    expect(again.state.users.sourceOf('u3')).toEqual({ fingerprint: 'f3' });
  });

  it('are not loaded when of another state format', async () => {
    database.db.prepare('UPDATE district_states SET format = ?').run(LEDGER_STATE_FORMAT - 1);
    expect(await store.load(D)).toBeNull();
  });
});
