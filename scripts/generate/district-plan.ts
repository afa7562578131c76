import { BASE_SNAPSHOT_MS, CREATED, FALL_TERM, TERMS } from './calendar';
import { cell } from './columns';
import { COURSES } from './curriculum';
import type { DistrictState } from './district-state';
import { IdFactory, spreadCreatedMs } from './object-ids';
import { hash32, Prng } from './prng';
import { planSchools } from './school-plan';
import { buildSections } from './section-plan';
import type { SectionTable } from './section-plan';
import { NONE, planStaff, STAFF_ROLE } from './staff-plan';
import type { StaffTable } from './staff-plan';
import { planStudents, schoolChoices } from './student-plan';
import type { StudentTable } from './student-table';

const DISTRICT_NAMES = ['Harbor City', 'Riverside Metro', 'Lakeshore', 'Granite Bay', 'Eastport', 'North Valley', 'Bridgewater', 'Union County'];

/**
 * The base snapshot of a generated district: a pure function of (student count, seed). Every
 * part draws from its own PRNG stream, so asking for churn or rollover never changes it.
 */
export function planDistrict(studentCount: number, seed: string): DistrictState {
  if (!Number.isInteger(studentCount) || studentCount < 1) throw new RangeError(`student count must be a positive integer, got ${studentCount}`);
  const ids = new IdFactory(seed);
  const schools = planSchools(studentCount, Prng.of(seed, 'schools'), ids);
  const students = planStudents(studentCount, schools, Prng.of(seed, 'students'));
  const staff = planStaff(schools, students, schoolChoices(schools), Prng.of(seed, 'staff'));
  giveUserIds(students, staff, ids);

  const sections = buildSections({ schools, students, staff, electives: students.electives, term: FALL_TERM, prng: Prng.of(seed, 'sections') });
  giveSectionIds(sections, ids);
  titleTeachers(staff, sections);

  const prng = Prng.of(seed, 'district');
  const place = prng.pick(DISTRICT_NAMES);
  const slug = place.toLowerCase().replace(/[^a-z]/g, '');
  const firstAdmin = staff.role.indexOf(STAFF_ROLE.districtAdmin);
  return {
    seed,
    ids,
    district: {
      id: ids.id('district', CREATED.district, 0),
      name: `${place} Public Schools`,
      domain: `${slug}.example.org`,
      portalSlug: `${slug}-${hash32(seed).toString(16)}`,
      contact: firstAdmin,
      sisOffset: hash32(`sis:${seed}`) % 900_000_000,
      stateOffset: hash32(`state:${seed}`) % 900_000_000,
    },
    schools,
    terms: TERMS.map((term, i) => ({
      id: ids.id('term', CREATED.terms + i * 1000, i),
      name: term.name,
      start: term.start,
      end: term.end,
      createdMs: CREATED.terms + i * 1000,
      listed: true,
    })),
    courses: COURSES.map((def, i) => {
      const createdMs = spreadCreatedMs(CREATED.courses[0], CREATED.courses[1], i, COURSES.length);
      return { id: ids.id('course', createdMs, i), createdMs, def };
    }),
    students,
    staff,
    sections,
    snapshotMs: BASE_SNAPSHOT_MS,
  };
}

/**
 * Students and staff share one id timeline, ordered by creation time as Clever's ids are, so
 * users.json interleaves them. Student rows are already in creation order; staff rows are in
 * school order, so their ordinals are not.
 */
function giveUserIds(students: StudentTable, staff: StaffTable, ids: IdFactory): void {
  const staffOrder = new Int32Array(staff.count);
  for (let row = 0; row < staff.count; row++) staffOrder[row] = row;
  staffOrder.sort((a, b) => cell(staff.createdMs, a) - cell(staff.createdMs, b) || a - b);
  let student = 0;
  let next = 0;
  for (let ordinal = 0; ordinal < students.count + staff.count; ordinal++) {
    const staffRow = next < staff.count ? cell(staffOrder, next) : -1;
    const takeStaff = staffRow >= 0 && (student >= students.count || cell(staff.createdMs, staffRow) < cell(students.createdMs, student));
    if (takeStaff) {
      staff.ordinal[staffRow] = ordinal;
      next++;
    } else {
      students.ordinal[student] = ordinal;
      students.ids.push(ids.id('user', cell(students.createdMs, student), ordinal));
      student++;
    }
  }
  for (let row = 0; row < staff.count; row++) {
    staff.ids.push(ids.id('user', cell(staff.createdMs, row), cell(staff.ordinal, row)));
    // Pre-v3 ids of the same people (clever-data.md §3.4: legacy_id is the v2 per-role id).
    staff.legacyIds.push(ids.id('legacy', spreadCreatedMs(CREATED.district, CREATED.users[0], row, staff.count), row));
  }
}

/** Ordinals, SIS numbers, creation times (the days before school starts) and ids of the base's sections. */
function giveSectionIds(sections: SectionTable, ids: IdFactory): void {
  for (let row = 0; row < sections.count; row++) {
    const createdMs = spreadCreatedMs(CREATED.sections[0], CREATED.sections[1], row, sections.count);
    sections.ordinal[row] = row;
    sections.createdMs[row] = createdMs;
    sections.sisNumber[row] = 10_000 + row;
    sections.ids.push(ids.id('section', createdMs, row));
  }
}

/** A teacher's title names the subject and grade of their first section ("Grade 9 Math Teacher"). */
function titleTeachers(staff: StaffTable, sections: SectionTable): void {
  for (let row = 0; row < sections.count; row++) {
    const teacher = cell(sections.teacher, row);
    if (cell(staff.subject, teacher) !== NONE) continue;
    if (cell(staff.role, teacher) === STAFF_ROLE.staff) continue;
    staff.subject[teacher] = cell(sections.subject, row);
    staff.grade[teacher] = cell(sections.grade, row);
  }
}
