import type { FieldOwner, PartialCoverage } from '@roster-ledger/domain';
import { SECTIONS, STAFF, TEACHERS } from './csv-columns';
import type { CsvFile, CsvFolder } from './csv-folder';

/**
 * The field each optional column gives, as a dotted path under its owner (a user's own fields,
 * such as `email`, go with the role whose file gives them). A column left out here gives no field
 * of its own: a section's name, term and course are made from several columns (and terms and
 * courses are not covered at all without theirs), a contact is not recorded.
 */
const COLUMN_FIELDS: readonly { files: (folder: CsvFolder) => CsvFile[]; owner: FieldOwner; fields: Readonly<Record<string, string>> }[] = [
  {
    files: (folder) => [folder.schools],
    owner: 'school',
    fields: {
      School_number: 'school_number',
      State_id: 'state_id',
      Nces_id: 'nces_id',
      Mdr_number: 'mdr_number',
      Low_grade: 'low_grade',
      High_grade: 'high_grade',
      Principal: 'principal.name',
      Principal_email: 'principal.email',
      School_address: 'location.address',
      School_city: 'location.city',
      School_state: 'location.state',
      School_zip: 'location.zip',
      School_phone: 'phone',
    },
  },
  {
    files: (folder) => [folder.students],
    owner: 'student',
    fields: {
      Middle_name: 'name.middle',
      Student_number: 'student_number',
      State_id: 'state_id',
      Grade: 'grade',
      Gender: 'gender',
      DOB: 'dob',
      Race: 'race',
      Hispanic_Latino: 'hispanic_ethnicity',
      Home_language: 'home_language',
      Ell_status: 'ell_status',
      Frl_status: 'frl_status',
      IEP_status: 'iep_status',
      Student_street: 'location.address',
      Student_city: 'location.city',
      Student_state: 'location.state',
      Student_zip: 'location.zip',
      Student_email: 'email',
      Graduation_year: 'graduation_year',
      Username: 'credentials.district_username',
      Unweighted_gpa: 'unweighted_gpa',
      Weighted_gpa: 'weighted_gpa',
    },
  },
  {
    files: (folder) => [folder.teachers],
    owner: 'teacher',
    fields: {
      Middle_name: 'name.middle',
      Teacher_number: 'teacher_number',
      State_teacher_id: 'state_id',
      Teacher_email: 'email',
      Title: 'title',
      Username: 'credentials.district_username',
    },
  },
  {
    // staff.csv and the deprecated admins.csv, those present
    files: (folder) => folder.staff,
    owner: 'staff',
    fields: {
      First_name: 'name.first',
      Last_name: 'name.last',
      Department: 'department',
      Title: 'title',
      Username: 'credentials.district_username',
      Role: 'roles',
    },
  },
  { files: (folder) => [folder.sections], owner: 'section', fields: { Section_number: 'section_number', Grade: 'grade', Subject: 'subject' } },
];

/**
 * What an upload does not have of what it covers, for the ledger to leave as it holds it. Clever
 * keeps an uploaded file until a new one replaces it, so an upload without staff.csv (nor the
 * deprecated admins.csv) says nothing of staff; and a column left out of a file says nothing of
 * its values (an exporter dropping a column would otherwise clear it for every record).
 * Undefined when the upload has every file and column.
 */
export function partialCoverage(folder: CsvFolder): PartialCoverage | undefined {
  const partial: PartialCoverage = {};
  if (folder.staff.length === 0) partial.roles = { staff: STAFF.file };
  // a staff member is a teacher's second role by Teacher_email: without it, no teacher's staff role
  // can be told, and staff rows would be split off as people of their own; the label says that
  // staff.csv, though sent, was not applied (its new and changed staff are not recorded)
  else if (!folder.teachers.header.has('Teacher_email')) partial.roles = { staff: `${STAFF.file}, not applied: ${TEACHERS.file} has no Teacher_email` };
  for (const { files: filesOf, owner, fields } of COLUMN_FIELDS) {
    const files = filesOf(folder);
    if (files.length === 0) continue;
    for (const [column, path] of Object.entries(fields)) {
      // of staff, read from staff.csv and admins.csv: a column one of them lacks (its rows would clear it)
      const lacking = files.find((file) => !file.header.has(column));
      if (lacking === undefined) continue;
      ((partial.fields ??= {})[owner] ??= {})[path] = `${lacking.spec.file} ${column}`;
    }
  }
  // a section's term and course are made from columns of their own: an upload without them names
  // none (and covers no terms or courses, see coversTerms), which says nothing of the sections' own
  if (!coversTerms(folder)) ((partial.fields ??= {}).section ??= {})['term_id'] = `${SECTIONS.file} ${TERM_COLUMNS.join('/')}`;
  if (!coversCourses(folder)) ((partial.fields ??= {}).section ??= {})['course'] = `${SECTIONS.file} Course_name`;
  // a section's name is `<course> - <primary's last name> - <period>`, or its Name column without a
  // course name: without Period the period is kept; without Name and Course_name, the name
  const sections = folder.sections.header;
  // (the name it is part of is still read: keeping it would drop a rename the same upload gives)
  if (!sections.has('Period')) ((partial.fields ??= {}).section ??= {})['period'] = `${SECTIONS.file} Period`;
  if (!sections.has('Name') && !coversCourses(folder)) ((partial.fields ??= {}).section ??= {})['name'] = `${SECTIONS.file} Name`;
  return partial.roles === undefined && partial.fields === undefined ? undefined : partial;
}

const TERM_COLUMNS = ['Term_name', 'Term_start', 'Term_end'];

/** Whether an upload gives terms: Clever makes them from a section's Term_* columns, any of them. */
export function coversTerms(folder: CsvFolder): boolean {
  return TERM_COLUMNS.some((column) => folder.sections.header.has(column));
}

/** Whether an upload gives courses: Clever makes them from a section's Course_name. */
export function coversCourses(folder: CsvFolder): boolean {
  return folder.sections.header.has('Course_name');
}
