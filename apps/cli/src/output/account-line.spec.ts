import type { AccountAnswer } from '@roster-ledger/ledger';
import { accountLines } from './account-line';

const account = (over: Partial<AccountAnswer>): AccountAnswer => ({
  id: 'u1',
  districtId: 'd1',
  status: 'active',
  roles: ['student'],
  formerRoles: [],
  personal: { name: { first: 'Ada', middle: 'B', last: 'Lovelace' } },
  facets: { student: { fields: {}, personal: { sis_id: '100095233' } } },
  formerFacets: {},
  firstSharedAt: '2026-12-01T10:00:00.000Z',
  firstSharedSync: 's1',
  lastChangedAt: '2026-12-01T10:00:00.000Z',
  removedAt: null,
  removedSync: null,
  personalRedacted: false,
  ...over,
});

describe('the lines of found accounts', () => {
  it('gives each account its id, name, roles, status, SIS id and first share, without a district when the page is of one', () => {
    expect(accountLines([account({})])).toEqual([`u1  ${'Ada B Lovelace'.padEnd(28)} ${'student'.padEnd(16)} ${'active'.padEnd(8)} sis 100095233  first shared 2026-12-01T10:00:00.000Z`]);
  });

  it('names each account\'s district on a page of several, so one person in two districts does not read as one person twice', () => {
    const lines = accountLines([account({ id: 'u1', districtId: 'd1' }), account({ id: 'sis-student-c8a8', districtId: 'd2' })]);
    expect(lines[0]).toContain(' district d1  sis 100095233  ');
    expect(lines[1]).toContain(' district d2  sis 100095233  ');
  });

  it("names the role of each SIS id when the account has several: a student who became a teacher is found by either, and the line says which is which", () => {
    const [line] = accountLines([
      account({
        roles: ['teacher', 'staff'],
        formerRoles: ['student'],
        facets: { teacher: { fields: {}, personal: { sis_id: '47' } }, staff: { fields: {}, personal: { staff_id: 'st-9' } } },
        formerFacets: { student: { fields: {}, personal: { sis_id: '133517565' } } },
      }),
    ]);
    expect(line).toContain(' sis 47 (teacher), 133517565 (former student)  first shared ');
  });

  it('says of an account found only by a name, email or id it had before that it was, as its line shows the present ones', () => {
    const lines = accountLines([account({ id: 'u1' }), account({ id: 'u2' })], ['u2']);
    expect(lines[0]).not.toContain('had before');
    expect(lines[1]).toMatch(/first shared 2026-12-01T10:00:00.000Z {2}\(found by a name, email or id it had before\)$/);
  });

  it('lines up the columns after the name on every line of a page, a long name too', () => {
    const long = { name: { first: 'Maximiliana Alexandrina', last: 'Featherstonehaugh-Cholmondeley' } };
    const lines = accountLines([account({ id: 'u1' }), account({ id: 'u2', personal: long })]);
    expect(lines[0]!.indexOf(' student ')).toBe(lines[1]!.indexOf(' student '));
    expect(lines[1]).toContain('Maximiliana Alexandrina Featherstonehaugh-Cholmondeley student');
  });
});
