import { CO_TEACHER_COLUMNS, CONTACT_VALUE_COLUMNS, ENROLLMENTS, SCHOOLS, SECTIONS, STAFF, STUDENTS, TEACHERS } from './csv-columns';
import type { CsvFileSpec } from './csv-columns';
import { PeopleIndex, rowDigest } from './csv-people-index';
import type { CsvRow } from './csv-row-stream';
import { sectionTeachers } from './csv-section-records';
import type { SectionMembers } from './csv-section-records';
import type { StaffFacts } from './csv-user-records';

interface SectionEntry {
  line: number;
  /** Digest of the whole row (see rowDigest). */
  text: number;
  /** School SIS id. */
  school: string;
  /** Ordinals of the enrolled students (numbers, not id strings: enrollments run to millions). */
  students: number[];
}

const columnsOf = (spec: CsvFileSpec) => [...spec.required, ...spec.optional];

/**
 * The join of a CSV upload: what the index passes learn (ids, schools, memberships) so that the
 * record passes can build each record from one row. It keeps ids and a few numbers per person,
 * section and enrollment, never rows: the one exception is the first row of a staff member who
 * is also a teacher, needed before staff.csv is read again.
 *
 * Every `add*` checks its row and throws InvalidInput naming the file, line, column and rule: a
 * required value left empty, a duplicate id, a reference to a school, section, student or teacher
 * that its file does not have.
 *
 * A row that is an earlier row of its file again, value for value, is no duplicate id but the same
 * record sent twice (an SIS export that repeats a row): it is taken once, and its line noted, so
 * that the record passes pass over it and the report counts it (see `repeated`). Two enrollment
 * rows of one section and student are one enrollment, whatever their School_id.
 */
export class CsvJoin {
  private readonly schools = new Map<string, { line: number; text: number }>();
  /** Lines of repeated rows, by file path: such rows are rare, so a set of lines each. */
  private readonly repeats = new Map<string, Set<number>>();
  readonly students = new PeopleIndex({
    idColumn: 'Student_id',
    varying: ['School_id', ...CONTACT_VALUE_COLUMNS],
    columns: columnsOf(STUDENTS),
    varyingLabel: 'School_id and contact columns',
  });
  readonly teachers = new PeopleIndex({ idColumn: 'Teacher_id', varying: ['School_id'], columns: columnsOf(TEACHERS), varyingLabel: 'School_id' });
  readonly staff = new PeopleIndex({ idColumn: 'Staff_id', varying: ['School_id', 'Role'], columns: columnsOf(STAFF), varyingLabel: 'School_id and Role' });
  private readonly sections = new Map<string, SectionEntry>();
  /** The enrollments (section id and student) already reported with another school than their section's. */
  private readonly mismatchedEnrollments = new Set<string>();
  /** Teachers and staff are few: these small facts are kept by ordinal. */
  private readonly teacherLastNames: string[] = [];
  private readonly teachersByEmail = new Map<string, number[]>();
  private readonly staffByEmail = new Map<string, number[]>();
  private readonly staffRoles = new Map<number, string[]>();
  /** First rows of staff members whose email is a teacher's, by staff ordinal. */
  private readonly staffRows = new Map<number, CsvRow>();
  /** Teacher ordinal -> staff ordinal of the same person. */
  private readonly staffOfTeacher = new Map<number, number>();
  /** Staff ordinals whose email is a teacher's but not one teacher's and one staff member's: kept apart (see pairStaffWithTeachers). */
  private readonly staffKeptApart = new Set<number>();

  /** Indexes a school's row; false when the row repeats an earlier one (nothing to add). */
  addSchool(row: CsvRow): boolean {
    requireValues(row, SCHOOLS.required);
    const id = row.get('School_id');
    const first = this.schools.get(id);
    const text = rowDigest(row);
    if (first !== undefined && first.text === text) {
      this.noteRepeat(row);
      return false;
    }
    if (first !== undefined) throw row.error('School_id', `duplicate School_id "${id}": already on line ${first.line}`);
    this.schools.set(id, { line: row.line, text });
    return true;
  }

  addStudent(row: CsvRow): void {
    requireValues(row, STUDENTS.required);
    this.requireSchool(row);
    if (this.students.add(row).repeated) this.noteRepeat(row);
  }

  addTeacher(row: CsvRow): void {
    requireValues(row, TEACHERS.required);
    this.requireSchool(row);
    const { ordinal, first, repeated } = this.teachers.add(row);
    if (repeated) this.noteRepeat(row);
    if (!first) return;
    this.teacherLastNames[ordinal] = row.get('Last_name');
    const email = row.get('Teacher_email').toLowerCase();
    if (email !== '') push(this.teachersByEmail, email, ordinal);
  }

  addStaff(row: CsvRow): void {
    requireValues(row, STAFF.required);
    this.requireSchool(row);
    const { ordinal, first, repeated } = this.staff.add(row);
    if (repeated) {
      this.noteRepeat(row);
      return;
    }
    const role = row.get('Role');
    const roles = this.staffRoles.get(ordinal) ?? [];
    if (role !== '' && !roles.includes(role)) this.staffRoles.set(ordinal, [...roles, role]);
    if (!first) return;
    const email = row.get('Staff_email').toLowerCase();
    push(this.staffByEmail, email, ordinal);
    if (this.teachersByEmail.has(email)) this.staffRows.set(ordinal, row);
  }

  /**
   * A staff member whose email is a teacher's is one person with two roles, as in Clever v3. Only an
   * email that names exactly one teacher and one staff member joins them: anything else is ambiguous,
   * and the records stay apart, each staff member of such an email noted (see keptApartFromTeachers).
   */
  pairStaffWithTeachers(): void {
    for (const [email, staff] of this.staffByEmail) {
      const teachers = this.teachersByEmail.get(email) ?? [];
      const [staffOrdinal] = staff;
      const [teacherOrdinal] = teachers;
      if (staff.length === 1 && teachers.length === 1 && staffOrdinal !== undefined && teacherOrdinal !== undefined) {
        this.staffOfTeacher.set(teacherOrdinal, staffOrdinal);
      } else if (teachers.length > 0) {
        for (const ordinal of staff) this.staffKeptApart.add(ordinal);
      }
    }
    const paired = new Set(this.staffOfTeacher.values());
    for (const staffOrdinal of [...this.staffRows.keys()]) if (!paired.has(staffOrdinal)) this.staffRows.delete(staffOrdinal);
  }

  addSection(row: CsvRow): void {
    requireValues(row, SECTIONS.required);
    const school = this.requireSchool(row);
    const id = row.get('Section_id');
    const first = this.sections.get(id);
    const text = rowDigest(row);
    if (first !== undefined && first.text === text) {
      this.noteRepeat(row);
      return;
    }
    if (first !== undefined) throw row.error('Section_id', `duplicate Section_id "${id}": already on line ${first.line}`);
    for (const column of ['Teacher_id', ...CO_TEACHER_COLUMNS]) {
      const teacherId = row.get(column);
      if (teacherId === '') continue;
      const teacher = this.teachers.ordinalOf(teacherId);
      // (a person's id is a SIS number: named by its row and column, never quoted; see PeopleIndex)
      if (teacher === undefined) throw row.error(column, `unknown ${column}: no such Teacher_id in teachers.csv`);
      // The API lists the schools of a user's sections among the user's schools.
      this.teachers.addSchool(teacher, school);
    }
    this.sections.set(id, { line: row.line, text, school, students: [] });
  }

  /**
   * Indexes an enrollment; returns false when its School_id is not its section's, once per
   * enrollment (a section and a student), whichever of its rows says so. Such an
   * enrollment is kept, at its section's school: an enrollment is a student's place in a section,
   * which has one school, and Clever's doc says nothing of this case (clever-data.md §7.6). The
   * caller reports it.
   */
  addEnrollment(row: CsvRow): boolean {
    requireValues(row, ENROLLMENTS.required);
    const school = this.requireSchool(row);
    const sectionId = row.get('Section_id');
    const section = this.sections.get(sectionId);
    if (section === undefined) throw row.error('Section_id', `unknown Section_id "${sectionId}": no such section in sections.csv`);
    const studentId = row.get('Student_id');
    const student = this.students.ordinalOf(studentId);
    if (student === undefined) throw row.error('Student_id', 'unknown Student_id: no such student in students.csv');
    section.students.push(student);
    this.students.addSchool(student, section.school);
    if (school === section.school) return true;
    // one enrollment listed twice is one mismatch, as it is one enrollment (its repeats are counted apart)
    const pair = `${sectionId}\u0000${student}`;
    if (this.mismatchedEnrollments.has(pair)) return true;
    this.mismatchedEnrollments.add(pair);
    return false;
  }

  /**
   * Merges the enrollments of a section that enrollments.csv lists more than once (once they are all
   * added); returns how many rows were so merged.
   */
  mergeRepeatedEnrollments(): number {
    let merged = 0;
    for (const section of this.sections.values()) {
      const students = [...new Set(section.students)];
      merged += section.students.length - students.length;
      section.students = students;
    }
    return merged;
  }

  /** Whether the row repeats an earlier row of its file value for value (taken once, from that row). */
  repeated(row: CsvRow): boolean {
    return this.repeats.get(row.header.file)?.has(row.line) ?? false;
  }

  /**
   * The person a row of the record pass belongs to, if this is the first time the pass meets them
   * (each person is built once, from their first row). The id must be one the index pass saw.
   */
  claim(people: PeopleIndex, row: CsvRow, idColumn: string): number | undefined {
    const ordinal = people.ordinalOf(row.get(idColumn));
    if (ordinal === undefined) throw changedWhileReading(row, idColumn);
    return people.claim(ordinal) ? ordinal : undefined;
  }

  /** The staff role to add to a teacher's record, if the teacher is also staff. */
  staffRoleOf(teacherOrdinal: number): StaffFacts | undefined {
    const staffOrdinal = this.staffOfTeacher.get(teacherOrdinal);
    const row = staffOrdinal === undefined ? undefined : this.staffRows.get(staffOrdinal);
    return staffOrdinal === undefined || row === undefined ? undefined : this.staffFacts(staffOrdinal, row);
  }

  /**
   * Whether a staff member shares an email with teachers yet is kept a user of their own: more than
   * one teacher, or more than one staff member, has that email, so which teacher they are cannot be
   * told. The district should hear of it: in Clever one email is one person.
   */
  keptApartFromTeachers(staffOrdinal: number): boolean {
    return this.staffKeptApart.has(staffOrdinal);
  }

  /** A staff member's own record, unless they are a role of a teacher's record. */
  staffRecordOf(staffOrdinal: number, row: CsvRow): StaffFacts | undefined {
    return this.staffRows.has(staffOrdinal) ? undefined : this.staffFacts(staffOrdinal, row);
  }

  membersOf(row: CsvRow): SectionMembers {
    const section = this.sections.get(row.get('Section_id'));
    if (section === undefined) throw changedWhileReading(row, 'Section_id');
    const teachers = sectionTeachers(row);
    const primary = teachers[0] === undefined ? undefined : this.teachers.ordinalOf(teachers[0]);
    return {
      teachers,
      students: section.students.map((ordinal) => this.students.ids[ordinal] ?? ''),
      primaryLastName: primary === undefined ? '' : (this.teacherLastNames[primary] ?? ''),
    };
  }

  private staffFacts(staffOrdinal: number, row: CsvRow): StaffFacts {
    return { row, schools: this.staff.schoolsOf(staffOrdinal), roles: this.staffRoles.get(staffOrdinal) ?? [] };
  }

  private noteRepeat(row: CsvRow): void {
    const lines = this.repeats.get(row.header.file);
    if (lines === undefined) this.repeats.set(row.header.file, new Set([row.line]));
    else lines.add(row.line);
  }

  private requireSchool(row: CsvRow): string {
    const school = row.get('School_id');
    if (!this.schools.has(school)) throw row.error('School_id', `unknown School_id "${school}": no such school in schools.csv`);
    return school;
  }
}

function requireValues(row: CsvRow, required: readonly string[]): void {
  for (const column of required) {
    if (row.get(column) === '') throw row.error(column, `${column} is empty: every row needs a value in this column`);
  }
}

function push(map: Map<string, number[]>, key: string, value: number): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else if (!list.includes(value)) list.push(value);
}

function changedWhileReading(row: CsvRow, column: string) {
  // the value is not quoted: it may be a person's SIS number (see PeopleIndex)
  return row.error(column, 'the file changed while it was read: this value was not in it a moment ago (import again once the upload is complete)');
}
