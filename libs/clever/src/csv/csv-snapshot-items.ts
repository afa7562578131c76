import type { InputLocation } from '@roster-ledger/domain';
import type { SnapshotItem } from '../snapshot-item';
import type { CsvFile, CsvFolder } from './csv-folder';
import { ENROLLMENTS, STAFF } from './csv-columns';
import { CsvIds } from './csv-ids';
import { CsvJoin } from './csv-join';
import type { CsvRow } from './csv-row-stream';
import { readCsvRows } from './csv-row-stream';
import { withDifferingColumns } from './csv-rows-disagree';
import { schoolItem } from './csv-school-record';
import { courseOf, derivedItem, hasSectionName, sectionItem, termOf } from './csv-section-records';
import type { DerivedRecord } from './csv-section-records';
import { termEndingBeforeStart } from '../term-dates';
import { contactItem, staffItem, studentItem, teacherItem } from './csv-user-records';

export interface CsvPassOptions {
  districtId: string;
  maxRecordChars: number;
  onBytes: (count: number) => void;
  /** The year of the import: it tells the century of a two-digit year (see csvDateOfBirth, csvIsoDate). */
  importYear: number | undefined;
  /** The ledger's key for CSV ids (see csvRecordId). */
  idKey?: Uint8Array;
}

/**
 * Streams a CSV upload as snapshot items, in the JSON reader's order: schools, terms, courses,
 * users (students, teachers, staff), sections.
 *
 * A record needs facts from other files (a student's schools come from enrollments.csv, a section's
 * students too), and users come before sections, so students, teachers, staff and sections are read
 * twice: an index pass that checks every row and keeps only ids and small lists (CsvJoin), then a
 * record pass that builds each record from its row. Memory grows with the number of people,
 * sections and enrollments (a few numbers each), never with the size of the rows.
 *
 * A row that repeats an earlier row of its file value for value, and a second enrollment row of one
 * section and student, is taken once and yielded as skipped (`duplicate row (students.csv)`): the
 * report counts them by file. An enrollment whose School_id is not its section's is kept at the
 * section's school and yielded as a mismatch (`enrollments.csv School_id`) where it was read. A
 * section whose row has neither Name nor Course_name (both columns absent, or both empty in the
 * row) is recorded without a name and yielded after it as unnamed, where its row was read. A staff
 * member whose email is a teacher's, where the email is more than one teacher's or staff member's,
 * is kept a user of their own and yielded after it as unpaired (`staff.csv Staff_email`).
 * One paired with a teacher whose staff row names them otherwise (First_name, Middle_name or
 * Last_name) is named as teachers.csv has it, and yielded after the teacher as a mismatch
 * (`staff.csv Last_name`) where the staff row was read.
 *
 * Throws InvalidInput at the first row that breaks a rule, after yielding the records before it.
 */
export async function* readCsvSnapshot(folder: CsvFolder, options: CsvPassOptions): AsyncGenerator<SnapshotItem> {
  const ids = new CsvIds(options.districtId, options.idKey);
  const rows = (file: CsvFile): AsyncGenerator<CsvRow> =>
    readCsvRows(file.path, file.spec, { maxRecordChars: options.maxRecordChars, onBytes: options.onBytes, recordIdOf: (row) => ids.ofRow(file.spec, row) });
  const join = new CsvJoin();
  /** An index pass over `files`; an error saying two rows of a person disagree names the columns. */
  const index = async (files: readonly CsvFile[], add: (row: CsvRow) => void): Promise<void> => {
    try {
      for (const file of files) for await (const row of rows(file)) add(row);
    } catch (error) {
      throw await withDifferingColumns(error, files, { maxRecordChars: options.maxRecordChars });
    }
  };

  for await (const row of rows(folder.schools)) yield join.addSchool(row) ? schoolItem(row, ids) : repeatedRow(folder.schools, row);

  await index([folder.students], (row) => join.addStudent(row));
  await index([folder.teachers], (row) => join.addTeacher(row));
  await index(folder.staff, (row) => join.addStaff(row));
  join.pairStaffWithTeachers();

  const terms = new Map<string, DerivedRecord>();
  const courses = new Map<string, DerivedRecord>();
  for await (const row of rows(folder.sections)) {
    join.addSection(row);
    keepFirst(terms, termOf(row, ids, options.importYear));
    keepFirst(courses, courseOf(row, ids));
  }
  for (const term of terms.values()) {
    const item = derivedItem('term', term);
    yield item;
    const endsBeforeStart = termEndingBeforeStart(item);
    if (endsBeforeStart !== undefined) yield endsBeforeStart;
  }
  for (const course of courses.values()) yield derivedItem('course', course);
  terms.clear();
  courses.clear();

  for await (const row of rows(folder.enrollments)) {
    // named by its section's id: an enrollment has no record of its own, and a student's SIS id is personal
    if (!join.addEnrollment(row)) yield { type: 'mismatch', what: `${ENROLLMENTS.file} School_id`, origin: { ...row.origin, recordId: ids.of('section', row.get('Section_id')) } };
  }
  const merged = join.mergeRepeatedEnrollments();
  for (let i = 0; i < merged; i++) yield duplicateRow(folder.enrollments.spec.file, { file: folder.enrollments.path });

  const contactsSeen = new Set<string>();
  for await (const row of rows(folder.students)) {
    if (join.repeated(row)) {
      yield repeatedRow(folder.students, row);
      continue;
    }
    const student = join.claim(join.students, row, 'Student_id');
    if (student !== undefined) yield studentItem(row, join.students.schoolsOf(student), ids, options.importYear);
    const contact = contactItem(row, contactsSeen);
    if (contact !== undefined) yield contact;
  }
  for await (const row of rows(folder.teachers)) {
    if (join.repeated(row)) {
      yield repeatedRow(folder.teachers, row);
      continue;
    }
    const teacher = join.claim(join.teachers, row, 'Teacher_id');
    if (teacher === undefined) continue;
    const staffRole = join.staffRoleOf(teacher);
    yield teacherItem(row, join.teachers.schoolsOf(teacher), ids, staffRole);
    if (staffRole !== undefined) yield* namesDisagreeing(row, staffRole.row, ids);
  }
  for (const file of folder.staff) {
    for await (const row of rows(file)) {
      if (join.repeated(row)) {
        yield repeatedRow(file, row);
        continue;
      }
      const member = join.claim(join.staff, row, 'Staff_id');
      const facts = member === undefined ? undefined : join.staffRecordOf(member, row);
      if (facts !== undefined) yield staffItem(facts, ids);
      if (member !== undefined && join.keptApartFromTeachers(member)) {
        yield { type: 'unpaired', what: `${file.spec.file} ${row.header.nameOf('Staff_email')}`, origin: { ...row.origin, recordId: ids.of('staff', row.get('Staff_id')) } };
      }
    }
  }

  for await (const row of rows(folder.sections)) {
    if (join.repeated(row)) {
      yield repeatedRow(folder.sections, row);
      continue;
    }
    yield sectionItem(row, join.membersOf(row), ids, options.importYear);
    // Clever's format does not require a name: the section is recorded without one, and said so
    if (!hasSectionName(row)) yield { type: 'unnamed', kind: 'section', origin: { ...row.origin, recordId: ids.of('section', row.get('Section_id')) } };
  }
}

/** The name columns a staff row gives that a teacher's row of the same person gives too. */
const NAME_COLUMNS = ['First_name', 'Middle_name', 'Last_name'] as const;

/**
 * A staff member who is a teacher's second role is one user, named as teachers.csv names them: a
 * name their staff row gives otherwise is not recorded, and yielded as a mismatch where it was read
 * (`staff.csv Last_name`), named by the teacher's id, so that the district hears of the name left
 * out. A column that one of the two files lacks says nothing.
 */
function* namesDisagreeing(teacherRow: CsvRow, staffRow: CsvRow, ids: CsvIds): Generator<SnapshotItem> {
  const recordId = ids.of('teacher', teacherRow.get('Teacher_id'));
  for (const column of NAME_COLUMNS) {
    if (!teacherRow.header.has(column) || !staffRow.header.has(column) || teacherRow.get(column) === staffRow.get(column)) continue;
    yield { type: 'mismatch', what: `${STAFF.file} ${staffRow.header.nameOf(column)}`, origin: { ...staffRow.origin, recordId } };
  }
}

/** A row taken once already: counted by its file, as read and not recorded. */
function repeatedRow(file: CsvFile, row: CsvRow): SnapshotItem {
  return duplicateRow(file.spec.file, row.origin);
}

function duplicateRow(file: string, origin: InputLocation): SnapshotItem {
  return { type: 'skipped', reason: `duplicate row (${file})`, origin };
}

function keepFirst(records: Map<string, DerivedRecord>, record: DerivedRecord | undefined): void {
  if (record !== undefined && !records.has(record.id)) records.set(record.id, record);
}
