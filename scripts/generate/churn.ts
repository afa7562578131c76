import { BASE_SNAPSHOT_MS, CHURN_SNAPSHOT_MS } from './calendar';
import { cell } from './columns';
import { levelAt, levelOfGrade, SUBJECT, takesSubject } from './curriculum';
import { BOROUGHS, FRL_STATUSES, HOME_LANGUAGES, RACES } from './demographics';
import type { DistrictState } from './district-state';
import {
  DEPARTMENTS,
  DISTRICT_ADMIN_TITLES,
  FEMALE_FIRST_NAMES,
  LAST_NAME_POOLS,
  MALE_FIRST_NAMES,
  MIDDLE_INITIALS,
  NAMESAKES,
  SPECIALIST_TITLES,
  STAFF_ONLY_TITLES,
  STAFF_PERMISSION_ROLES,
  STAFF_TITLES,
} from './name-lists';
import { spreadCreatedMs } from './object-ids';
import { Prng } from './prng';
import { copySchools } from './school-plan';
import { copySections, groupKey, liveSectionGroups, membersOf } from './section-plan';
import type { SectionTable } from './section-plan';
import { copyStaff, drawPerson, isTeacher, NONE, STAFF_ROLE, teachersBySchool } from './staff-plan';
import type { StaffTable } from './staff-plan';
import { schoolChoices } from './student-plan';
import { copyStudentTable, drawStudent } from './student-table';
import type { StudentTable } from './student-table';
import { WeightedTable } from './weighted-table';

/**
 * How much a daily sync changes, as shares of each kind of record (product.md: "a daily sync
 * changes about 1%"). Kinds with few records (district admins, terms, courses, the staff of a
 * small district) still get at least one change of each kind where marked, so that every kind
 * of event shows up in a district of any size. Removals, arrivals, transfers and new or dropped
 * sections also change the class lists of the sections around them, so the share of sections
 * whose students change ends up well above any one rate.
 */
export const CHURN_RATES = {
  /** of students: left the district (and every section they were in) */
  removed: 0.003,
  /** of students: newly enrolled, each put into sections of their school and grade */
  added: 0.003,
  /**
   * of students: moved to another school of their level (school and schools change), leaving
   * their sections there for sections of the new school. A move within the district is rarer
   * than a daily 1%, so it happens as often as a departure or an arrival.
   */
  schoolChanges: 0.003,
  /** of students: grade, name, email, username or address changed */
  fieldChanges: 0.005,
  /** of students: ELL, FRL, IEP, home language, race or ethnicity changed */
  demographicChanges: 0.003,
  /** of sections: one student moved to another section of the same course (each move changes two sections) */
  sectionMoves: 0.005,
  /** of sections (at least one): a new section of a course, with students from its sibling sections */
  sectionsAdded: 0.01,
  /** of sections (at least one): dropped, its students spread over the sibling sections */
  sectionsDropped: 0.01,
  /** of sections (at least one): primary teacher replaced by another teacher of the school ("a few") */
  teacherSwaps: 0.001,
  /** of sections (at least one): the co-teacher becomes the primary teacher, the primary the co-teacher */
  coTeacherPromotions: 0.0005,
  /** of teachers (at least one): left, each replaced by a new teacher who takes over their sections */
  teachersLeaving: 0.01,
  /** of teachers (at least one): title or surname changed */
  teacherChanges: 0.005,
  /** of staff roles (at least one each): a staff member hired or a teacher given a staff role; one leaving or losing it; a title, department, permission or surname changed */
  staffJoining: 0.01,
  staffLeaving: 0.01,
  staffChanges: 0.01,
  /** of district admins (at least one each): one hired, one leaving, one retitled (never the district's contact) */
  adminChanges: 0.01,
  /** of courses (at least one): renamed (the generated names of its sections follow) */
  courseChanges: 0.01,
  /** of terms (at least one): end date moved a few days earlier */
  termChanges: 0.01,
} as const;

/** How many of `population` a kind of change touches: its rate, but at least one when anyone is there. */
function atLeastOne(population: number, rate: number): number {
  return population === 0 ? 0 : Math.max(1, Math.round(population * rate));
}

/**
 * The next day's snapshot of `base`: same seed, its own PRNG stream, about 1% changes of every
 * kind, and one school renamed. `base` is left untouched (changed tables are copies). Every
 * change keeps the snapshot whole: no one who left is in a section, every section has a teacher
 * who is there and at least one student, and a student who changed school is in sections there.
 */
export function deriveChurn(base: DistrictState): DistrictState {
  const prng = Prng.of(base.seed, 'churn');
  const baseStudents = base.students.count;
  const added = Math.round(baseStudents * CHURN_RATES.added);
  const people = countPeople(base.staff);
  const teachersLeaving = atLeastOne(people.teachers, CHURN_RATES.teachersLeaving);
  const staffJoining = atLeastOne(people.staffRoles, CHURN_RATES.staffJoining);
  const adminChanges = atLeastOne(people.admins, CHURN_RATES.adminChanges);
  const sectionsAdded = atLeastOne(base.sections.count, CHURN_RATES.sectionsAdded);
  const hires = teachersLeaving + staffJoining + adminChanges;
  const state: DistrictState = {
    ...base,
    schools: copySchools(base.schools),
    terms: base.terms.slice(),
    courses: base.courses.slice(),
    students: copyStudentTable(base.students, added),
    staff: copyStaff(base.staff, hires),
    sections: copySections(base.sections, sectionsAdded),
    snapshotMs: CHURN_SNAPSHOT_MS,
  };
  const day: Day = {
    state,
    prng,
    baseStaff: base.staff.count,
    baseSections: base.sections.count,
    // People hired today come after every user of the base and every student enrolled today.
    firstHireOrdinal: baseStudents + base.staff.count + added,
    plannedHires: hires,
    touched: new Uint8Array(base.staff.count + hires),
    groups: new Map(),
  };

  removeStudents(state, Math.round(baseStudents * CHURN_RATES.removed), prng);
  day.groups = liveSectionGroups(state.sections);
  replaceTeachers(day, teachersLeaving);
  staffJoin(day, staffJoining);
  staffLeave(day, atLeastOne(people.staffRoles, CHURN_RATES.staffLeaving));
  changeStaff(day, atLeastOne(people.staffRoles, CHURN_RATES.staffChanges));
  changeAdmins(day, adminChanges);
  changeTeachers(day, atLeastOne(people.teachers, CHURN_RATES.teacherChanges));
  dropSections(day, atLeastOne(base.sections.count, CHURN_RATES.sectionsDropped));
  addSections(day, sectionsAdded);
  moveStudents(day, Math.round(base.sections.count * CHURN_RATES.sectionMoves));
  transferStudents(day, Math.round(baseStudents * CHURN_RATES.schoolChanges));
  enrollNewStudents(day, added);
  changeStudentFields(state, Math.round(baseStudents * CHURN_RATES.fieldChanges), prng);
  changeDemographics(state.students, Math.round(baseStudents * CHURN_RATES.demographicChanges), prng);
  swapTeachers(day, atLeastOne(base.sections.count, CHURN_RATES.teacherSwaps));
  promoteCoTeachers(day, atLeastOne(base.sections.count, CHURN_RATES.coTeacherPromotions));
  renameSchool(state, prng);
  const renamedCourses = renameCourses(state, atLeastOne(state.courses.length, CHURN_RATES.courseChanges), prng);
  moveTermEnds(state, atLeastOne(state.terms.length, CHURN_RATES.termChanges), prng);
  flagRenamedSections(state, base.staff, renamedCourses);
  return state;
}

/** The day being derived, and what its steps share. */
interface Day {
  state: DistrictState;
  prng: Prng;
  /** Staff and section rows of the base: rows after them are today's. */
  baseStaff: number;
  baseSections: number;
  firstHireOrdinal: number;
  plannedHires: number;
  /** Staff rows one change has already picked today: no one gets two kinds of change. */
  touched: Uint8Array;
  /** The live sections of each (school, subject, grade): kept up to date as sections are dropped and added. */
  groups: Map<number, number[]>;
}

function countPeople(staff: StaffTable): { teachers: number; staffRoles: number; admins: number } {
  let teachers = 0;
  let staffRoles = 0;
  let admins = 0;
  for (let row = 0; row < staff.count; row++) {
    const role = cell(staff.role, row);
    if (role === STAFF_ROLE.teacher || role === STAFF_ROLE.teacherAndStaff) teachers++;
    if (role === STAFF_ROLE.staff || role === STAFF_ROLE.teacherAndStaff) staffRoles++;
    if (role === STAFF_ROLE.districtAdmin) admins++;
  }
  return { teachers, staffRoles, admins };
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

/**
 * `count` distinct rows of [0, size) that `accept` agrees to, drawn from the list of them: for
 * the few people of a kind among many (staff members, district admins), where drawing rows at
 * random and rejecting would often miss them all.
 */
function sampleAmong(size: number, count: number, prng: Prng, accept: (row: number) => boolean): number[] {
  const candidates: number[] = [];
  for (let row = 0; row < size; row++) if (accept(row)) candidates.push(row);
  const chosen: number[] = [];
  for (let i = 0; i < count && i < candidates.length; i++) {
    const j = i + prng.int(candidates.length - i);
    const pick = candidates[j] as number;
    candidates[j] = candidates[i] as number;
    candidates[i] = pick;
    chosen.push(pick);
  }
  return chosen;
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

/**
 * A new staff row (teacher, staff member or district admin) for someone hired today: a new user
 * id after every other, created during the day. Titles are the caller's.
 */
function hire(day: Day, school: number, role: number): number {
  const { staff, ids } = day.state;
  const row = staff.count++;
  const hired = row - day.baseStaff;
  drawPerson(staff, row, school, day.prng);
  const ordinal = day.firstHireOrdinal + hired;
  const createdMs = spreadCreatedMs(CHURN_SNAPSHOT_MS - 2 * 3_600_000, CHURN_SNAPSHOT_MS - 3_600_000, hired, day.plannedHires);
  staff.role[row] = role;
  staff.ordinal[row] = ordinal;
  staff.createdMs[row] = createdMs;
  staff.modified[row] = 1;
  staff.removed[row] = 0;
  staff.department[row] = day.prng.int(DEPARTMENTS.length);
  staff.permission[row] = day.prng.int(STAFF_PERMISSION_ROLES.length);
  staff.ids.push(ids.id('user', createdMs, ordinal));
  staff.legacyIds.push(ids.id('legacy', createdMs, row));
  day.touched[row] = 1;
  return row;
}

/**
 * Teachers leave, each replaced by a new teacher of the same school who takes over their
 * sections (as primary or co-teacher); one who taught nothing is replaced by a specialist who
 * teaches nothing either. A new teacher's title names the first section they took over.
 */
function replaceTeachers(day: Day, count: number): void {
  const { staff, sections } = day.state;
  const successor = new Map<number, number>();
  for (const row of sampleAmong(day.baseStaff, count, day.prng, (row) => isTeacher(staff, row) && cell(day.touched, row) === 0)) {
    staff.removed[row] = 1;
    day.touched[row] = 1;
    const next = hire(day, cell(staff.school, row), STAFF_ROLE.teacher);
    staff.title[next] = day.prng.int(SPECIALIST_TITLES.length);
    successor.set(row, next);
  }
  for (let row = 0; row < sections.count; row++) {
    const primary = successor.get(cell(sections.teacher, row));
    const coTeacher = successor.get(cell(sections.coTeacher, row));
    if (primary === undefined && coTeacher === undefined) continue;
    if (primary !== undefined) {
      sections.teacher[row] = primary;
      if (cell(staff.subject, primary) === NONE) {
        staff.subject[primary] = cell(sections.subject, row);
        staff.grade[primary] = cell(sections.grade, row);
      }
    }
    if (coTeacher !== undefined) sections.coTeacher[row] = coTeacher === cell(sections.teacher, row) ? -1 : coTeacher;
    sections.modified[row] = 1;
  }
}

/** Rows of the base's principals (the school records name them: they stay). */
function principals(state: DistrictState): Uint8Array {
  const flags = new Uint8Array(state.staff.count);
  for (let school = 0; school < state.schools.count; school++) {
    const row = cell(state.schools.principal, school);
    if (row >= 0) flags[row] = 1;
  }
  return flags;
}

/** Someone new holds a staff role: half the time a new staff member of a school, otherwise a teacher who also takes on a staff job. */
function staffJoin(day: Day, count: number): void {
  const { staff, schools } = day.state;
  for (let k = 0; k < count; k++) {
    const [teacher] = day.prng.chance(0.5)
      ? sampleAmong(day.baseStaff, 1, day.prng, (row) => cell(staff.role, row) === STAFF_ROLE.teacher && cell(day.touched, row) === 0)
      : [];
    if (teacher !== undefined) {
      staff.role[teacher] = STAFF_ROLE.teacherAndStaff;
      staff.staffTitle[teacher] = day.prng.int(STAFF_TITLES.length);
      staff.modified[teacher] = 1;
      day.touched[teacher] = 1;
    } else {
      const row = hire(day, day.prng.int(schools.count), STAFF_ROLE.staff);
      staff.title[row] = day.prng.int(STAFF_ONLY_TITLES.length);
    }
  }
}

/** A staff member (never a principal) leaves the district, or a teacher gives up their staff role and goes on teaching. */
function staffLeave(day: Day, count: number): void {
  const { staff } = day.state;
  const principal = principals(day.state);
  const holdsStaffRole = (row: number) => cell(staff.role, row) === STAFF_ROLE.staff || cell(staff.role, row) === STAFF_ROLE.teacherAndStaff;
  for (const row of sampleAmong(day.baseStaff, count, day.prng, (row) => holdsStaffRole(row) && cell(principal, row) === 0 && cell(day.touched, row) === 0)) {
    day.touched[row] = 1;
    if (cell(staff.role, row) === STAFF_ROLE.staff) {
      staff.removed[row] = 1;
    } else {
      staff.role[row] = STAFF_ROLE.teacher;
      staff.staffTitle[row] = NONE;
      staff.modified[row] = 1;
    }
  }
}

/** Another index into a list of `length` values than `current`. */
function another(current: number, length: number, prng: Prng): number {
  return length < 2 ? current : (current + 1 + prng.int(length - 1)) % length;
}

/**
 * A staff role changes: a new title, department or permission role (a teacher's staff role as
 * well as a staff member's), or a staff member's surname (the email follows it). Principals are
 * left alone (their school record names them).
 */
function changeStaff(day: Day, count: number): void {
  const { staff } = day.state;
  const principal = principals(day.state);
  const holdsStaffRole = (row: number) => cell(staff.role, row) === STAFF_ROLE.staff || cell(staff.role, row) === STAFF_ROLE.teacherAndStaff;
  for (const row of sampleAmong(day.baseStaff, count, day.prng, (row) => holdsStaffRole(row) && cell(principal, row) === 0 && cell(day.touched, row) === 0)) {
    day.touched[row] = 1;
    staff.modified[row] = 1;
    const staffOnly = cell(staff.role, row) === STAFF_ROLE.staff;
    switch (day.prng.int(staffOnly ? 4 : 3)) {
      case 0:
        if (staffOnly) staff.title[row] = another(cell(staff.title, row), STAFF_ONLY_TITLES.length, day.prng);
        else staff.staffTitle[row] = another(cell(staff.staffTitle, row), STAFF_TITLES.length, day.prng);
        break;
      case 1:
        staff.department[row] = another(cell(staff.department, row), DEPARTMENTS.length, day.prng);
        break;
      case 2:
        staff.permission[row] = another(cell(staff.permission, row), STAFF_PERMISSION_ROLES.length, day.prng);
        break;
      default:
        staff.last[row] = differentDraw(cell(staff.last, row), () => LAST_NAME_POOLS.general.value(LAST_NAME_POOLS.general.draw(day.prng)));
    }
  }
}

/** District admins: some hired, some leaving, some retitled; the district's contact stays as they are (the district record names them). */
function changeAdmins(day: Day, count: number): void {
  const { staff, district } = day.state;
  const isAdmin = (row: number) => cell(staff.role, row) === STAFF_ROLE.districtAdmin && row !== district.contact && cell(day.touched, row) === 0;
  for (const row of sampleAmong(day.baseStaff, count, day.prng, isAdmin)) {
    day.touched[row] = 1;
    staff.removed[row] = 1;
  }
  for (const row of sampleAmong(day.baseStaff, count, day.prng, isAdmin)) {
    day.touched[row] = 1;
    staff.modified[row] = 1;
    staff.title[row] = another(cell(staff.title, row), DISTRICT_ADMIN_TITLES.length, day.prng);
  }
  for (let k = 0; k < count; k++) {
    const row = hire(day, -1, STAFF_ROLE.districtAdmin);
    staff.title[row] = day.prng.int(DISTRICT_ADMIN_TITLES.length);
  }
}

/** A teacher's title changes, or their surname (the email, and the generated names of their sections, follow it). */
function changeTeachers(day: Day, count: number): void {
  const { staff } = day.state;
  for (const row of sampleAmong(day.baseStaff, count, day.prng, (row) => isTeacher(staff, row) && cell(day.touched, row) === 0)) {
    day.touched[row] = 1;
    staff.modified[row] = 1;
    if (day.prng.chance(0.5)) {
      staff.subject[row] = NONE;
      staff.title[row] = differentDraw(cell(staff.title, row), () => day.prng.int(SPECIALIST_TITLES.length));
    } else {
      staff.last[row] = differentDraw(cell(staff.last, row), () => LAST_NAME_POOLS.general.value(LAST_NAME_POOLS.general.draw(day.prng)));
    }
  }
}

function groupOf(sections: SectionTable, row: number): number {
  return groupKey(cell(sections.school, row), cell(sections.subject, row), cell(sections.grade, row));
}

/** A student joins a section's class list (kept in id order, which is row order). */
function enroll(sections: SectionTable, section: number, student: number): void {
  const members = membersOf(sections, section);
  if (members.includes(student)) return;
  sections.overrides.set(section, insertSorted(members, student));
  sections.modified[section] = 1;
}

/** A section that closes (merged into its siblings): its students each go to another section of the same course. */
function dropSections(day: Day, count: number): void {
  const { sections } = day.state;
  const { prng, groups } = day;
  const hasSibling = (row: number) => cell(sections.removed, row) === 0 && (groups.get(groupOf(sections, row))?.length ?? 0) >= 2;
  for (let k = 0; k < count; k++) {
    const [row] = sampleRows(day.baseSections, 1, prng, hasSibling);
    if (row === undefined) return;
    const group = groups.get(groupOf(sections, row)) as number[];
    const siblings = group.filter((other) => other !== row);
    groups.set(groupOf(sections, row), siblings);
    for (const student of membersOf(sections, row)) enroll(sections, siblings[prng.int(siblings.length)] as number, student);
    sections.overrides.set(row, new Int32Array(0));
    sections.removed[row] = 1;
  }
}

/**
 * A new section of a course, opened because its sections are full: it takes about its share of
 * the students of its sibling sections, and is taught by a teacher of the school. Its id comes
 * after every other section's: it was created during the day.
 */
function addSections(day: Day, count: number): void {
  const { sections, staff, schools, ids } = day.state;
  const { prng, groups } = day;
  const teachersAt = teachersBySchool(staff, schools.count);
  for (let k = 0; k < count; k++) {
    const [template] = sampleRows(day.baseSections, 1, prng, (row) => cell(sections.removed, row) === 0 && siblingsHold(sections, groups.get(groupOf(sections, row)) ?? [], 2));
    if (template === undefined) return;
    const key = groupOf(sections, template);
    const group = groups.get(key) as number[];
    const taken: number[] = [];
    for (const sibling of group) {
      const members = membersOf(sections, sibling);
      const share = Math.floor(members.length / (group.length + 1));
      if (share === 0) continue;
      const shuffled = Int32Array.from(members);
      prng.shuffle(shuffled);
      const leaving = new Set(shuffled.subarray(0, share));
      taken.push(...leaving);
      sections.overrides.set(sibling, members.filter((student) => !leaving.has(student)));
      sections.modified[sibling] = 1;
    }
    if (taken.length === 0) continue;
    const row = sections.count++;
    const ordinal = day.baseSections + k;
    const createdMs = spreadCreatedMs(BASE_SNAPSHOT_MS + 3_600_000, CHURN_SNAPSHOT_MS - 3_600_000, k, count);
    const school = cell(sections.school, template);
    const teachers = teachersAt[school] as Int32Array;
    const subject = cell(sections.subject, template);
    sections.school[row] = school;
    sections.grade[row] = cell(sections.grade, template);
    sections.subject[row] = subject;
    sections.course[row] = cell(sections.course, template);
    sections.term[row] = cell(sections.term, template);
    sections.period[row] = subject === SUBJECT.homeroom ? 1 : prng.between(1, 8);
    sections.number[row] = Math.max(...group.map((sibling) => cell(sections.number, sibling))) + 1;
    sections.teacher[row] = cell(teachers, prng.int(teachers.length));
    sections.coTeacher[row] = -1;
    sections.ordinal[row] = ordinal;
    sections.createdMs[row] = createdMs;
    sections.sisNumber[row] = 10_000 + ordinal;
    sections.modified[row] = 1;
    sections.removed[row] = 0;
    sections.overrides.set(row, Int32Array.from(taken).sort());
    sections.ids.push(ids.id('section', createdMs, ordinal));
    group.push(row);
  }
}

/** Whether the sections of a group hold at least `each` students per section once one more section shares them. */
function siblingsHold(sections: SectionTable, group: readonly number[], each: number): boolean {
  let students = 0;
  for (const row of group) students += membersOf(sections, row).length;
  return group.length > 0 && students >= each * (group.length + 1);
}

/** A schedule change: one student moves to another section of the same course. */
function moveStudents(day: Day, count: number): void {
  const { sections } = day.state;
  const { prng, groups } = day;
  for (let move = 0; move < count; move++) {
    for (let tries = 0; tries < 50; tries++) {
      const from = prng.int(sections.count);
      if (cell(sections.removed, from) === 1) continue;
      const group = groups.get(groupOf(sections, from)) ?? [];
      if (group.length < 2) continue;
      let to = group[prng.int(group.length - 1)] as number;
      if (to === from) to = group[group.length - 1] as number;
      const leaving = membersOf(sections, from);
      const joining = membersOf(sections, to);
      if (leaving.length < 2) continue;
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

/** Puts a student into one live section of every subject they take at `school` (their primary school). */
function enrollAtSchool(day: Day, student: number, school: number): void {
  const { students, sections } = day.state;
  const grade = cell(students.grade, student);
  const levelIndex = levelOfGrade(grade);
  const electives = cell(students.electives, student);
  for (const subject of levelAt(levelIndex).subjects) {
    if (!takesSubject(levelIndex, electives, subject)) continue;
    const group = day.groups.get(groupKey(school, subject, grade));
    if (group === undefined || group.length === 0) continue;
    enroll(sections, group[day.prng.int(group.length)] as number, student);
  }
}

/**
 * Students who move to another school of their level (a family moving house): their school
 * (and schools) change, they leave their sections at the old school and join sections of the
 * same subjects at the new one. A section they visit at a second school keeps them.
 */
function transferStudents(day: Day, count: number): void {
  const { students, sections, schools } = day.state;
  const { prng } = day;
  const choices = schoolChoices(schools);
  const from = new Int32Array(students.count).fill(-1);
  const moving: number[] = [];
  for (let k = 0; k < count; k++) {
    const [row] = sampleRows(students.baseCount, 1, prng, (row) => cell(students.removed, row) === 0 && cell(from, row) < 0);
    if (row === undefined) break;
    const choice = choices[levelOfGrade(cell(students.grade, row))] as WeightedTable<number>;
    const current = cell(students.school, row);
    let next = current;
    for (let tries = 0; tries < 8 && (next === current || next === cell(students.secondSchool, row)); tries++) next = choice.value(choice.draw(prng));
    if (next === current || next === cell(students.secondSchool, row)) continue;
    from[row] = current;
    students.school[row] = next;
    students.modified[row] = 1;
    moving.push(row);
  }
  if (moving.length === 0) return;
  for (let row = 0; row < sections.count; row++) {
    if (cell(sections.removed, row) === 1) continue;
    const school = cell(sections.school, row);
    const members = membersOf(sections, row);
    if (!members.some((student) => cell(from, student) === school)) continue;
    sections.overrides.set(row, members.filter((student) => cell(from, student) !== school));
    sections.modified[row] = 1;
  }
  for (const row of moving) enrollAtSchool(day, row, cell(students.school, row));
}

/**
 * New students, in the school and grade of a random current student (so they follow the
 * district's shape), each put into one section of every subject they take there. Their ids come
 * after every existing user's: they were created during the day.
 */
function enrollNewStudents(day: Day, count: number): void {
  const { students, schools, ids } = day.state;
  const { prng } = day;
  const firstOrdinal = students.baseCount + day.baseStaff;
  for (let k = 0; k < count; k++) {
    const [template] = sampleRows(students.baseCount, 1, prng, (row) => cell(students.removed, row) === 0);
    if (template === undefined) return;
    const row = students.count++;
    drawStudent(students, row, cell(students.grade, template), cell(students.school, template), schools, prng);
    const ordinal = firstOrdinal + k;
    // Before the people hired today (hire()): ids follow ordinals.
    const createdMs = spreadCreatedMs(BASE_SNAPSHOT_MS + 3_600_000, CHURN_SNAPSHOT_MS - 2 * 3_600_000, k, count);
    students.ordinal[row] = ordinal;
    students.createdMs[row] = createdMs;
    students.ids.push(ids.id('user', createdMs, ordinal));
    students.modified[row] = 1;
    enrollAtSchool(day, row, cell(students.school, row));
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
function swapTeachers(day: Day, count: number): void {
  const { sections, staff, schools } = day.state;
  const { prng } = day;
  const teachersAt = teachersBySchool(staff, schools.count);
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

/** Co-teachers who become the primary teacher of their section (the former primary stays on as co-teacher). */
function promoteCoTeachers(day: Day, count: number): void {
  const { sections } = day.state;
  for (const row of sampleRows(sections.count, count, day.prng, (row) => cell(sections.removed, row) === 0 && cell(sections.coTeacher, row) >= 0)) {
    const primary = cell(sections.teacher, row);
    sections.teacher[row] = cell(sections.coTeacher, row);
    sections.coTeacher[row] = primary;
    sections.modified[row] = 1;
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

/** New names a district's course catalogue gives courses (New York renamed its Regents sciences this way). */
const COURSE_RENAMES: readonly (readonly [RegExp, string])[] = [
  [/^Living Environment$/, 'Life Science: Biology'],
  [/^Earth Science$/, 'Earth and Space Sciences'],
  [/^Global History (I+)$/, 'Global History and Geography $1'],
  [/^US History$/, 'US History and Government'],
  [/^ELA (\w+)$/, 'English Language Arts $1'],
  [/^Math (\w+)$/, 'Mathematics $1'],
  [/^Science (\w+)$/, 'General Science $1'],
  [/^Art (\w+)$/, 'Visual Arts $1'],
  [/^Physical Education (\w+)$/, 'Physical Education and Health $1'],
  [/^Academic Intervention (\w+)$/, 'AIS $1'],
  [/^(Kindergarten|Grade \d+) Class$/, '$1 Homeroom'],
];

export function renamedCourse(name: string): string {
  const rule = COURSE_RENAMES.find(([pattern]) => pattern.test(name));
  return rule === undefined ? `${name} (Revised)` : name.replace(rule[0], rule[1]);
}

/** Courses renamed in the SIS catalogue; returns their indices (their sections' generated names change). */
function renameCourses(state: DistrictState, count: number, prng: Prng): Set<number> {
  const renamed = new Set(sampleRows(state.courses.length, count, prng, () => true));
  for (const index of renamed) {
    const course = state.courses[index];
    if (course !== undefined) state.courses[index] = { ...course, def: { ...course.def, name: renamedCourse(course.def.name) } };
  }
  return renamed;
}

/** A term's last day moves a few days earlier (a calendar change); the terms stay apart. */
function moveTermEnds(state: DistrictState, count: number, prng: Prng): void {
  for (const index of sampleRows(state.terms.length, count, prng, () => true)) {
    const term = state.terms[index];
    if (term === undefined) continue;
    const end = new Date(`${term.end}T00:00:00Z`);
    end.setUTCDate(end.getUTCDate() - prng.between(1, 4));
    state.terms[index] = { ...term, end: end.toISOString().slice(0, 10) };
  }
}

/** Sections whose generated name changed with their course's name or their teacher's surname carry the day's time. */
function flagRenamedSections(state: DistrictState, baseStaff: StaffTable, renamedCourses: ReadonlySet<number>): void {
  const { sections, staff } = state;
  for (let row = 0; row < sections.count; row++) {
    if (cell(sections.removed, row) === 1 || cell(sections.modified, row) === 1) continue;
    const teacher = cell(sections.teacher, row);
    const renamedTeacher = teacher < baseStaff.count && cell(staff.last, teacher) !== cell(baseStaff.last, teacher);
    if (renamedTeacher || renamedCourses.has(cell(sections.course, row))) sections.modified[row] = 1;
  }
}

/** A draw other than `current` (or that `same` rejects); the lists are long, so a few tries do. */
function differentDraw<T>(current: T, draw: () => T, same: (candidate: T) => boolean = (candidate) => candidate === current): T {
  let candidate = draw();
  for (let tries = 0; tries < 100 && same(candidate); tries++) candidate = draw();
  return candidate;
}
