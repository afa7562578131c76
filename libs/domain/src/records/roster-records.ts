import type { Fields } from './fields';

/** Kinds of Clever record the ledger keeps, one event stream per record. */
export const RECORD_KINDS = ['district', 'school', 'term', 'course', 'user', 'section'] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

/** User roles the ledger records. Contacts are read but skipped (and counted) for now. */
export const USER_ROLES = ['student', 'teacher', 'staff', 'district_admin'] as const;
export type UserRole = (typeof USER_ROLES)[number];

/**
 * Every record is split in two: `fields` (ids, school ids, grade, names of classes, ...) and
 * `personal` (names, emails, dob, SIS/student/state numbers, demographics, location, usernames),
 * so that personal data always travels under one key and can be shredded later on its own.
 */
export interface RecordParts {
  fields: Fields;
  personal: Fields;
}

interface RecordBase extends RecordParts {
  id: string;
  districtId: string;
  /** Clever's own clock: when Clever says the record last changed, if it says so. */
  lastModified?: string;
}

export interface DistrictRecord extends RecordBase {
  kind: 'district';
}
export interface SchoolRecord extends RecordBase {
  kind: 'school';
}
export interface TermRecord extends RecordBase {
  kind: 'term';
}
export interface CourseRecord extends RecordBase {
  kind: 'course';
}

/** A section (class). Membership is kept apart from the fields: it becomes enrollment events. */
export interface SectionRecord extends RecordBase {
  kind: 'section';
  /** Teacher user ids, primary teacher first (Clever's `teachers`, with `teacher` moved to the front). */
  teachers: string[];
  /** Student user ids (Clever's `students`: this is the enrollment list). */
  students: string[];
}

/**
 * A Clever user. One person may hold several roles under one id; each role is recorded as its own
 * facet (StudentShared, TeacherShared, ...). The user-level `personal` fields (name, email) belong to
 * the person and are carried in whichever role's event reports them (see snapshot-diff).
 */
export interface UserRecord extends RecordBase {
  kind: 'user';
  roles: Partial<Record<UserRole, RecordParts>>;
}

export type RosterRecord =
  | DistrictRecord
  | SchoolRecord
  | TermRecord
  | CourseRecord
  | SectionRecord
  | UserRecord;

/** Stream of a record: `{kind}-{id}`. The category never contains a dash. */
export function streamIdOf(kind: RecordKind | 'sync', id: string): string {
  return `${kind}-${id}`;
}

/** Demographic fields of a student: their changes go to DemographicUpdated, never StudentUpdated. */
export const DEMOGRAPHIC_FIELDS: readonly string[] = [
  'race',
  'gender',
  'hispanic_ethnicity',
  'ell_status',
  'frl_status',
  'iep_status',
  'section_504_status',
  'gifted_status',
  'disability',
  'home_language',
  'home_language_code',
];
