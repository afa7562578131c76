import type { AccountAnswer } from '@roster-ledger/ledger';
import { columnWidth } from './column-width';
import { fullName, NAME_WIDTH } from './roster-line';

/** A found account's name with its middle name: a search matches by it too, and it tells two Steve Ziemanns apart. */
const nameOf = (personal: Record<string, unknown>): string => {
  const name = personal['name'] as Record<string, unknown> | undefined;
  return name ? fullName(name, { middle: true }) : '(name not shown)';
};

/**
 * The lines of a page of found accounts: id, name, roles, status, SIS ids (a removed person's as
 * they were: what a search by one is checked against), when first shared and removed. A page of
 * several districts names each account's: two people of one name and SIS id in two districts (a
 * district imported twice, under Clever's ids and under SIS ones) would read as one person twice.
 * An account found only by a name, email or id it had before says so: its line shows the present
 * ones, and nothing on it would match the text searched.
 */
export function accountLines(accounts: readonly AccountAnswer[], foundByFormer: readonly string[] = []): string[] {
  const severalDistricts = new Set(accounts.map((a) => a.districtId)).size > 1;
  const width = columnWidth(accounts.map((a) => nameOf(a.personal)), NAME_WIDTH);
  return accounts.map((a) => {
    const ids = sisIds(a);
    const roles = a.roles.length > 0 ? a.roles.join('+') : `was ${a.formerRoles.join('+')}`;
    const district = severalDistricts ? `district ${a.districtId ?? '-'}  ` : '';
    const removed = a.removedAt ? `, removed ${a.removedAt}` : '';
    const former = foundByFormer.includes(a.id) ? '  (found by a name, email or id it had before)' : '';
    return `${a.id}  ${nameOf(a.personal).padEnd(width)} ${roles.padEnd(16)} ${a.status.padEnd(8)} ${district}${ids ? `sis ${ids}  ` : ''}first shared ${a.firstSharedAt}${removed}${former}`;
  });
}

/**
 * An account's SIS ids, one per role that has one: each named by its role when there are several
 * (`47 (teacher), 133517565 (former student)`), since a role's SIS id is the district's id of the
 * person in that role, and a search by the former one should say so.
 */
function sisIds(account: AccountAnswer): string {
  const roles = [
    ...Object.entries(account.facets).map(([role, facet]) => [role.replace('_', ' '), facet] as const),
    ...Object.entries(account.formerFacets).map(([role, facet]) => [`former ${role.replace('_', ' ')}`, facet] as const),
  ];
  const ids = roles.filter(([, facet]) => Boolean(facet.personal['sis_id'])).map(([role, facet]) => [role, String(facet.personal['sis_id'])] as const);
  return ids.length > 1 ? ids.map(([role, id]) => `${id} (${role})`).join(', ') : (ids[0]?.[1] ?? '');
}
