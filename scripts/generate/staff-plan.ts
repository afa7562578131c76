import { drawStaffCreatedMs } from './calendar';
import { allocateColumns, cell, copyColumns } from './columns';
import type { Columns } from './columns';
import {
  DEPARTMENTS,
  DISTRICT_ADMIN_TITLES,
  FEMALE_FIRST_NAMES,
  LAST_NAME_POOLS,
  MALE_FIRST_NAMES,
  MIDDLE_INITIALS,
  SPECIALIST_TITLES,
  STAFF_ONLY_TITLES,
  STAFF_PERMISSION_ROLES,
  STAFF_TITLES,
} from './name-lists';
import type { Prng } from './prng';
import type { SchoolTable } from './school-plan';
import type { StudentTable } from './student-table';
import type { WeightedTable } from './weighted-table';

export const STAFF_ROLE = { teacher: 0, teacherAndStaff: 1, staff: 2, districtAdmin: 3 } as const;

/** Teachers per student: NYC has ~1 teacher per 13-16 students; the brief asks for 16. */
export const STUDENTS_PER_TEACHER = 16;
/** Share of teachers who also hold a staff role under the same user id (clever-data.md §0.2). */
export const TEACHER_STAFF_SHARE = 0.1;
/** Itinerant teachers (arts, PE, special education) list two schools. */
const TEACHER_MULTI_SCHOOL_SHARE = 0.03;
/** No value in a Uint8 column. */
export const NONE = 255;

const STAFF_COLUMNS = {
  ordinal: Int32Array,
  createdMs: Float64Array,
  role: Uint8Array,
  /** -1 for district admins (they have no school). */
  school: Int32Array,
  secondSchool: Int32Array,
  first: Uint16Array,
  last: Uint16Array,
  middle: Uint8Array,
  /** Subject and grade of the teacher's first section, for "Grade 9 Math Teacher"; NONE without sections. */
  subject: Uint8Array,
  grade: Uint8Array,
  /** Index into the title list of the user's main role; NONE for a principal. */
  title: Uint8Array,
  staffTitle: Uint8Array,
  department: Uint8Array,
  permission: Uint8Array,
  /** Source of teacher_number, staff_id and sis_id. */
  serial: Int32Array,
  emailVariant: Uint8Array,
  /** 1 when this snapshot changed the person (its last_modified is the snapshot's change time). */
  modified: Uint8Array,
  /** 1 when the person left the district in this snapshot (not written). */
  removed: Uint8Array,
} as const;

/**
 * Teachers, staff and district admins: one user record each (a teacher with a staff role is one
 * user with two roles). Rows of the base: the teachers of school 0, of school 1, ..., then the
 * staff-only users school by school, then the district admins; rows after them were hired by a
 * derived snapshot (and have later ids than every base user).
 */
export interface StaffTable extends Columns<typeof STAFF_COLUMNS> {
  count: number;
  ids: string[];
  legacyIds: string[];
}

export function planStaff(schools: SchoolTable, students: StudentTable, choices: WeightedTable<number>[], prng: Prng): StaffTable {
  const enrolled = new Int32Array(schools.count);
  for (let row = 0; row < students.count; row++) {
    const school = cell(students.school, row);
    enrolled[school] = cell(enrolled, school) + 1;
  }
  const teachersAt = Array.from(enrolled, (n) => Math.max(2, Math.round(n / STUDENTS_PER_TEACHER)));
  // A principal, plus counsellors, secretaries, ... about one per 500 students.
  const staffAt = Array.from(enrolled, (n) => 1 + Math.round(n / 500));
  const admins = 3 + Math.floor(students.count / 250_000);
  const count = teachersAt.reduce((a, b) => a + b, 0) + staffAt.reduce((a, b) => a + b, 0) + admins;

  const table: StaffTable = {
    ...allocateColumns(STAFF_COLUMNS, count),
    count,
    ids: [],
    legacyIds: [],
  };
  let row = 0;
  for (let school = 0; school < schools.count; school++) {
    for (let i = 0; i < (teachersAt[school] ?? 0); i++, row++) {
      drawPerson(table, row, school, prng);
      const withStaff = prng.chance(TEACHER_STAFF_SHARE);
      table.role[row] = withStaff ? STAFF_ROLE.teacherAndStaff : STAFF_ROLE.teacher;
      table.title[row] = prng.int(SPECIALIST_TITLES.length);
      table.staffTitle[row] = withStaff ? prng.int(STAFF_TITLES.length) : NONE;
      table.department[row] = prng.int(DEPARTMENTS.length);
      table.permission[row] = prng.int(STAFF_PERMISSION_ROLES.length);
      if (prng.chance(TEACHER_MULTI_SCHOOL_SHARE)) {
        const choice = choices[cell(schools.level, school)] as WeightedTable<number>;
        const second = choice.value(choice.draw(prng));
        if (second !== school) table.secondSchool[row] = second;
      }
    }
  }
  for (let school = 0; school < schools.count; school++) {
    for (let i = 0; i < (staffAt[school] ?? 0); i++, row++) {
      drawPerson(table, row, school, prng);
      table.role[row] = STAFF_ROLE.staff;
      // The first staff member of a school is its principal (also the school's principal field).
      table.title[row] = i === 0 ? NONE : prng.int(STAFF_ONLY_TITLES.length);
      table.department[row] = i === 0 ? 0 : prng.int(DEPARTMENTS.length);
      table.permission[row] = i === 0 ? 3 : prng.int(STAFF_PERMISSION_ROLES.length);
      if (i === 0) schools.principal[school] = row;
    }
  }
  for (let i = 0; i < admins; i++, row++) {
    drawPerson(table, row, -1, prng);
    table.role[row] = STAFF_ROLE.districtAdmin;
    table.title[row] = i % DISTRICT_ADMIN_TITLES.length;
  }
  return table;
}

/** Adults: mostly women (as in US teaching), surnames from all pools. Role, titles and ids are the caller's. */
export function drawPerson(table: StaffTable, row: number, school: number, prng: Prng): void {
  const first = prng.chance(0.72) ? FEMALE_FIRST_NAMES : MALE_FIRST_NAMES;
  const roll = prng.float();
  const pool = roll < 0.25 ? LAST_NAME_POOLS.hispanic : roll < 0.4 ? LAST_NAME_POOLS.asian : LAST_NAME_POOLS.general;
  table.first[row] = first.value(first.draw(prng));
  table.last[row] = pool.value(pool.draw(prng));
  table.middle[row] = prng.chance(0.3) ? 0 : prng.between(1, MIDDLE_INITIALS.length - 1);
  table.school[row] = school;
  table.secondSchool[row] = -1;
  table.subject[row] = NONE;
  table.grade[row] = NONE;
  table.staffTitle[row] = NONE;
  table.serial[row] = 100_000 + row;
  table.createdMs[row] = drawStaffCreatedMs(prng);
}

/** A copy the churn can change, with room for `extra` more people; flags start cleared. */
export function copyStaff(from: StaffTable, extra = 0): StaffTable {
  const copy: StaffTable = {
    ...copyColumns(STAFF_COLUMNS, from, from.count, from.count + extra),
    count: from.count,
    ids: from.ids.slice(),
    legacyIds: from.legacyIds.slice(),
  };
  copy.modified.fill(0);
  copy.removed.fill(0);
  return copy;
}

export function isTeacher(staff: StaffTable, row: number): boolean {
  const role = cell(staff.role, row);
  return role === STAFF_ROLE.teacher || role === STAFF_ROLE.teacherAndStaff;
}

/**
 * The teachers of each school (their primary school), in row order, leaving out those who left:
 * the people sections can be dealt to. In the base they are consecutive rows, school by school.
 */
export function teachersBySchool(staff: StaffTable, schoolCount: number): Int32Array[] {
  const sizes = new Int32Array(schoolCount);
  const counts = (row: number) => isTeacher(staff, row) && cell(staff.removed, row) === 0 && cell(staff.school, row) >= 0;
  for (let row = 0; row < staff.count; row++) {
    if (!counts(row)) continue;
    const school = cell(staff.school, row);
    sizes[school] = cell(sizes, school) + 1;
  }
  const lists = Array.from(sizes, (size) => new Int32Array(size));
  sizes.fill(0);
  for (let row = 0; row < staff.count; row++) {
    if (!counts(row)) continue;
    const school = cell(staff.school, row);
    (lists[school] as Int32Array)[cell(sizes, school)] = row;
    sizes[school] = cell(sizes, school) + 1;
  }
  return lists;
}
