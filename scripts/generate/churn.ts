import { BASE_SNAPSHOT_MS, CHURN_SNAPSHOT_MS } from './calendar';
import { cell } from './columns';
import { levelAt, levelOfGrade } from './curriculum';
import { BOROUGHS, FRL_STATUSES, HOME_LANGUAGES, RACES } from './demographics';
import type { DistrictState } from './district-state';
import { FEMALE_FIRST_NAMES, LAST_NAME_POOLS, MALE_FIRST_NAMES, MIDDLE_INITIALS, NAMESAKES, SPECIALIST_TITLES } from './name-lists';
import { spreadCreatedMs } from './object-ids';
import { Prng } from './prng';
import { copySchools } from './school-plan';
import { copySections, groupKey, membersOf, sectionGroups } from './section-plan';
import type { SectionTable } from './section-plan';
import { copyStaff, NONE, STAFF_ROLE, teachersBySchool } from './staff-plan';
import { copyStudentTable, drawStudent } from './student-table';
import type { StudentTable } from './student-table';
import { WeightedTable } from './weighted-table';

/**
 * How much a daily sync changes, as shares (product.md: "a daily sync changes about 1%").
 * Removals and enrollments also change the sections those students were or are in, so the share
 * of sections whose students change ends up well above `sectionMoves` (several percent).
 */
export const CHURN_RATES = {
  /** of students: left the district (and every section they were in) */
  removed: 0.003,
  /** of students: newly enrolled, each put into sections of their school and grade */
  added: 0.003,
  /** of students: grade, name, email, username or address changed */
  fieldChanges: 0.005,
  /** of students: ELL, FRL, IEP, home language, race or ethnicity changed */
  demographicChanges: 0.003,
  /** of sections: one student moved to another section of the same course (each move changes two sections) */
  sectionMoves: 0.005,
  /** of sections: primary teacher replaced by another teacher of the school ("a few") */
  teacherSwaps: 0.001,
  /** of teachers and staff: title or surname changed */
  staffChanges: 0.005,
} as const;

/**
 * The next day's snapshot of `base`: same seed, its own PRNG stream, about 1% changes of every
 * kind, and one school renamed. `base` is left untouched (changed tables are copies).
 */
export function deriveChurn(base: DistrictState): DistrictState {
  const prng = Prng.of(base.seed, 'churn');
  const baseStudents = base.students.count;
  const added = Math.round(baseStudents * CHURN_RATES.added);
  const state: DistrictState = {
    ...base,
    schools: copySchools(base.schools),
    students: copyStudentTable(base.students, added),
    staff: copyStaff(base.staff),
    sections: copySections(base.sections),
    snapshotMs: CHURN_SNAPSHOT_MS,
  };
  removeStudents(state, Math.round(baseStudents * CHURN_RATES.removed), prng);
  moveStudents(state.sections, Math.round(state.sections.count * CHURN_RATES.sectionMoves), prng);
  enrollNewStudents(state, added, prng);
  changeStudentFields(state, Math.round(baseStudents * CHURN_RATES.fieldChanges), prng);
  changeDemographics(state.students, Math.round(baseStudents * CHURN_RATES.demographicChanges), prng);
  swapTeachers(state, Math.max(1, Math.round(state.sections.count * CHURN_RATES.teacherSwaps)), prng);
  changeStaff(state, Math.max(1, Math.round(state.staff.count * CHURN_RATES.staffChanges)), prng);
  renameSchool(state, prng);
  return state;
}

/**
 * `count` distinct rows in [0, size) that `accept` agrees to, by rejection: the counts asked for
 * are a few percent of the rows at most, so few draws are wasted.
 */
function sampleRows(size: number, count: number, prng: Prng, accept: (row: number) => boolean): number[] {
  const chosen = new Set<number>();
  for (let tries = 0; chosen.size < count && tries < count * 50 + 100; tries++) {
    const row = prng.int(size);
    if (!chosen.has(row) && accept(row)) chosen.add(row);
  }
  return [...chosen];
}

function removeStudents(state: DistrictState, count: number, prng: Prng): void {
  const { students, sections } = state;
  for (const row of sampleRows(students.baseCount, count, prng, () => true)) students.removed[row] = 1;
  // They leave every section they were in; a section left without students is gone too (Clever requires >= 1).
  for (let row = 0; row < sections.count; row++) {
    const members = membersOf(sections, row);
    if (!members.some((student) => cell(students.removed, student) === 1)) continue;
    const kept = members.filter((student) => cell(students.removed, student) === 0);
    sections.overrides.set(row, kept);
    sections.modified[row] = 1;
    if (kept.length === 0) sections.removed[row] = 1;
  }
}

/** Sections of the same school, subject and grade as `row` (built contiguously). */
function siblingRange(sections: SectionTable, row: number): [number, number] {
  const same = (other: number) =>
    cell(sections.school, other) === cell(sections.school, row) &&
    cell(sections.subject, other) === cell(sections.subject, row) &&
    cell(sections.grade, other) === cell(sections.grade, row);
  let start = row;
  let end = row + 1;
  while (start > 0 && same(start - 1)) start--;
  while (end < sections.count && same(end)) end++;
  return [start, end];
}

/** A schedule change: one student moves to another section of the same course. */
function moveStudents(sections: SectionTable, count: number, prng: Prng): void {
  for (let move = 0; move < count; move++) {
    for (let tries = 0; tries < 50; tries++) {
      const from = prng.int(sections.count);
      const [start, end] = siblingRange(sections, from);
      if (end - start < 2 || cell(sections.removed, from) === 1) continue;
      let to = start + prng.int(end - start - 1);
      if (to >= from) to++;
      const leaving = membersOf(sections, from);
      const joining = membersOf(sections, to);
      if (leaving.length < 2 || cell(sections.removed, to) === 1) continue;
      const student = cell(leaving, prng.int(leaving.length));
      if (joining.includes(student)) continue;
      sections.overrides.set(from, leaving.filter((other) => other !== student));
      sections.overrides.set(to, insertSorted(joining, student));
      sections.modified[from] = 1;
      sections.modified[to] = 1;
      break;
    }
  }
}

/** Student lists stay in id order, which is row order. */
function insertSorted(members: Int32Array, student: number): Int32Array {
  const result = new Int32Array(members.length + 1);
  let i = 0;
  while (i < members.length && cell(members, i) < student) {
    result[i] = cell(members, i);
    i++;
  }
  result[i] = student;
  result.set(members.subarray(i), i + 1);
  return result;
}

/**
 * New students, in the school and grade of a random current student (so they follow the
 * district's shape), each put into one section of every subject they take there. Their ids come
 * after every existing user's: they were created during the day.
 */
function enrollNewStudents(state: DistrictState, count: number, prng: Prng): void {
  const { students, sections, schools, ids } = state;
  const groups = sectionGroups(sections);
  const firstOrdinal = students.baseCount + state.staff.count;
  for (let k = 0; k < count; k++) {
    const [template] = sampleRows(students.baseCount, 1, prng, (row) => cell(students.removed, row) === 0);
    if (template === undefined) return;
    const row = students.count++;
    const grade = cell(students.grade, template);
    drawStudent(students, row, grade, cell(students.school, template), schools, prng);
    const ordinal = firstOrdinal + k;
    const createdMs = spreadCreatedMs(BASE_SNAPSHOT_MS + 3_600_000, CHURN_SNAPSHOT_MS - 3_600_000, k, count);
    students.ordinal[row] = ordinal;
    students.createdMs[row] = createdMs;
    students.ids.push(ids.id('user', createdMs, ordinal));
    students.modified[row] = 1;

    const levelIndex = levelOfGrade(grade);
    const electives = cell(students.electives, row);
    for (const subject of levelAt(levelIndex).subjects) {
      if (!levelAt(levelIndex).core.includes(subject) && (electives & (1 << subject)) === 0) continue;
      const range = groups.get(groupKey(cell(students.school, row), subject, grade));
      if (range === undefined) continue;
      const section = range.start + prng.int(range.end - range.start);
      if (cell(sections.removed, section) === 1) continue;
      sections.overrides.set(section, insertSorted(membersOf(sections, section), row));
      sections.modified[section] = 1;
    }
  }
}

const FIELD_CHANGES = new WeightedTable([
  ['grade', 25],
  ['last name', 20],
  ['email', 15],
  ['first name', 10],
  ['middle name', 10],
  ['username', 10],
  ['address', 10],
] as const);

/** SIS corrections and life events: a grade fixed, a surname changed (the email follows it), a new email, ... */
function changeStudentFields(state: DistrictState, count: number, prng: Prng): void {
  const { students } = state;
  for (const row of sampleRows(students.baseCount, count, prng, (row) => cell(students.removed, row) === 0)) {
    students.modified[row] = 1;
    switch (FIELD_CHANGES.value(FIELD_CHANGES.draw(prng))) {
      case 'grade': {
        // A correction by one grade, staying within the school's grades.
        const grade = cell(students.grade, row);
        const level = levelAt(cell(state.schools.level, cell(students.school, row)));
        const canGoUp = grade < level.highGrade;
        const canGoDown = grade > level.lowGrade;
        students.grade[row] = canGoUp && (!canGoDown || prng.chance(0.5)) ? grade + 1 : canGoDown ? grade - 1 : grade;
        break;
      }
      case 'last name':
        students.last[row] = differentDraw(cell(students.last, row), () => {
          const pool = LAST_NAME_POOLS.general;
          return pool.value(pool.draw(prng));
        });
        break;
      case 'first name':
        students.first[row] = differentDraw(cell(students.first, row), () => {
          const table = cell(students.gender, row) === 1 ? FEMALE_FIRST_NAMES : MALE_FIRST_NAMES;
          return table.value(table.draw(prng));
        });
        break;
      case 'middle name':
        students.middle[row] = (cell(students.middle, row) % (MIDDLE_INITIALS.length - 1)) + 1;
        break;
      case 'email':
        // A student without an email gets one; one with an email gets a new one.
        if (cell(students.hasEmail, row) === 0) students.hasEmail[row] = 1;
        else students.emailVariant[row] = cell(students.emailVariant, row) + 1;
        break;
      case 'username':
        students.usernameVariant[row] = cell(students.usernameVariant, row) + 1;
        break;
      case 'address': {
        const zips = (BOROUGHS[cell(students.borough, row)] as (typeof BOROUGHS)[number]).zips;
        students.zip[row] = differentDraw(cell(students.zip, row), () => prng.pick(zips));
        break;
      }
    }
  }
}

const DEMOGRAPHIC_CHANGES = new WeightedTable([
  ['ell', 30],
  ['frl', 25],
  ['iep', 20],
  ['language', 10],
  ['race', 10],
  ['hispanic', 5],
] as const);

/** Changes to the sensitive fields (ELL exit, new IEP, FRL re-certification, ...). */
function changeDemographics(students: StudentTable, count: number, prng: Prng): void {
  for (const row of sampleRows(students.baseCount, count, prng, (row) => cell(students.removed, row) === 0)) {
    students.modified[row] = 1;
    switch (DEMOGRAPHIC_CHANGES.value(DEMOGRAPHIC_CHANGES.draw(prng))) {
      case 'ell':
        students.ell[row] = 1 - cell(students.ell, row);
        break;
      case 'iep':
        students.iep[row] = 1 - cell(students.iep, row);
        break;
      case 'hispanic':
        students.hispanic[row] = 1 - cell(students.hispanic, row);
        break;
      case 'frl':
        students.frl[row] = (cell(students.frl, row) + 1 + prng.int(FRL_STATUSES.length - 1)) % FRL_STATUSES.length;
        break;
      case 'language':
        students.language[row] = (cell(students.language, row) + 1 + prng.int(HOME_LANGUAGES.length - 1)) % HOME_LANGUAGES.length;
        break;
      case 'race':
        students.race[row] = (cell(students.race, row) + 1 + prng.int(RACES.length - 1)) % RACES.length;
        break;
    }
  }
}

/** Another teacher of the school takes over a section (the Clever-generated name follows the teacher). */
function swapTeachers(state: DistrictState, count: number, prng: Prng): void {
  const { sections, staff } = state;
  const teachersAt = teachersBySchool(staff, state.schools.count);
  for (const row of sampleRows(sections.count, count, prng, (row) => cell(sections.removed, row) === 0)) {
    const teachers = teachersAt[cell(sections.school, row)] as Int32Array;
    if (teachers.length < 3) continue;
    const current = cell(sections.teacher, row);
    let next = current;
    while (next === current || next === cell(sections.coTeacher, row)) next = cell(teachers, prng.int(teachers.length));
    sections.teacher[row] = next;
    sections.modified[row] = 1;
  }
}

/** A teacher's title changes, or a staff member's surname (the email follows it). */
function changeStaff(state: DistrictState, count: number, prng: Prng): void {
  const { staff } = state;
  for (const row of sampleRows(staff.count, count, prng, () => true)) {
    staff.modified[row] = 1;
    const role = cell(staff.role, row);
    if ((role === STAFF_ROLE.teacher || role === STAFF_ROLE.teacherAndStaff) && prng.chance(0.5)) {
      staff.subject[row] = NONE;
      staff.title[row] = prng.int(SPECIALIST_TITLES.length);
    } else {
      staff.last[row] = differentDraw(cell(staff.last, row), () => {
        const pool = LAST_NAME_POOLS.general;
        return pool.value(pool.draw(prng));
      });
    }
  }
}

/** One school takes a new namesake, keeping its number ("P.S. 12 Walt Whitman" -> "P.S. 12 Maya Angelou"). */
function renameSchool(state: DistrictState, prng: Prng): void {
  const { schools } = state;
  const row = prng.int(schools.count);
  const name = schools.names[row] ?? '';
  const namesake = differentDraw('', () => prng.pick(NAMESAKES), (candidate) => name.includes(candidate));
  const numbered = /^(\S+ \d+) /.exec(name);
  schools.names[row] = numbered ? `${numbered[1]} ${namesake}` : `${namesake} High School`;
  schools.modified[row] = 1;
}

/** A draw other than `current` (or that `same` rejects); the lists are long, so a few tries do. */
function differentDraw<T>(current: T, draw: () => T, same: (candidate: T) => boolean = (candidate) => candidate === current): T {
  let candidate = draw();
  for (let tries = 0; tries < 100 && same(candidate); tries++) candidate = draw();
  return candidate;
}
