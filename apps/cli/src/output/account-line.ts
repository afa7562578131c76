import type { AccountAnswer } from '@roster-ledger/ledger';
import { fullName } from './roster-line';

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
 */
export function accountLines(accounts: readonly AccountAnswer[]): string[] {
  const severalDistricts = new Set(accounts.map((a) => a.districtId)).size > 1;
  return accounts.map((a) => {
    const ids = [...Object.values(a.facets), ...Object.values(a.formerFacets)].map((f) => f.personal['sis_id']).filter(Boolean).join(', ');
    const roles = a.roles.length > 0 ? a.roles.join('+') : `was ${a.formerRoles.join('+')}`;
    const district = severalDistricts ? `district ${a.districtId ?? '-'}  ` : '';
    const removed = a.removedAt ? `, removed ${a.removedAt}` : '';
    return `${a.id}  ${nameOf(a.personal).padEnd(28)} ${roles.padEnd(16)} ${a.status.padEnd(8)} ${district}${ids ? `sis ${ids}  ` : ''}first shared ${a.firstSharedAt}${removed}`;
  });
}
