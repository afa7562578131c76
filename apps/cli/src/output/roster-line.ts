import type { ClassMembership, Membership, RosterMember } from '@roster-ledger/ledger';

/**
 * One member of an as-of roster: id, name (`(name not shown)` to a role that may not see names,
 * as search and timelines say it; blank where none is known), since when and by which sync (and,
 * for who was in the class when a sync shared it, first or again, that they joined then or before),
 * when they left if they have since (as `classes` says it); a person removed from the district
 * since is marked, as on a class's timeline (Clever may still list a removed student in a section).
 */
export function rosterMemberLine(member: RosterMember, namesRedacted = false, width = NAME_WIDTH): string {
  const shown = rosterMemberName(member, namesRedacted);
  const removed = member.status === 'removed' ? ', now removed' : '';
  const until = member.until === null ? '' : `, left ${member.until}`;
  const primary = primaryNote(member);
  // the ledger knows a class from its first sync on: who was in it then joined then or before
  const first = member.sinceClassShared ? FIRST_RECORDED : '';
  return `  ${member.userId}  ${shown.padEnd(width)} since ${member.since} (sync ${member.sinceSync ?? '-'}${first})${primary}${until}${removed}`;
}

/** The least width of a column of names (see columnWidth): most names fit. */
export const NAME_WIDTH = 28;

/** A roster member's name as its line shows it (see rosterMemberLine). */
export function rosterMemberName(member: RosterMember, namesRedacted = false): string {
  return member.name ? fullName(member.name) : namesRedacted ? '(name not shown)' : '';
}

/** "first last" of a record's `name` (any part may be missing), or "first middle last". */
export function fullName(name: Record<string, unknown>, options: { middle?: boolean } = {}): string {
  const { first, middle, last } = name as { first?: string; middle?: string; last?: string };
  return [first, options.middle ? middle : undefined, last].filter((part) => typeof part === 'string' && part.trim() !== '').join(' ');
}

/**
 * One class of a person at a moment (`classes`): the class, the person's role in it since when and
 * by which sync, primary as a roster says it, when they left if they have since, and whether the
 * class is removed since.
 */
export function classMembershipLine(m: ClassMembership, width = NAME_WIDTH): string {
  const until = m.until === null ? '' : `, left ${m.until}`;
  const removed = m.status === 'removed' ? ', class now removed' : '';
  const first = m.sinceClassShared ? FIRST_RECORDED : '';
  // two spaces after the name: a long one would otherwise run into the role
  return `  ${m.sectionId}  ${(m.className ?? '').padEnd(width)}  ${m.role} since ${m.since} (sync ${m.sinceSync ?? '-'}${first})${primaryNote(m)}${until}${removed}`;
}

/** Said of a member who was in the class when a sync shared it, first or again (see RosterMember.sinceClassShared). */
const FIRST_RECORDED = ', which shared the class: joined then or before';

/** A primary teacher marked so; one made primary after they joined (a primary teacher change) says when, apart from when they joined. */
function primaryNote(m: Membership): string {
  if (!m.primary) return '';
  return m.primarySince === null || m.primarySince === m.since ? ', primary' : `, primary since ${m.primarySince} (sync ${m.primarySinceSync ?? '-'})`;
}
