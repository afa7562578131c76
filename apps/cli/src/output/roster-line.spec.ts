import type { ClassMembership, RosterMember } from '@roster-ledger/ledger';
import { classMembershipLine, rosterMemberLine } from './roster-line';

const member = (overrides: Partial<RosterMember>): RosterMember => ({
  sectionId: 'sec1',
  userId: 'u1',
  role: 'student',
  primary: false,
  since: '2026-09-01T06:00:00.000Z',
  sinceSync: 'sync-a',
  primarySince: null,
  primarySinceSync: null,
  until: null,
  name: { first: 'Ada', last: 'Lovelace' },
  status: 'active',
  sinceClassShared: false,
  ...overrides,
});

describe('rosterMemberLine', () => {
  it('says who, since when and by which sync', () => {
    expect(rosterMemberLine(member({}))).toBe(`  u1  ${'Ada Lovelace'.padEnd(28)} since 2026-09-01T06:00:00.000Z (sync sync-a)`);
    const primary = { role: 'teacher', primary: true, name: null, primarySince: '2026-09-01T06:00:00.000Z', primarySinceSync: 'sync-a' } as const;
    expect(rosterMemberLine(member(primary))).toBe(`  u1  ${''.padEnd(28)} since 2026-09-01T06:00:00.000Z (sync sync-a), primary`);
  });

  it('says that a member of the class since the ledger first recorded it may have joined it before then', () => {
    expect(rosterMemberLine(member({ sinceClassShared: true }))).toBe(
      `  u1  ${'Ada Lovelace'.padEnd(28)} since 2026-09-01T06:00:00.000Z (sync sync-a, which shared the class: joined then or before)`,
    );
  });

  it('says when a teacher became primary, apart from when they joined, after a primary teacher change', () => {
    const made = member({ role: 'teacher', primary: true, primarySince: '2026-10-02T06:00:00.000Z', primarySinceSync: 'sync-b' });
    expect(rosterMemberLine(made)).toBe(
      `  u1  ${'Ada Lovelace'.padEnd(28)} since 2026-09-01T06:00:00.000Z (sync sync-a), primary since 2026-10-02T06:00:00.000Z (sync sync-b)`,
    );
  });

  it('says a name was not shown to a role that may not see names, as search and timelines do', () => {
    expect(rosterMemberLine(member({ name: null }), true)).toBe(`  u1  ${'(name not shown)'.padEnd(28)} since 2026-09-01T06:00:00.000Z (sync sync-a)`);
  });

  it('marks a member removed from the district since, whom the section still lists', () => {
    expect(rosterMemberLine(member({ status: 'removed' }))).toMatch(/\(sync sync-a\), now removed$/);
  });

  it('says when a member of the class then has left it since, as classes says it', () => {
    expect(rosterMemberLine(member({ until: '2026-12-08T23:59:32.823Z', status: 'removed' }))).toMatch(/\(sync sync-a\), left 2026-12-08T23:59:32\.823Z, now removed$/);
  });
});

describe('classMembershipLine', () => {
  const membership = (overrides: Partial<ClassMembership>): ClassMembership => ({
    sectionId: 'sec1', userId: 't1', role: 'teacher', primary: false, since: '2026-09-01T06:00:00.000Z', sinceSync: 'sync-a',
    primarySince: null, primarySinceSync: null, until: null, className: 'Algebra 1A', status: 'active', sinceClassShared: false, ...overrides,
  });

  it('gives the class, the role since when and by which sync', () => {
    expect(classMembershipLine(membership({ role: 'student' }))).toBe(`  sec1  ${'Algebra 1A'.padEnd(28)}  student since 2026-09-01T06:00:00.000Z (sync sync-a)`);
  });

  it('says of a member since the sync that first recorded the class that they joined then or before, as a roster does', () => {
    expect(classMembershipLine(membership({ role: 'student', sinceClassShared: true }))).toBe(
      `  sec1  ${'Algebra 1A'.padEnd(28)}  student since 2026-09-01T06:00:00.000Z (sync sync-a, which shared the class: joined then or before)`,
    );
    // a name as long as the column or longer is still apart from the role
    expect(classMembershipLine(membership({ className: 'Latin Dance Elective - Gleichner - 6' }))).toContain('Latin Dance Elective - Gleichner - 6  teacher since');
  });

  it('says when a teacher became primary after joining, as a roster does, when they left, and a class removed since', () => {
    const made = membership({ primary: true, primarySince: '2026-10-02T06:00:00.000Z', primarySinceSync: 'sync-b', until: '2026-11-01T06:00:00.000Z', status: 'removed' });
    expect(classMembershipLine(made)).toBe(
      `  sec1  ${'Algebra 1A'.padEnd(28)}  teacher since 2026-09-01T06:00:00.000Z (sync sync-a), primary since 2026-10-02T06:00:00.000Z (sync sync-b), left 2026-11-01T06:00:00.000Z, class now removed`,
    );
    expect(classMembershipLine(membership({ primary: true, primarySince: '2026-09-01T06:00:00.000Z' }))).toContain('(sync sync-a), primary');
  });
});
