import { drawDob } from './calendar';
import { allocateColumns, cell, copyColumns } from './columns';
import type { Columns } from './columns';
import { drawElectives, levelOfGrade } from './curriculum';
import {
  BOROUGHS,
  drawEll,
  drawHomeLanguage,
  drawRace,
  FRL,
  GENDER,
  HISPANIC_SHARE,
  IEP_SHARE,
  RACE_OF,
} from './demographics';
import { FEMALE_FIRST_NAMES, LAST_NAME_POOLS, MALE_FIRST_NAMES, MIDDLE_INITIALS } from './name-lists';
import type { Prng } from './prng';
import type { SchoolTable } from './school-plan';

const STUDENT_COLUMNS = {
  ordinal: Int32Array,
  createdMs: Float64Array,
  grade: Uint8Array,
  school: Int32Array,
  /** -1, or the second school of a multi-school student; they take one section there. */
  secondSchool: Int32Array,
  /** The grade and subject of the section a multi-school student takes at the second school. */
  visitGrade: Uint8Array,
  visitSubject: Uint8Array,
  /** Bit mask over subject indices (curriculum.ts). */
  electives: Uint16Array,
  first: Uint16Array,
  last: Uint16Array,
  middle: Uint8Array,
  /** The name the username was made from: a later name change keeps the login. */
  loginFirst: Uint16Array,
  loginLast: Uint16Array,
  gender: Uint8Array,
  race: Uint8Array,
  hispanic: Uint8Array,
  ell: Uint8Array,
  frl: Uint8Array,
  iep: Uint8Array,
  language: Uint8Array,
  /** YYYYMMDD */
  dob: Int32Array,
  zip: Int32Array,
  borough: Uint8Array,
  /** Young students often have no email (clever-data.md §3.4). */
  hasEmail: Uint8Array,
  emailVariant: Uint8Array,
  usernameVariant: Uint8Array,
  /** 1 when this snapshot changed the student (its last_modified is the snapshot's change time). */
  modified: Uint8Array,
  /** 1 when the student left the district in this snapshot (not written). */
  removed: Uint8Array,
} as const;

/**
 * Students as columns, rows in id order. Rows [0, baseCount) are the base snapshot's students;
 * rows after them were enrolled by a derived snapshot (and have later ids than every base user).
 */
export interface StudentTable extends Columns<typeof STUDENT_COLUMNS> {
  count: number;
  baseCount: number;
  ids: string[];
}

export function createStudentTable(capacity: number): StudentTable {
  return { ...allocateColumns(STUDENT_COLUMNS, capacity), count: 0, baseCount: 0, ids: [] };
}

/** A copy with room for `extra` more students, for a derived snapshot; flags start cleared. */
export function copyStudentTable(from: StudentTable, extra: number): StudentTable {
  const copy: StudentTable = {
    ...copyColumns(STUDENT_COLUMNS, from, from.count, from.count + extra),
    count: from.count,
    baseCount: from.baseCount,
    ids: from.ids.slice(),
  };
  copy.modified.fill(0);
  copy.removed.fill(0);
  return copy;
}

/**
 * Draws everything about a student but their ids and section choices' place: names, demographics,
 * date of birth from the grade, address near the school. Surnames follow ethnicity most of the time.
 */
export function drawStudent(table: StudentTable, row: number, grade: number, school: number, schools: SchoolTable, prng: Prng): void {
  const gender = GENDER.draw(prng);
  const hispanic = prng.chance(HISPANIC_SHARE);
  const race = drawRace(hispanic, prng);
  const language = drawHomeLanguage(hispanic, race, prng);
  const first = gender === 0 ? MALE_FIRST_NAMES : gender === 1 ? FEMALE_FIRST_NAMES : prng.chance(0.5) ? MALE_FIRST_NAMES : FEMALE_FIRST_NAMES;
  const pool =
    hispanic && prng.chance(0.85)
      ? LAST_NAME_POOLS.hispanic
      : race === RACE_OF['Asian'] && prng.chance(0.8)
        ? LAST_NAME_POOLS.asian
        : LAST_NAME_POOLS.general;
  const firstName = first.value(first.draw(prng));
  const lastName = pool.value(pool.draw(prng));
  const borough = cell(schools.borough, school);

  table.grade[row] = grade;
  table.school[row] = school;
  table.secondSchool[row] = -1;
  table.electives[row] = drawElectives(levelOfGrade(grade), prng);
  table.first[row] = firstName;
  table.last[row] = lastName;
  table.middle[row] = prng.chance(0.25) ? 0 : prng.between(1, MIDDLE_INITIALS.length - 1);
  table.loginFirst[row] = firstName;
  table.loginLast[row] = lastName;
  table.gender[row] = gender;
  table.race[row] = race;
  table.hispanic[row] = hispanic ? 1 : 0;
  table.language[row] = language;
  table.ell[row] = drawEll(language, prng) ? 1 : 0;
  table.frl[row] = FRL.draw(prng);
  table.iep[row] = prng.chance(IEP_SHARE) ? 1 : 0;
  table.dob[row] = drawDob(grade, prng);
  table.borough[row] = borough;
  table.zip[row] = prng.chance(0.75) ? cell(schools.zip, school) : prng.pick((BOROUGHS[borough] as (typeof BOROUGHS)[number]).zips);
  table.hasEmail[row] = prng.chance(grade <= 2 ? 0.4 : 0.96) ? 1 : 0;
}
