import type { RosterMember } from '@roster-ledger/ledger';

/**
 * One member of an as-of roster: id, name (blank where not shown), since when and by which sync;
 * a person removed from the district since is marked, as on a class's timeline (Clever may still
 * list a removed student in a section).
 */
export function rosterMemberLine(member: RosterMember): string {
  const shown = member.name ? fullName(member.name) : '';
  const primary = member.primary ? 'primary ' : '';
  const removed = member.status === 'removed' ? ', now removed' : '';
  return `  ${member.userId}  ${shown.padEnd(28)} ${primary}since ${member.since} (sync ${member.sinceSync ?? '-'})${removed}`;
}

/** "first last" of a record's `name` (either part may be missing). */
export function fullName(name: Record<string, unknown>): string {
  const { first, last } = name as { first?: string; last?: string };
  return `${first ?? ''} ${last ?? ''}`.trim();
}
