import { FALL_TERM, ROLLOVER_SNAPSHOT_MS, SPRING_TERM } from './calendar';
import { cell } from './columns';
import { drawElectives, levelOfGrade } from './curriculum';
import type { DistrictState } from './district-state';
import { spreadCreatedMs } from './object-ids';
import { Prng } from './prng';
import { buildSections, groupKey, liveSectionGroups } from './section-plan';

/** Share of the new term's sections that keep an id of the old term (the others are new section records). */
export const KEPT_SECTION_ID_SHARE = 0.7;

/**
 * The first sync of the next term (product.md: "a term rollover replaces nearly every
 * enrollment"), after the snapshot `last` (the base, or the churn's next day when there is one:
 * the new term starts from the district as that day left it). Students choose new electives and
 * are reshuffled into new class lists, in the spring term; about 70% of the sections keep their
 * id (and teacher and period), the rest are new records with later ids, and old sections not
 * carried over are gone. Students, staff, schools and courses do not change (grades change at
 * the summer rollover, not at this one). Clever lists only the terms sections use, so the fall
 * term leaves terms.json. `last` is left untouched.
 */
export function deriveRollover(last: DistrictState): DistrictState {
  const prng = Prng.of(last.seed, 'rollover');
  const { students } = last;
  const electives = new Uint16Array(students.count);
  for (let row = 0; row < students.count; row++) electives[row] = drawElectives(levelOfGrade(cell(students.grade, row)), prng);
  // Students and teachers who left are in no section: buildSections leaves them out.
  const sections = buildSections({ ...last, electives, term: SPRING_TERM, prng: Prng.of(last.seed, 'rollover-sections') });

  // Slot j of a (school, subject, grade) group may take the id of the old term's j-th section still there.
  const old = last.sections;
  const oldGroups = liveSectionGroups(old);
  const keptFrom = new Int32Array(sections.count).fill(-1);
  let groupStart = 0;
  let fresh = 0;
  for (let row = 0; row < sections.count; row++) {
    const key = groupKey(cell(sections.school, row), cell(sections.subject, row), cell(sections.grade, row));
    if (row > 0 && key !== groupKey(cell(sections.school, row - 1), cell(sections.subject, row - 1), cell(sections.grade, row - 1))) groupStart = row;
    const oldRow = oldGroups.get(key)?.[row - groupStart] ?? -1;
    if (oldRow >= 0) {
      // The same class continues: its teacher and period stay, whether or not the SIS kept its record.
      sections.teacher[row] = cell(old.teacher, oldRow);
      sections.coTeacher[row] = cell(old.coTeacher, oldRow);
      sections.period[row] = cell(old.period, oldRow);
    }
    if (oldRow >= 0 && prng.chance(KEPT_SECTION_ID_SHARE)) keptFrom[row] = oldRow;
    else fresh++;
  }

  // New records get ordinals after the old term's and ids created in the week before the rollover.
  let next = 0;
  for (let row = 0; row < sections.count; row++) {
    const oldRow = cell(keptFrom, row);
    if (oldRow >= 0) {
      sections.ordinal[row] = cell(old.ordinal, oldRow);
      sections.createdMs[row] = cell(old.createdMs, oldRow);
      sections.sisNumber[row] = cell(old.sisNumber, oldRow);
      sections.ids.push(old.ids[oldRow] ?? '');
      sections.modified[row] = 1;
    } else {
      const ordinal = old.count + next;
      const createdMs = spreadCreatedMs(ROLLOVER_SNAPSHOT_MS - 7 * 86_400_000, ROLLOVER_SNAPSHOT_MS - 86_400_000, next, fresh);
      sections.ordinal[row] = ordinal;
      sections.createdMs[row] = createdMs;
      sections.sisNumber[row] = 10_000 + ordinal;
      sections.ids.push(last.ids.id('section', createdMs, ordinal));
      next++;
    }
  }
  return {
    ...last,
    terms: last.terms.map((term, index) => ({ ...term, listed: index !== FALL_TERM })),
    sections,
    snapshotMs: ROLLOVER_SNAPSHOT_MS,
  };
}
