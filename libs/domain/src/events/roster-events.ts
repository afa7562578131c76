import type { FieldChanges, Fields } from '../records/fields';

/**
 * The event catalogue. Events are plain `{ type, data }` facts in roster language; the `type`
 * literal is what is stored, so a stored type is never renamed or reused: a change of meaning is
 * a new type. Personal data always sits under `data.personal`.
 */
type Event<Type extends string, Data> = { type: Type; data: Data };

/** Full normalized record of a newly visible (or visible again) record. */
export interface SharedData {
  id: string;
  record: Fields;
  personal: Fields;
  /** True when this id was shared before, then removed, and now appears again. */
  sharedAgain: boolean;
}
/** Field-level changes; personal ones apart under `personal`. */
export interface UpdatedData {
  id: string;
  changes: FieldChanges;
  personal: FieldChanges;
}
export interface RemovedData {
  id: string;
}
export interface DemographicUpdatedData {
  id: string;
  personal: FieldChanges;
}
export interface EnrollmentData {
  sectionId: string;
  studentId: string;
}
export interface TeacherAssignedData {
  sectionId: string;
  teacherId: string;
  /** Whether this teacher is the section's primary teacher when assigned. */
  primary: boolean;
}
export interface TeacherUnassignedData {
  sectionId: string;
  teacherId: string;
  /**
   * Whether this teacher was the section's primary teacher until unassigned (a PrimaryTeacherChanged
   * after it then says `from: null`, as the section has no primary between the two). Absent on
   * events recorded before it was kept.
   */
  primary?: boolean;
}
export interface PrimaryTeacherChangedData {
  sectionId: string;
  from: string | null;
  to: string | null;
}

export type DistrictEvent =
  | Event<'DistrictShared', SharedData>
  | Event<'DistrictUpdated', UpdatedData>
  | Event<'DistrictRemoved', RemovedData>;
export type SchoolEvent =
  | Event<'SchoolShared', SharedData>
  | Event<'SchoolUpdated', UpdatedData>
  | Event<'SchoolRemoved', RemovedData>;
export type TermEvent =
  | Event<'TermShared', SharedData>
  | Event<'TermUpdated', UpdatedData>
  | Event<'TermRemoved', RemovedData>;
export type CourseEvent =
  | Event<'CourseShared', SharedData>
  | Event<'CourseUpdated', UpdatedData>
  | Event<'CourseRemoved', RemovedData>;
export type UserEvent =
  | Event<'StudentShared', SharedData>
  | Event<'StudentUpdated', UpdatedData>
  | Event<'DemographicUpdated', DemographicUpdatedData>
  | Event<'StudentRemoved', RemovedData>
  | Event<'TeacherShared', SharedData>
  | Event<'TeacherUpdated', UpdatedData>
  | Event<'TeacherRemoved', RemovedData>
  | Event<'StaffShared', SharedData>
  | Event<'StaffUpdated', UpdatedData>
  | Event<'StaffRemoved', RemovedData>
  | Event<'DistrictAdminShared', SharedData>
  | Event<'DistrictAdminUpdated', UpdatedData>
  | Event<'DistrictAdminRemoved', RemovedData>;
export type SectionEvent =
  | Event<'SectionShared', SharedData>
  | Event<'SectionUpdated', UpdatedData>
  | Event<'SectionRemoved', RemovedData>
  | Event<'StudentEnrolled', EnrollmentData>
  | Event<'StudentUnenrolled', EnrollmentData>
  | Event<'TeacherAssigned', TeacherAssignedData>
  | Event<'TeacherUnassigned', TeacherUnassignedData>
  | Event<'PrimaryTeacherChanged', PrimaryTeacherChangedData>;

export type RosterEvent = DistrictEvent | SchoolEvent | TermEvent | CourseEvent | UserEvent | SectionEvent;
export type RosterEventType = RosterEvent['type'];

export const ROSTER_EVENT_TYPES: readonly RosterEventType[] = [
  'DistrictShared', 'DistrictUpdated', 'DistrictRemoved',
  'SchoolShared', 'SchoolUpdated', 'SchoolRemoved',
  'TermShared', 'TermUpdated', 'TermRemoved',
  'CourseShared', 'CourseUpdated', 'CourseRemoved',
  'StudentShared', 'StudentUpdated', 'DemographicUpdated', 'StudentRemoved',
  'TeacherShared', 'TeacherUpdated', 'TeacherRemoved',
  'StaffShared', 'StaffUpdated', 'StaffRemoved',
  'DistrictAdminShared', 'DistrictAdminUpdated', 'DistrictAdminRemoved',
  'SectionShared', 'SectionUpdated', 'SectionRemoved',
  'StudentEnrolled', 'StudentUnenrolled', 'TeacherAssigned', 'TeacherUnassigned', 'PrimaryTeacherChanged',
];
