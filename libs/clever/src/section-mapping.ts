import type { SectionRecord } from '@roster-ledger/domain';
import { isAtLeast } from './api/version-coverage';
import { moment } from './clever-dates';
import { GRADES, SUBJECTS } from './clever-enums';
import { flag, isNoValue, objectOf, oneOf, readTextList, refuseMissingName, splitParts, text } from './field-readers';
import type { PartsSpec, RecordContext } from './field-readers';
import { ext } from './common-readers';
import { HEADER_KEYS, unfitIdProblem } from './record-header';
import type { RecordHeader } from './record-header';

export const SECTION: PartsSpec = {
  fields: {
    school: text,
    name: text,
    sis_id: text,
    section_number: text,
    subject: oneOf(SUBJECTS),
    grade: oneOf(GRADES),
    period: text,
    course: text,
    term_id: text,
    created: moment,
    ext,
    lms_status: objectOf({ synced_in_lms: flag }),
  },
  personal: {},
  // Membership is not a field: it becomes enrollment events.
  skip: [...HEADER_KEYS, 'teacher', 'teachers', 'students'],
};

/**
 * A section; `teachers` has the primary `teacher` first (added when Clever left it out of
 * `teachers`), and both membership lists keep the first occurrence of each id.
 *
 * Clever sends every section's school and its lists of students and teachers (`[]` for none; a
 * v1.1 section its one `teacher`, and no `teachers`). A record without one is refused rather than
 * read as empty: read so, it would move the class out of its school or unenroll every member, with
 * no sign that anything was left out of the file. A section with a `teacher` may lack `teachers`
 * only when it was not read at v3 or later (its version unknown, or v1.1 or v2): a v3 record
 * without the list would unassign its co-teachers.
 */
export function mapSection(raw: Record<string, unknown>, ctx: RecordContext, header: RecordHeader): SectionRecord {
  const at = { ctx, path: '', label: 'section' };
  if (isNoValue(raw['school'])) throw ctx.error('school', 'record has no school (Clever gives every section its school)');
  // Clever's SFTP format lets a section go unnamed (neither Name nor Course_name), and what the API
  // then shows is not documented: a name of "" is recorded as none and reported as unnamed (see
  // sectionWithoutName), not refused, which would hold back every sync of the district for a name
  // only the district can give. A missing name is refused (a partial record would erase it).
  refuseMissingName(raw, ctx, 'section', true);
  // (a section of Clever's v1.1 names its one teacher in `teacher` alone)
  const readAtV3 = ctx.readAt !== undefined && isAtLeast(ctx.readAt, 3);
  const lists = isNoValue(raw['teacher']) || readAtV3 ? ['students', 'teachers'] : ['students'];
  for (const list of lists) {
    if (raw[list] === undefined || raw[list] === null) {
      throw ctx.error(list, `record has no ${list} list (Clever sends every section's ${list}, [] for none: read as none, every one of them would leave the class)`);
    }
  }
  const primary = text(raw['teacher'], { ctx, path: 'teacher', label: 'section.teacher' });
  const teachers = readTextList(raw['teachers'], { ctx, path: 'teachers', label: 'section.teachers' }) ?? [];
  const students = readTextList(raw['students'], { ctx, path: 'students', label: 'section.students' }) ?? [];
  // a member's id names the member's stream, as a record's own id does: held to the same rule
  const listed = (list: string): [string, unknown][] => (Array.isArray(raw[list]) ? (raw[list] as unknown[]).map((id, i) => [`${list}[${i}]`, id]) : []);
  for (const [path, id] of [...listed('teachers'), ...listed('students')]) {
    // dropped, it would leave a member out of the class with no sign that the file named one
    if (id === null || id === '') throw ctx.error(path, `a member without an id (${JSON.stringify(id)}): Clever lists each member by its id`);
  }
  for (const [path, id] of [['teacher', primary] as [string, unknown], ...listed('teachers'), ...listed('students')]) {
    const unfit = typeof id === 'string' ? unfitIdProblem(id) : null;
    if (unfit !== null) throw ctx.error(path, unfit);
  }
  return {
    kind: 'section',
    ...header,
    ...splitParts(raw, SECTION, at),
    teachers: unique(typeof primary === 'string' ? [primary, ...teachers] : teachers),
    students: unique(students),
  };
}

function unique(ids: readonly string[]): string[] {
  return [...new Set(ids)];
}
