import type { RecordSource, SectionSummary } from '@roster-ledger/domain';

/**
 * A section's summary as the district state store saves it: an array, `[revision, active,
 * students, school, term, course]` (null where its fields name none) and the source when there is
 * one. An array, as users' summaries are (see saved-user-summary.ts): they parse faster than objects.
 */
type SavedSectionSummary = [
  revision: number,
  active: boolean,
  students: number,
  school: string | null,
  term: string | null,
  course: string | null,
  source?: RecordSource,
];

/** The JSON a section's summary is saved as. */
export function sectionSummaryJson(summary: SectionSummary): string {
  const { school, term_id, course } = summary.references;
  const saved: SavedSectionSummary = [summary.revision, summary.active, summary.students, school ?? null, term_id ?? null, course ?? null];
  if (summary.source !== undefined) saved.push(summary.source);
  return JSON.stringify(saved);
}

/** A section's summary from its saved JSON, parsed. */
export function sectionSummaryOf(saved: SavedSectionSummary): SectionSummary {
  const [revision, active, students, school, term, course, source] = saved;
  const references: SectionSummary['references'] = {};
  if (school !== null) references.school = school;
  if (term !== null) references.term_id = term;
  if (course !== null) references.course = course;
  const summary: SectionSummary = { revision, active, students, references };
  if (source !== undefined) summary.source = source;
  return summary;
}
