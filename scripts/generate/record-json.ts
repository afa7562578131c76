import { cleverDob, graduationYear, isoTimestamp } from './calendar';
import { cell } from './columns';
import { GRADE_LABELS, gradeLabel, levelAt, SUBJECT, SUBJECT_TITLES, SUBJECTS } from './curriculum';
import { BOROUGHS, FRL_STATUSES, GENDERS, HOME_LANGUAGES, RACES, YES_NO } from './demographics';
import type { DistrictState } from './district-state';
import {
  DEPARTMENTS,
  DISTRICT_ADMIN_TITLES,
  FIRST_NAMES,
  FIRST_NAMES_JSON,
  FIRST_NAMES_LOGIN,
  LAST_NAMES,
  LAST_NAMES_JSON,
  LAST_NAMES_LOGIN,
  MIDDLE_INITIALS,
  SPECIALIST_TITLES,
  STAFF_ONLY_TITLES,
  STAFF_PERMISSION_ROLES,
  STAFF_TITLES,
} from './name-lists';
import { membersOf } from './section-plan';
import { NONE, STAFF_ROLE } from './staff-plan';

/**
 * One Clever v3.0 object as JSON text, in the key order of Clever's demo files. Users and
 * sections (millions of them) are built with template strings from pre-escaped pieces; the few
 * districts, schools, terms and courses go through JSON.stringify.
 */
export class RecordJson {
  private readonly districtId: string;
  private readonly snapshotIso: string;
  private readonly studentDomain: string;
  /** Each school's id as a JSON string literal, for the schools arrays. */
  private readonly schoolIdsJson: string[];

  constructor(private readonly state: DistrictState) {
    this.districtId = state.district.id;
    this.snapshotIso = isoTimestamp(state.snapshotMs);
    this.studentDomain = `students.${state.district.domain}`;
    this.schoolIdsJson = state.schools.ids.map((id) => `"${id}"`);
  }

  district(): string {
    const { district, staff } = this.state;
    const contact = district.contact;
    return JSON.stringify({
      name: district.name,
      portal_url: `https://clever.com/in/${district.portalSlug}`,
      sis_type: 'sftp',
      error: '',
      launch_date: '2017-08-15',
      district_contact: {
        title: DISTRICT_ADMIN_TITLES[cell(staff.title, contact)] ?? '',
        district: district.id,
        email: this.staffEmail(contact),
        name: { first: FIRST_NAMES[cell(staff.first, contact)], last: LAST_NAMES[cell(staff.last, contact)] },
        // Observed in Clever's demo: the contact's id is a district admin's legacy_id (clever-data.md §3.2).
        id: staff.legacyIds[contact],
      },
      state: 'success',
      last_sync: this.snapshotIso,
      login_methods: ['Clever Badges', 'Clever Passwords', 'Google'],
      mdr_number: String(10_000_000 + (parseInt(district.id.slice(8, 14), 16) % 89_999_999)),
      nces_id: '3620580',
      id: district.id,
    });
  }

  school(row: number): string {
    const { schools, staff } = this.state;
    const level = levelAt(cell(schools.level, row));
    const principal = cell(schools.principal, row);
    const borough = BOROUGHS[cell(schools.borough, row)];
    const created = isoTimestamp(cell(schools.createdMs, row));
    return JSON.stringify({
      created,
      district: this.districtId,
      ext: {},
      high_grade: gradeLabel(level.highGrade),
      id: schools.ids[row],
      last_modified: cell(schools.modified, row) === 1 ? this.snapshotIso : created,
      location: { address: schools.addresses[row], city: borough?.city, state: 'NY', zip: String(cell(schools.zip, row)) },
      low_grade: gradeLabel(level.lowGrade),
      mdr_number: String(20_000_000 + row * 37),
      name: schools.names[row],
      nces_id: `36${String(200_000_000 + row).padStart(10, '0')}`,
      phone: schools.phones[row],
      principal:
        principal < 0
          ? {}
          : { email: this.staffEmail(principal), name: `${FIRST_NAMES[cell(staff.first, principal)]} ${LAST_NAMES[cell(staff.last, principal)]}` },
      school_number: schools.numbers[row],
      sis_id: schools.numbers[row],
      state_id: String(300_000_000_000 + row * 101),
    });
  }

  term(index: number): string {
    const term = this.state.terms[index];
    if (term === undefined) throw new RangeError(`no term ${index}`);
    return JSON.stringify({ district: this.districtId, end_date: term.end, id: term.id, name: term.name, start_date: term.start });
  }

  course(index: number): string {
    const course = this.state.courses[index];
    if (course === undefined) throw new RangeError(`no course ${index}`);
    return JSON.stringify({ district: this.districtId, id: course.id, name: course.def.name, number: course.def.number });
  }

  student(row: number): string {
    const s = this.state.students;
    const created = isoTimestamp(cell(s.createdMs, row));
    const lastModified = cell(s.modified, row) === 1 ? this.snapshotIso : created;
    const first = cell(s.first, row);
    const last = cell(s.last, row);
    const middle = cell(s.middle, row);
    const serial = cell(s.ordinal, row);
    const sis = String(100_000_000 + ((serial * 104_729 + this.state.district.sisOffset) % 900_000_000));
    const stateId = String(100_000_000 + ((serial * 15_485_863 + this.state.district.stateOffset) % 900_000_000));
    const emailVariant = cell(s.emailVariant, row);
    const email =
      cell(s.hasEmail, row) === 1
        ? `${FIRST_NAMES_LOGIN[first]}.${LAST_NAMES_LOGIN[last]}${sis.slice(-5)}${emailVariant === 0 ? '' : emailVariant}@${this.studentDomain}`
        : undefined;
    const usernameVariant = cell(s.usernameVariant, row);
    const username = `${FIRST_NAMES_LOGIN[cell(s.loginFirst, row)]}${(LAST_NAMES_LOGIN[cell(s.loginLast, row)] ?? '').charAt(0)}${sis.slice(-4)}${usernameVariant === 0 ? '' : `_${usernameVariant}`}`;
    const grade = cell(s.grade, row);
    const second = cell(s.secondSchool, row);
    const school = this.state.schools.ids[cell(s.school, row)];
    const schools = second < 0 ? `"${school}"` : `"${school}",${this.schoolIdsJson[second]}`;
    return (
      `{"created":"${created}","district":"${this.districtId}",${email === undefined ? '' : `"email":"${email}",`}` +
      `"last_modified":"${lastModified}","name":{"first":${FIRST_NAMES_JSON[first]},"last":${LAST_NAMES_JSON[last]}` +
      `${middle === 0 ? '' : `,"middle":"${MIDDLE_INITIALS[middle]}"`}},"id":"${s.ids[row]}","roles":{"student":{` +
      `"credentials":{"district_username":"${username}"},"dob":"${cleverDob(cell(s.dob, row))}",` +
      `"ell_status":"${YES_NO[cell(s.ell, row)]}","enrollments":[],"frl_status":"${FRL_STATUSES[cell(s.frl, row)]}",` +
      `"gender":"${GENDERS[cell(s.gender, row)]}","grade":"${GRADE_LABELS[grade]}","graduation_year":"${graduationYear(grade)}",` +
      `"hispanic_ethnicity":"${YES_NO[cell(s.hispanic, row)]}","home_language":"${HOME_LANGUAGES[cell(s.language, row)]}",` +
      `"iep_status":"${YES_NO[cell(s.iep, row)]}","location":{"address":"","city":"${BOROUGHS[cell(s.borough, row)]?.city}",` +
      `"state":"NY","zip":"${cell(s.zip, row)}"},"race":"${RACES[cell(s.race, row)]}","school":"${school}","schools":[${schools}],` +
      `"sis_id":"${sis}","state_id":"${stateId}","student_number":"${sis}"` +
      // Real payloads repeat the email inside the student role (clever-data.md §3.4).
      `${email === undefined ? '' : `,"email":"${email}"`}}}}`
    );
  }

  /** A teacher, staff member or district admin; a teacher with a staff role is one user with both roles. */
  staff(row: number): string {
    const s = this.state.staff;
    const created = isoTimestamp(cell(s.createdMs, row));
    const lastModified = cell(s.modified, row) === 1 ? this.snapshotIso : created;
    const middle = cell(s.middle, row);
    const role = cell(s.role, row);
    const serial = cell(s.serial, row);
    const username = this.staffEmail(row).split('@')[0];
    const legacyId = s.legacyIds[row];
    let roles: string;
    if (role === STAFF_ROLE.districtAdmin) {
      roles = `"district_admin":{"legacy_id":"${legacyId}","title":${JSON.stringify(DISTRICT_ADMIN_TITLES[cell(s.title, row)] ?? '')}}`;
    } else {
      const school = this.schoolIdsJson[cell(s.school, row)];
      const second = cell(s.secondSchool, row);
      const schools = second < 0 ? `${school}` : `${school},${this.schoolIdsJson[second]}`;
      const stateId = String(100_000_000 + ((serial * 7_919 + this.state.district.stateOffset) % 900_000_000));
      const staffRole = (title: string) =>
        `"staff":{"credentials":{"district_username":"${username}"},"department":${JSON.stringify(DEPARTMENTS[cell(s.department, row)] ?? '')},` +
        `"legacy_id":"${legacyId}","roles":[${JSON.stringify(STAFF_PERMISSION_ROLES[cell(s.permission, row)] ?? 'Staff')}],` +
        `"schools":[${schools}],"staff_id":"S${serial}","title":${JSON.stringify(title)}}`;
      if (role === STAFF_ROLE.staff) {
        const title = cell(s.title, row);
        roles = staffRole(title === NONE ? 'Principal' : (STAFF_ONLY_TITLES[title] ?? 'Staff'));
      } else {
        roles =
          `"teacher":{"credentials":{"district_username":"${username}"},"legacy_id":"${legacyId}","school":${school},` +
          `"schools":[${schools}],"sis_id":"${serial}","state_id":"${stateId}","teacher_number":"T${serial}",` +
          `"title":${JSON.stringify(this.teacherTitle(row))}}` +
          (role === STAFF_ROLE.teacherAndStaff ? `,${staffRole(STAFF_TITLES[cell(s.staffTitle, row)] ?? 'Staff')}` : '');
      }
    }
    return (
      `{"created":"${created}","district":"${this.districtId}","email":"${this.staffEmail(row)}",` +
      `"last_modified":"${lastModified}","name":{"first":${FIRST_NAMES_JSON[cell(s.first, row)]},"last":${LAST_NAMES_JSON[cell(s.last, row)]}` +
      `${middle === 0 ? '' : `,"middle":"${MIDDLE_INITIALS[middle]}"`}},"id":"${s.ids[row]}","roles":{${roles}}}`
    );
  }

  section(row: number): string {
    const { sections, staff, courses, terms, schools } = this.state;
    const created = isoTimestamp(cell(sections.createdMs, row));
    const teacher = cell(sections.teacher, row);
    const coTeacher = cell(sections.coTeacher, row);
    const teacherId = staff.ids[teacher];
    const course = courses[cell(sections.course, row)];
    const period = cell(sections.period, row);
    // Clever generates "<course name> - <teacher last name> - <period>" when a course name exists (clever-data.md §3.5).
    const name = `${course?.def.name} - ${LAST_NAMES[cell(staff.last, teacher)]} - ${period}`;
    const studentIds = this.state.students.ids;
    let students = '';
    for (const student of membersOf(sections, row)) students += students === '' ? `"${studentIds[student]}"` : `,"${studentIds[student]}"`;
    return (
      `{"course":"${course?.id}","created":"${created}","district":"${this.districtId}","grade":"${GRADE_LABELS[cell(sections.grade, row)]}",` +
      `"last_modified":"${cell(sections.modified, row) === 1 ? this.snapshotIso : created}","name":${JSON.stringify(name)},` +
      `"period":"${period}","school":"${schools.ids[cell(sections.school, row)]}","section_number":"${cell(sections.number, row)}",` +
      `"sis_id":"${cell(sections.sisNumber, row)}","students":[${students}],"subject":"${SUBJECTS[cell(sections.subject, row)]}",` +
      `"teacher":"${teacherId}","teachers":["${teacherId}"${coTeacher < 0 ? '' : `,"${staff.ids[coTeacher]}"`}],` +
      `"term_id":"${terms[cell(sections.term, row)]?.id}","id":"${sections.ids[row]}"}`
    );
  }

  /** Staff emails and usernames: first initial, surname, serial (unique, as districts make them). */
  private staffEmail(row: number): string {
    const s = this.state.staff;
    const variant = cell(s.emailVariant, row);
    const first = (FIRST_NAMES_LOGIN[cell(s.first, row)] ?? '').charAt(0);
    return `${first}${LAST_NAMES_LOGIN[cell(s.last, row)]}${cell(s.serial, row)}${variant === 0 ? '' : `.${variant}`}@${this.state.district.domain}`;
  }

  private teacherTitle(row: number): string {
    const s = this.state.staff;
    const subject = cell(s.subject, row);
    if (subject === NONE) return SPECIALIST_TITLES[cell(s.title, row)] ?? 'Teacher';
    const grade = cell(s.grade, row);
    const gradeWords = grade === 0 ? 'Kindergarten' : `Grade ${grade}`;
    return subject === SUBJECT.homeroom ? `${gradeWords} Teacher` : `${gradeWords} ${SUBJECT_TITLES[subject]} Teacher`;
  }
}
