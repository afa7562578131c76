import { LedgerState, type UserState } from './ledger-state';
import { summariseUser, UserStates } from './user-states';

const teacherAndStaff: UserState = {
  id: 'u1',
  revision: 3,
  personal: { name: { first: 'Grace', last: 'Hopper' } },
  roles: { teacher: { fields: { schools: ['s1', 's2'] }, personal: {} }, staff: { fields: { school: 's3' }, personal: {} } },
  pastRoles: ['teacher', 'staff'],
  source: { fingerprint: '1:abc', unknownValues: ['teacher.title'] },
};
const removed: UserState = { id: 'u2', revision: 1, personal: {}, roles: {}, pastRoles: ['student'] };

/** Users as a load from a saved snapshot leaves them: by their summaries, read from `rows` (id -> JSON) when asked for. */
function saved(users: UserState[], rows = new Map(users.map((u) => [u.id, JSON.stringify(u)]))): { users: UserStates; reads: string[] } {
  const states = new UserStates();
  const reads: string[] = [];
  states.readWith((id) => {
    reads.push(id);
    return rows.get(id);
  });
  for (const user of users) states.restoreUnread(user.id, summariseUser(user));
  return { users: states, reads };
}

describe('users left unread until a sync touches them', () => {
  it('answers roles, schools and source from the summary, and reads the whole state once asked for', () => {
    const { users, reads } = saved([teacherAndStaff, removed]);
    expect(users.size).toBe(2);
    expect([...users.keys()]).toEqual(['u1', 'u2']);
    expect([...users.roles()]).toEqual([['teacher', 'staff'], []]);
    expect(users.schoolsOf('u1')).toEqual(['s1', 's2', 's3']);
    expect(users.sourceOf('u1')).toEqual({ fingerprint: '1:abc', unknownValues: ['teacher.title'] });
    expect([users.rolesOf('u1'), users.rolesOf('u2'), users.rolesOf('nobody')]).toEqual([['teacher', 'staff'], [], undefined]);
    expect(reads).toEqual([]);
    expect(users.get('u1')).toEqual(teacherAndStaff);
    expect(reads).toEqual(['u1']);
    // parsed now: the same answers, from the state
    expect(users.get('u1')).toBe(users.get('u1'));
    expect(users.schoolsOf('u1')).toEqual(['s1', 's2', 's3']);
    expect([...users.roles()].sort()).toEqual([[], ['teacher', 'staff']]);
    expect(users.size).toBe(2);
    expect(users.get('nobody')).toBeUndefined();
    expect(users.has('u2')).toBe(true);
    expect(reads).toEqual(['u1']);
  });

  it('answers each user with their own roles and schools when many users share the same lists', () => {
    const student = (id: string, schools: string[]): UserState => ({
      id,
      revision: 1,
      personal: {},
      roles: { student: { fields: { schools }, personal: {} } },
      pastRoles: ['student'],
    });
    const people = [student('a', ['s1', 's2']), student('b', ['s1', 's2']), student('c', ['s1,s2']), student('d', ['s1']), student('e', [])];
    const { users } = saved([...people, teacherAndStaff]);
    expect(people.map((p) => users.schoolsOf(p.id))).toEqual([['s1', 's2'], ['s1', 's2'], ['s1,s2'], ['s1'], []]);
    expect(people.map((p) => users.rolesOf(p.id))).toEqual(people.map(() => ['student']));
    expect(users.rolesOf('u1')).toEqual(['teacher', 'staff']);
    expect(users.schoolsOf('u1')).toEqual(['s1', 's2', 's3']);
  });

  it("names each school once: a student's school among their schools, and a summary saved with it twice", () => {
    const student: UserState = {
      id: 's',
      revision: 1,
      personal: {},
      roles: { student: { fields: { school: 's2', schools: ['s1', 's2'] }, personal: {} } },
      pastRoles: ['student'],
    };
    expect(summariseUser(student).schools).toEqual(['s2', 's1']);
    const users = new UserStates();
    users.restoreUnread('a', { revision: 1, roles: ['student'], schools: ['s1', 's1'] });
    users.restoreUnread('b', { revision: 1, roles: ['student', 'teacher'], schools: ['s1', 's2', 's1', 's3'] });
    users.restoreUnread('c', { revision: 1, roles: ['student'], schools: ['s1', 's2'] });
    expect(['a', 'b', 'c'].map((id) => users.schoolsOf(id))).toEqual([['s1'], ['s1', 's2', 's3'], ['s1', 's2']]);
  });

  it('refuses a saved state another process moved on after the load, or removed', () => {
    const moved = saved([teacherAndStaff, removed], new Map([['u1', JSON.stringify({ ...teacherAndStaff, revision: 4 })]]));
    expect(() => moved.users.get('u1')).toThrow(/saved state of user u1 changed after it was loaded .*try again/);
    expect(() => moved.users.get('u2')).toThrow(/saved state of user u2 changed/);
  });

  it('iterating values parses them all; a state set replaces the saved one', () => {
    const { users } = saved([teacherAndStaff, removed]);
    users.set('u2', { ...removed, revision: 2 });
    expect([...users.values()].map((u) => [u.id, u.revision])).toEqual([['u2', 2], ['u1', 3]]);
    expect(users.size).toBe(2);
  });

  it('in a ledger state: an unparsed user is recognised by its bytes, and an event folded into it parses it and drops its source', () => {
    const state = new LedgerState();
    state.users.readWith(() => JSON.stringify(teacherAndStaff));
    state.restoreUnreadUser('u1', summariseUser(teacherAndStaff));
    expect(state.recognise('user', 'u1', '1:abc')).toBe('u1');
    expect(state.activeCount('user')).toBe(1);
    state.apply({ streamId: 'user-u1', revision: 4, type: 'StaffRemoved', data: { id: 'u1' } });
    expect(state.recognise('user', 'u1', '1:abc')).toBeUndefined();
    expect(state.users.get('u1')!.roles).toEqual({ teacher: teacherAndStaff.roles.teacher });
    expect(summariseUser(state.users.get('u1')!)).toEqual({ revision: 4, roles: ['teacher'], schools: ['s1', 's2'] });
  });
});
