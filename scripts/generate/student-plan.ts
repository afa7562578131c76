import { drawStudentCreatedMs } from './calendar';
import { cell } from './columns';
import { GRADE_COUNT, HIGH, LEVELS, levelAt, levelOfGrade, MIDDLE, ELEMENTARY } from './curriculum';
import type { Prng } from './prng';
import type { SchoolTable } from './school-plan';
import { createStudentTable, drawStudent } from './student-table';
import type { StudentTable } from './student-table';
import { WeightedTable } from './weighted-table';

/** About 2% of students belong to two schools (clever-data.md §3.4 observed 1-3). */
export const MULTI_SCHOOL_SHARE = 0.02;

/** The schools of each level, each drawn with its size weight. */
export function schoolChoices(schools: SchoolTable): WeightedTable<number>[] {
  return LEVELS.map((_, levelIndex) => {
    const entries: (readonly [number, number])[] = [];
    for (let row = 0; row < schools.count; row++) {
      if (cell(schools.level, row) === levelIndex) entries.push([row, cell(schools.weight, row)]);
    }
    return new WeightedTable(entries);
  });
}

/**
 * The district's students: grades about equal in size (K-12), each in a school of the grade's
 * level picked by school size, ~2% with a second school, in creation order. Ids are given later,
 * with the staff's (users share one id timeline).
 */
export function planStudents(count: number, schools: SchoolTable, prng: Prng): StudentTable {
  const table = createStudentTable(count);
  const choices = schoolChoices(schools);
  // Grades and creation times first: rows go in creation order, which is id order.
  const grades = new Uint8Array(count);
  const created = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    grades[i] = prng.int(GRADE_COUNT);
    created[i] = drawStudentCreatedMs(cell(grades, i), prng);
  }
  const order = new Int32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  order.sort((a, b) => cell(created, a) - cell(created, b) || a - b);
  for (let row = 0; row < count; row++) {
    const grade = cell(grades, cell(order, row));
    const choice = choices[levelOfGrade(grade)] as WeightedTable<number>;
    table.createdMs[row] = cell(created, cell(order, row));
    drawStudent(table, row, grade, choice.value(choice.draw(prng)), schools, prng);
    if (prng.chance(MULTI_SCHOOL_SHARE)) addSecondSchool(table, row, choices, prng);
  }
  table.count = count;
  table.baseCount = count;
  return table;
}

/**
 * Another school of the same level; a district with one school of that level sends the student
 * to the next level's school instead (a middle schooler taking a high-school class), in the
 * nearest grade it teaches.
 */
function addSecondSchool(table: StudentTable, row: number, choices: WeightedTable<number>[], prng: Prng): void {
  const grade = cell(table.grade, row);
  const primary = cell(table.school, row);
  const own = levelOfGrade(grade);
  const sameLevel = (choices[own] as WeightedTable<number>).values.length >= 2;
  const levelIndex = sameLevel ? own : own === ELEMENTARY ? MIDDLE : own === MIDDLE ? HIGH : MIDDLE;
  const choice = choices[levelIndex] as WeightedTable<number>;
  let second = primary;
  for (let tries = 0; tries < 8 && second === primary; tries++) second = choice.value(choice.draw(prng));
  if (second === primary) return;
  const level = levelAt(levelIndex);
  table.secondSchool[row] = second;
  table.visitGrade[row] = Math.min(Math.max(grade, level.lowGrade), level.highGrade);
  table.visitSubject[row] = prng.pick(level.electives).subject;
}
