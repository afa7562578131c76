import type { SectionState } from './record-states';
import { LazyStates, type StateSummary } from './lazy-states';

/** What a sync reads of a section's state without reading the state: whether it is shared, and how many students it has. */
export interface SectionSummary extends StateSummary {
  active: boolean;
  students: number;
}

/** The summary of a section state. */
export function summariseSection(section: SectionState): SectionSummary {
  const summary: SectionSummary = { revision: section.revision, active: section.active, students: section.students.length };
  if (section.source !== undefined) summary.source = section.source;
  return summary;
}

/**
 * The sections of a district state, some of them known only by a summary while their state is
 * saved (what a district's first import wrote ahead; see {@link LazyStates}): their members, most
 * of a section's state, need not stay in memory to the end of the sync.
 */
export class SectionStates extends LazyStates<SectionState, SectionSummary> {
  constructor() {
    super('section');
  }

  /** Whether a section is shared now, without reading it; undefined for a section the state does not hold. */
  isActive(id: string): boolean | undefined {
    return this.summaryOf(id)?.active ?? this.parsedOf(id)?.active;
  }

  /** How many sections are shared, and how many students they have together, without reading any. */
  activeCounts(): { sections: number; enrollments: number } {
    let sections = 0;
    let enrollments = 0;
    for (const s of this.parsedStates()) if (s.active) (sections++, (enrollments += s.students.length));
    for (const s of this.summaries()) if (s.active) (sections++, (enrollments += s.students));
    return { sections, enrollments };
  }
}
