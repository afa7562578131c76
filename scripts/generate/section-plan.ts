import { allocateColumns, cell, copyColumns } from './columns';
import type { Columns } from './columns';
import { courseIndex, GRADE_COUNT, LEVELS, levelAt, levelOfGrade, SUBJECT, SUBJECTS } from './curriculum';
import type { Prng } from './prng';
import type { SchoolTable } from './school-plan';
import { teachersBySchool } from './staff-plan';
import type { StaffTable } from './staff-plan';
import type { StudentTable } from './student-table';

/** Students per section the splitter aims at (NYC class-size caps are 25-34). */
export const TARGET_SECTION_SIZE = 25;
/** Share of sections with a co-teacher (integrated co-teaching classes). */
const CO_TEACHER_SHARE = 0.12;
const SUBJECT_COUNT = SUBJECTS.length;

const SECTION_COLUMNS = {
  ordinal: Int32Array,
  createdMs: Float64Array,
  school: Int32Array,
  grade: Uint8Array,
  subject: Uint8Array,
  course: Int32Array,
  term: Uint8Array,
  period: Uint8Array,
  /** 1-based number of the section within its school, subject and grade. */
  number: Uint16Array,
  /** Staff rows; coTeacher is -1 when there is none. */
  teacher: Int32Array,
  coTeacher: Int32Array,
  sisNumber: Int32Array,
  /** 1 when this snapshot changed the section (its last_modified is the snapshot's change time). */
  modified: Uint8Array,
  /** 1 when the section is gone from this snapshot (not written). */
  removed: Uint8Array,
} as const;

/**
 * Sections as columns, their students in one compressed list: the students of row r are
 * members[memberStart[r], memberStart[r + 1]) (student rows, ascending), unless a derived
 * snapshot replaced the list in `overrides` (a few percent of sections at most).
 */
export interface SectionTable extends Columns<typeof SECTION_COLUMNS> {
  count: number;
  ids: string[];
  memberStart: Int32Array;
  members: Int32Array;
  overrides: Map<number, Int32Array>;
}

export function membersOf(sections: SectionTable, row: number): Int32Array {
  return sections.overrides.get(row) ?? sections.members.subarray(cell(sections.memberStart, row), cell(sections.memberStart, row + 1));
}

/**
 * A copy a derived snapshot can change (teachers, flags, membership overrides), with room for
 * `extra` more sections (whose students are always in `overrides`); the base lists are shared.
 */
export function copySections(from: SectionTable, extra = 0): SectionTable {
  const copy: SectionTable = {
    ...copyColumns(SECTION_COLUMNS, from, from.count, from.count + extra),
    count: from.count,
    ids: from.ids.slice(),
    memberStart: from.memberStart,
    members: from.members,
    overrides: new Map(from.overrides),
  };
  copy.modified.fill(0);
  copy.removed.fill(0);
  return copy;
}

export interface SectionBuild {
  schools: SchoolTable;
  students: StudentTable;
  staff: StaffTable;
  /** Electives per student row (the rollover draws new ones for the new term). */
  electives: Uint16Array;
  term: number;
  prng: Prng;
}

/**
 * Builds the sections school by school, subject by subject, grade by grade: the students of a
 * school and grade who take a subject (plus visitors from other schools) are shuffled and split
 * into sections of about 25. A school's sections are then dealt to its teachers in runs, so a
 * teacher teaches one or two subjects over neighbouring grades, as in a real timetable.
 * Ordinals, ids and creation times are left to the caller.
 */
export function buildSections({ schools, students, staff, electives, term, prng }: SectionBuild): SectionTable {
  const byGroup = groupStudents(schools.count, students, (row) => cell(students.school, row), (row) => cell(students.grade, row));
  const visitors = groupStudents(
    schools.count,
    students,
    (row) => cell(students.secondSchool, row),
    (row) => cell(students.visitGrade, row),
  );
  const coreMasks = LEVELS.map((level) => level.core.reduce((mask, subject) => mask | (1 << subject), 0));

  // Every section has at least one student, and visitors take one section each.
  let enrollments = 0;
  for (let row = 0; row < students.count; row++) enrollments += 1 + popCount(cell(coreMasks, levelOfGrade(cell(students.grade, row))) | cell(electives, row));
  const groups = schools.count * GRADE_COUNT * LEVELS.reduce((n, level) => Math.max(n, level.subjects.length), 0);
  const capacity = Math.ceil(enrollments / (TARGET_SECTION_SIZE / 2)) + groups + 1;

  const table: SectionTable = {
    ...allocateColumns(SECTION_COLUMNS, capacity),
    count: 0,
    ids: [],
    memberStart: new Int32Array(capacity + 1),
    members: new Int32Array(enrollments),
    overrides: new Map(),
  };
  let row = 0;
  let memberCount = 0;
  const teachers = teachersBySchool(staff, schools.count);
  const candidates = new Int32Array(Math.max(1, byGroup.largest + visitors.largest));
  for (let school = 0; school < schools.count; school++) {
    const levelIndex = cell(schools.level, school);
    const level = levelAt(levelIndex);
    const coreMask = cell(coreMasks, levelIndex);
    const firstRow = row;
    for (const subject of level.subjects) {
      const bit = 1 << subject;
      for (let grade = level.lowGrade; grade <= level.highGrade; grade++) {
        const group = school * GRADE_COUNT + grade;
        let k = 0;
        for (let i = cell(byGroup.start, group); i < cell(byGroup.start, group + 1); i++) {
          const student = cell(byGroup.rows, i);
          if (((coreMask | cell(electives, student)) & bit) !== 0) candidates[k++] = student;
        }
        for (let i = cell(visitors.start, group); i < cell(visitors.start, group + 1); i++) {
          const student = cell(visitors.rows, i);
          if (cell(students.visitSubject, student) === subject) candidates[k++] = student;
        }
        if (k === 0) continue;
        prng.shuffle(candidates, 0, k);
        const sectionsHere = Math.max(1, Math.round(k / TARGET_SECTION_SIZE));
        for (let j = 0; j < sectionsHere; j++, row++) {
          const from = Math.floor((j * k) / sectionsHere);
          const to = Math.floor(((j + 1) * k) / sectionsHere);
          table.memberStart[row] = memberCount;
          table.members.set(candidates.subarray(from, to), memberCount);
          // Clever lists a section's students in id order, which is row order here.
          table.members.subarray(memberCount, memberCount + to - from).sort();
          memberCount += to - from;
          table.school[row] = school;
          table.grade[row] = grade;
          table.subject[row] = subject;
          table.course[row] = courseIndex(subject, grade);
          table.term[row] = term;
          table.number[row] = j + 1;
          table.period[row] = subject === SUBJECT.homeroom ? 1 : prng.between(1, 8);
        }
      }
    }
    assignTeachers(table, firstRow, row, teachers[school] as Int32Array, prng);
  }
  table.count = row;
  table.memberStart[row] = memberCount;
  return table;
}

/** Sections [firstRow, endRow) of a school, dealt to its teachers (staff rows) in equal runs; some get a co-teacher. */
function assignTeachers(table: SectionTable, firstRow: number, endRow: number, teachers: Int32Array, prng: Prng): void {
  const sections = endRow - firstRow;
  if (sections > 0 && teachers.length === 0) throw new RangeError('a school with sections has no teacher');
  for (let i = 0; i < sections; i++) {
    const row = firstRow + i;
    const index = Math.floor((i * teachers.length) / sections);
    table.teacher[row] = cell(teachers, index);
    table.coTeacher[row] =
      teachers.length >= 2 && prng.chance(CO_TEACHER_SHARE) ? cell(teachers, (index + 1 + prng.int(teachers.length - 1)) % teachers.length) : -1;
  }
}

/** Student rows grouped by (school, grade) with a counting sort; rows whose school is -1 are left out. */
function groupStudents(
  schoolCount: number,
  students: StudentTable,
  schoolOf: (row: number) => number,
  gradeOf: (row: number) => number,
): { start: Int32Array; rows: Int32Array; largest: number } {
  const start = new Int32Array(schoolCount * GRADE_COUNT + 1);
  let total = 0;
  for (let row = 0; row < students.count; row++) {
    if (cell(students.removed, row) === 1) continue;
    const school = schoolOf(row);
    if (school < 0) continue;
    const group = school * GRADE_COUNT + gradeOf(row);
    start[group + 1] = cell(start, group + 1) + 1;
    total++;
  }
  let largest = 0;
  for (let group = 0; group < schoolCount * GRADE_COUNT; group++) {
    largest = Math.max(largest, cell(start, group + 1));
    start[group + 1] = cell(start, group + 1) + cell(start, group);
  }
  const rows = new Int32Array(total);
  const next = start.slice(0, schoolCount * GRADE_COUNT);
  for (let row = 0; row < students.count; row++) {
    if (cell(students.removed, row) === 1) continue;
    const school = schoolOf(row);
    if (school < 0) continue;
    const group = school * GRADE_COUNT + gradeOf(row);
    rows[cell(next, group)] = row;
    next[group] = cell(next, group) + 1;
  }
  return { start, rows, largest };
}

function popCount(mask: number): number {
  let count = 0;
  for (let m = mask; m !== 0; m &= m - 1) count++;
  return count;
}

/** Key of a (school, subject, grade) group: the sections a student of that grade could take that subject in. */
export function groupKey(school: number, subject: number, grade: number): number {
  return (school * SUBJECT_COUNT + subject) * GRADE_COUNT + grade;
}

/**
 * The rows of each (school, subject, grade) group that are still there (not removed), in row
 * order. buildSections makes each group's sections contiguous; a derived snapshot drops some
 * and appends new ones after every base row, so a group is a list, not a range.
 */
export function liveSectionGroups(sections: SectionTable): Map<number, number[]> {
  const groups = new Map<number, number[]>();
  for (let row = 0; row < sections.count; row++) {
    if (cell(sections.removed, row) === 1) continue;
    const key = groupKey(cell(sections.school, row), cell(sections.subject, row), cell(sections.grade, row));
    const rows = groups.get(key);
    if (rows === undefined) groups.set(key, [row]);
    else rows.push(row);
  }
  return groups;
}
