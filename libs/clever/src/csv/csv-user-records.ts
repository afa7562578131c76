import { normalizeCleverRecord } from '../clever-normalizer';
import type { SnapshotItem } from '../snapshot-item';
import { CONTACT_VALUE_COLUMNS } from './csv-columns';
import { csvDateOfBirth } from './csv-dates';
import type { CsvIds } from './csv-ids';
import type { CsvRow } from './csv-row-stream';
import { isCleverHomeLanguage, mapFrlStatus, mapGender, mapGrade, mapHomeLanguage, mapRace, mapYesNo } from './csv-value-mapping';

/**
 * Users as the Clever API shows them for these rows, normalized like API records. Each is built
 * from the person's first row; `school` is that row's School_id and `schools` every school of the
 * person's rows and sections, sorted by id as the API sorts them (observed on all 1,093 demo
 * students and teachers). `importYear` is the year of the import, which tells the century of a
 * two-digit year of birth (see csvDateOfBirth).
 */
export function studentItem(row: CsvRow, schools: readonly string[], ids: CsvIds, importYear: number | undefined): SnapshotItem {
  const sisId = row.get('Student_id');
  const homeLanguage = mapHomeLanguage(row.get('Home_language'));
  const raw = {
    id: ids.of('student', sisId),
    district: ids.districtId,
    name: personName(row),
    email: row.get('Student_email'),
    roles: {
      student: {
        sis_id: sisId,
        student_number: row.get('Student_number'),
        state_id: row.get('State_id'),
        school: ids.school(row.get('School_id')),
        schools: ids.schoolList(schools),
        grade: mapGrade(row.get('Grade')),
        graduation_year: row.get('Graduation_year'),
        // An ISO date, or the raw value for the normalizer to keep and report as unknown.
        dob: csvDateOfBirth(row.get('DOB'), importYear) ?? row.get('DOB'),
        gender: mapGender(row.get('Gender')),
        race: mapRace(row.get('Race')),
        hispanic_ethnicity: mapYesNo(row.get('Hispanic_Latino')),
        ell_status: mapYesNo(row.get('Ell_status')),
        frl_status: mapFrlStatus(row.get('Frl_status')),
        iep_status: mapYesNo(row.get('IEP_status')),
        home_language: homeLanguage,
        location: {
          address: row.get('Student_street'),
          city: row.get('Student_city'),
          state: row.get('Student_state'),
          zip: row.get('Student_zip'),
        },
        credentials: { district_username: row.get('Username') },
        // Clever has no school enrollment periods from SFTP: the API shows [] for every demo student.
        enrollments: [],
        unweighted_gpa: row.get('Unweighted_gpa'),
        weighted_gpa: row.get('Weighted_gpa'),
      },
    },
  };
  const item = normalizeCleverRecord('user', raw, row.origin);
  // The normalizer takes any home_language (an API record may use v3.1's other list); a CSV's
  // becomes v3.0's, so a name outside it is reported as any other value outside Clever's lists.
  return isCleverHomeLanguage(homeLanguage) ? item : withUnknownValue(item, 'student.home_language');
}

function withUnknownValue(item: SnapshotItem, label: string): SnapshotItem {
  return item.type === 'record' ? { ...item, unknownValues: [...item.unknownValues, label].sort() } : item;
}

/** What a staff member's role is built from: their first row, all their schools and `Role`s. */
export interface StaffFacts {
  row: CsvRow;
  schools: readonly string[];
  roles: readonly string[];
}

/** A teacher; `staff` is the staff member with the same email, whom Clever makes a second role of the same user. */
export function teacherItem(row: CsvRow, schools: readonly string[], ids: CsvIds, staff?: StaffFacts): SnapshotItem {
  const sisId = row.get('Teacher_id');
  const raw = {
    id: ids.of('teacher', sisId),
    district: ids.districtId,
    name: personName(row),
    email: row.get('Teacher_email'),
    roles: {
      teacher: {
        sis_id: sisId,
        teacher_number: row.get('Teacher_number'),
        state_id: row.get('State_teacher_id'),
        title: row.get('Title'),
        school: ids.school(row.get('School_id')),
        schools: ids.schoolList(schools),
        credentials: { district_username: row.get('Username') },
      },
      ...(staff === undefined ? {} : { staff: staffRole(staff, ids) }),
    },
  };
  return normalizeCleverRecord('user', raw, row.origin);
}

export function staffItem(staff: StaffFacts, ids: CsvIds): SnapshotItem {
  const { row } = staff;
  const raw = {
    id: ids.of('staff', row.get('Staff_id')),
    district: ids.districtId,
    name: personName(row),
    email: row.get('Staff_email'),
    roles: { staff: staffRole(staff, ids) },
  };
  return normalizeCleverRecord('user', raw, row.origin);
}

/**
 * A student row that names a contact: Clever makes the contact a user of its own, which the ledger
 * skips. A student on the rows of two schools repeats the same contact on each: `seen` (the
 * student and contact values met so far) counts it once.
 */
export function contactItem(row: CsvRow, seen: Set<string>): SnapshotItem | undefined {
  const values = CONTACT_VALUE_COLUMNS.map((column) => row.get(column));
  if (values.every((value) => value === '')) return undefined;
  const key = [row.get('Student_id'), ...values].join('\u0000');
  if (seen.has(key)) return undefined;
  seen.add(key);
  return { type: 'skipped', reason: 'contact', origin: row.origin };
}

function staffRole({ row, schools, roles }: StaffFacts, ids: CsvIds) {
  return {
    staff_id: row.get('Staff_id'),
    schools: ids.schoolList(schools),
    title: row.get('Title'),
    department: row.get('Department'),
    // Left out, not [], when no row has a Role.
    roles: roles.length > 0 ? [...roles] : undefined,
    credentials: { district_username: row.get('Username') },
  };
}

function personName(row: CsvRow) {
  return { first: row.get('First_name'), middle: row.get('Middle_name'), last: row.get('Last_name') };
}
