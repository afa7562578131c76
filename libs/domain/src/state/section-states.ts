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

  constructor() {
    super('section');
  }

  /** How the users that sections known by summary list are found (see {@link usersListed}); without it, each such section is read. */
  findListedWith(finder: ListedUsersFinder): void {
    this.findListed = finder;
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
    if (unread.size === 0 || users.size === 0) return listed;
    if (this.findListed === undefined) {
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
