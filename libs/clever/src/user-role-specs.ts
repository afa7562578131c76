import type { UserRole } from '@roster-ledger/domain';
import {
  DISABILITY_CODES,
  DISABILITY_TYPES,
  FRL_STATUSES,
  GENDERS,
  GRADES,
  RACES,
  YES_NO,
} from './clever-enums';
import { calendarDate, dob, graduationYear } from './clever-dates';
import { listOf, objectOf, oneOf, text, textList } from './field-readers';
import type { PartsSpec } from './field-readers';
import { credentials, ext, location, personName } from './common-readers';

/**
 * The swagger lists these inside roles too, but they repeat the user's own values (the user's
 * `created` is copied into every role's fields instead). Real payloads repeat the user's email in
 * a student's role; a role's email that differs is kept under a key of its own (see mapUser): a
 * role's personal fields and the user's are one map, where a role's `email` would mask the user's.
 */
const USER_LEVEL_KEYS = ['district', 'name', 'email', 'created', 'last_modified'];

const STUDENT: PartsSpec = {
  fields: {
    school: text,
    schools: textList,
    grade: oneOf(GRADES),
    graduation_year: graduationYear,
    enrollments: listOf(objectOf({ school: text, start_date: calendarDate, end_date: calendarDate })),
    legacy_id: text,
    ext,
  },
  personal: {
    sis_id: text,
    student_number: text,
    state_id: text,
    dob,
    gender: oneOf(GENDERS),
    race: oneOf(RACES),
    hispanic_ethnicity: oneOf(YES_NO),
    ell_status: oneOf(YES_NO),
    frl_status: oneOf(FRL_STATUSES),
    iep_status: text,
    section_504_status: oneOf(YES_NO),
    gifted_status: oneOf(YES_NO),
    disability: objectOf({
      disability_status: oneOf(YES_NO),
      disability_type: oneOf(DISABILITY_TYPES),
      disability_code: oneOf(DISABILITY_CODES),
    }),
    home_language: text,
    home_language_code: text,
    location,
    credentials,
    preferred_name: personName,
    unweighted_gpa: text,
    weighted_gpa: text,
  },
  skip: USER_LEVEL_KEYS,
};

const TEACHER: PartsSpec = {
  fields: { school: text, schools: textList, title: text, legacy_id: text, ext },
  personal: { sis_id: text, teacher_number: text, state_id: text, credentials },
  skip: USER_LEVEL_KEYS,
};

const STAFF: PartsSpec = {
  fields: { schools: textList, title: text, department: text, roles: textList, legacy_id: text, ext },
  personal: { staff_id: text, credentials },
  skip: USER_LEVEL_KEYS,
};

const DISTRICT_ADMIN: PartsSpec = {
  fields: { title: text, legacy_id: text },
  personal: {},
  skip: USER_LEVEL_KEYS,
};

export const ROLE_SPECS: Readonly<Record<UserRole, PartsSpec>> = {
  student: STUDENT,
  teacher: TEACHER,
  staff: STAFF,
  district_admin: DISTRICT_ADMIN,
};
