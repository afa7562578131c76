import type { SectionState } from './record-states';
import { LazyStates, type StateSummary } from './lazy-states';

/** The fields of a section that name other records: its school, term and course (each when it names one). */
export type SectionReferences = Partial<Record<'school' | 'term_id' | 'course', string>>;

const REFERENCE_FIELDS = ['school', 'term_id', 'course'] as const;

/**
 * What a sync reads of a section's state without reading the state: whether it is shared, how
 * many students it has, and what its fields refer to (what an unchanged section adds to a sync's
 * unresolved references). Saved beside each section's state.
 */
export interface SectionSummary extends StateSummary {
  active: boolean;
  students: number;
  references: SectionReferences;
}

/**
 * Finds which of `users` the saved states of the sections `sections` list, as teachers or
 * students, in one pass over the district's saved sections rather than a read per section:
 * `[section id, user id]` pairs, in any order. Given by the store that saved them.
 */
export type ListedUsersFinder = (sections: ReadonlySet<string>, users: ReadonlySet<string>) => Iterable<readonly [string, string]>;

/**
 * Starts finding, beside the caller (on another thread), the `[section id, user id]` pairs of
 * every saved section of the district that lists one of `users`. `collect` waits for them; null
 * when the search could not be done (the caller then finds them itself). Given by the store.
 */
export type ListedUsersSearch = (users: ReadonlySet<string>) => { collect(): Iterable<readonly [string, string]> | null };

/** The summary of a section state. */
export function summariseSection(section: SectionState): SectionSummary {
  const summary: SectionSummary = { revision: section.revision, active: section.active, students: section.students.length, references: referencesOf(section.fields) };
  if (section.source !== undefined) summary.source = section.source;
  return summary;
}

function referencesOf(fields: SectionState['fields']): SectionReferences {
  const references: SectionReferences = {};
  for (const field of REFERENCE_FIELDS) {
    const value = fields[field];
    if (typeof value === 'string') references[field] = value;
  }
  return references;
}

/**
 * The sections of a district state, some of them known only by a summary while their state is
 * saved (a snapshot's sections, or what a district's first import wrote ahead; see
 * {@link LazyStates}): their members, most of a section's state, need not be read or kept in memory.
 */
export class SectionStates extends LazyStates<SectionState, SectionSummary> {
  /** One string per school, term or course id the summaries name: a few thousand for 250,000 sections. */
  private readonly ids = new Map<string, string>();
  private findListed: ListedUsersFinder | undefined;
  private searchListed: ListedUsersSearch | undefined;
  /** A search started ahead (see {@link searchListedAhead}), for the users it looks for. */
  private searchedAhead: { users: ReadonlySet<string>; collect: () => Iterable<readonly [string, string]> | null } | undefined;

  constructor() {
    super('section');
  }

  /**
   * How the users that sections known by summary list are found (see {@link usersListed}); without
   * it, each such section is read. With `search`, they can be looked for ahead (see {@link searchListedAhead}).
   */
  findListedWith(finder: ListedUsersFinder, search?: ListedUsersSearch): void {
    this.findListed = finder;
    this.searchListed = search;
  }

  /**
   * Starts looking, beside the caller, for the sections known by summary that list any of `users`,
   * for a {@link usersListed} of the same users later: a sync knows the users a snapshot leaves out
   * once it has seen its users, and asks which sections list them only at its end, after diffing
   * the sections. Nothing without a search, users or sections known by summary.
   */
  searchListedAhead(users: ReadonlySet<string>): void {
    if (this.searchListed === undefined || users.size === 0 || this.unreadCount() === 0) return;
    this.searchedAhead = { users, ...this.searchListed(users) };
  }

  /** Puts back a section whose state is saved, by its summary: its state is read when asked for. */
  override restoreUnread(id: string, summary: SectionSummary): void {
    const references: SectionReferences = {};
    for (const field of REFERENCE_FIELDS) {
      const value = summary.references[field];
      if (value !== undefined) references[field] = this.shared(value);
    }
    const kept: SectionSummary = { revision: summary.revision, active: summary.active, students: summary.students, references };
    if (summary.source !== undefined) kept.source = summary.source;
    super.restoreUnread(id, kept);
  }

  /** Whether a section is shared now, without reading it; undefined for a section the state does not hold. */
  isActive(id: string): boolean | undefined {
    return this.summaryOf(id)?.active ?? this.parsedOf(id)?.active;
  }

  /** What a section's fields refer to, without reading it; undefined for a section the state does not hold. */
  referencesOf(id: string): SectionReferences | undefined {
    const summary = this.summaryOf(id);
    if (summary !== undefined) return summary.references;
    const parsed = this.parsedOf(id);
    return parsed === undefined ? undefined : referencesOf(parsed.fields);
  }

  /**
   * Which of `users` the sections `ids` list as teachers or students: from the states in memory,
   * and for the others from their saved states, found in one pass (see {@link findListedWith}).
   */
  usersListed(ids: Iterable<string>, users: ReadonlySet<string>): Set<string> {
    const listed = new Set<string>();
    const unread = new Set<string>();
    const note = (members: readonly string[]) => {
      for (const member of members) if (users.has(member)) listed.add(member);
    };
    for (const id of ids) {
      const section = this.parsedOf(id);
      if (section !== undefined) (note(section.teachers), note(section.students));
      else if (this.has(id)) unread.add(id);
    }
    const ahead = this.searchedAhead !== undefined && sameMembers(this.searchedAhead.users, users) ? this.searchedAhead.collect : null;
    this.searchedAhead = undefined;
    if (unread.size === 0 || users.size === 0) return listed;
    // the search ahead looked at every saved section; only those asked about count
    const found = ahead?.() ?? null;
    if (found !== null) {
      for (const [section, user] of found) if (unread.has(section)) listed.add(user);
    } else if (this.findListed === undefined) {
      for (const id of unread) {
        const section = this.get(id)!;
        (note(section.teachers), note(section.students));
      }
    } else {
      for (const [, user] of this.findListed(unread, users)) listed.add(user);
    }
    return listed;
  }

  /** How many sections are shared, and how many students they have together, without reading any. */
  activeCounts(): { sections: number; enrollments: number } {
    let sections = 0;
    let enrollments = 0;
    for (const s of this.parsedStates()) if (s.active) (sections++, (enrollments += s.students.length));
    for (const s of this.summaries()) if (s.active) (sections++, (enrollments += s.students));
    return { sections, enrollments };
  }

  private shared(id: string): string {
    const known = this.ids.get(id);
    if (known !== undefined) return known;
    this.ids.set(id, id);
    return id;
  }
}

function sameMembers(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  if (a.size !== b.size) return false;
  for (const member of a) if (!b.has(member)) return false;
  return true;
}
