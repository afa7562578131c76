import { CURSOR_EVENT_TYPES, InvalidInput, ROSTER_EVENT_TYPES, type CursorEventType, type RosterEventType, type SyncEventType } from '@roster-ledger/domain';
import type { AuditFilter } from '../ports/read-models.port';

// a record keyed by the union makes the compiler insist on every sync event type
const SYNC_EVENT_TYPES: Record<SyncEventType, true> = {
  SyncStarted: true,
  SyncCompleted: true,
  SyncFailed: true,
  SyncHeld: true,
  SyncApproved: true,
  SyncDiscarded: true,
};

/** Every event type the audit feed can be filtered on. */
export const AUDIT_EVENT_TYPES: readonly string[] = [...ROSTER_EVENT_TYPES, ...Object.keys(SYNC_EVENT_TYPES), ...CURSOR_EVENT_TYPES];

/** The record types of the audit feed: the role for user events, enrollment for memberships, else the stream's kind. */
export const AUDIT_RECORD_TYPES: readonly string[] = [
  'district',
  'school',
  'term',
  'course',
  'section',
  'enrollment',
  'student',
  'teacher',
  'staff',
  'district_admin',
  'sync',
  // a district's Clever events cursor (EventsCursorSet, EventsCursorAdvanced)
  'cursor',
];

/**
 * The record type the audit feed files each event type under (as its projection does: the role
 * for a user's events, enrollment for memberships, else the record whose stream it is on). Keyed
 * by the union, so that the compiler insists on every event type.
 */
export const RECORD_TYPE_OF_EVENT: Readonly<Record<RosterEventType | SyncEventType | CursorEventType, string>> = {
  DistrictShared: 'district', DistrictUpdated: 'district', DistrictRemoved: 'district',
  SchoolShared: 'school', SchoolUpdated: 'school', SchoolRemoved: 'school',
  TermShared: 'term', TermUpdated: 'term', TermRemoved: 'term',
  CourseShared: 'course', CourseUpdated: 'course', CourseRemoved: 'course',
  StudentShared: 'student', StudentUpdated: 'student', DemographicUpdated: 'student', StudentRemoved: 'student',
  TeacherShared: 'teacher', TeacherUpdated: 'teacher', TeacherRemoved: 'teacher',
  StaffShared: 'staff', StaffUpdated: 'staff', StaffRemoved: 'staff',
  DistrictAdminShared: 'district_admin', DistrictAdminUpdated: 'district_admin', DistrictAdminRemoved: 'district_admin',
  SectionShared: 'section', SectionUpdated: 'section', SectionRemoved: 'section',
  StudentEnrolled: 'enrollment', StudentUnenrolled: 'enrollment', TeacherAssigned: 'enrollment', TeacherUnassigned: 'enrollment',
  // the primary teacher is a property of the section, not a membership
  PrimaryTeacherChanged: 'section',
  SyncStarted: 'sync', SyncCompleted: 'sync', SyncFailed: 'sync', SyncHeld: 'sync', SyncApproved: 'sync', SyncDiscarded: 'sync',
  EventsCursorSet: 'cursor', EventsCursorAdvanced: 'cursor',
};

/** A list filter as a person gave it: the parameter's name (`types`, `--record-types`) and its values. */
export interface GivenList {
  parameter: string;
  values: readonly string[] | undefined;
}

/**
 * Why event types and record types given together can never match (no type asked for is filed
 * under any record type asked for), in the parameters' own names, or null when they can, or when
 * either is not given. An empty feed would read as "nothing happened". A value that is no type
 * at all is left to the check of its own list.
 */
export function unmatchableTypesProblem(types: GivenList, recordTypes: GivenList): string | null {
  if (!types.values?.length || !recordTypes.values?.length) return null;
  const filed = new Map<string, string[]>();
  for (const type of types.values) {
    const recordType = (RECORD_TYPE_OF_EVENT as Record<string, string | undefined>)[type];
    if (recordType === undefined || recordTypes.values.includes(recordType)) return null;
    filed.set(recordType, [...(filed.get(recordType) ?? []), type]);
  }
  const why = [...filed].map(([recordType, of]) => `${of.join(', ')} ${of.length === 1 ? 'is' : 'are'} filed under ${recordType}`).join('; ');
  return `${types.parameter} ${types.values.join(',')} can never be of ${recordTypes.parameter} ${recordTypes.values.join(',')}: ${why}`;
}

/**
 * What is wrong with a list of filter values, or null when every one is `allowed`: the values
 * that are not, and what is expected. Shared by the API's validation and the CLI's options.
 */
export function unknownListValues(values: readonly unknown[], allowed: readonly string[], what: string): string | null {
  const wrong = values.filter((v) => !allowed.includes(v as string));
  if (wrong.length === 0) return null;
  // a value right but for its case (studentshared) is told the name it stands for, not left to find in the list
  const cased = wrong.flatMap((v) => {
    const meant = typeof v === 'string' ? allowed.find((a) => a.toLowerCase() === v.toLowerCase()) : undefined;
    return meant === undefined ? [] : [meant];
  });
  const didYouMean = cased.length === 0 ? '' : ` (names are case-sensitive: did you mean ${cased.join(', ')}?)`;
  return `${wrong.map((v) => JSON.stringify(v)).join(', ')} ${wrong.length === 1 ? 'is not' : 'are not'} ${what}${didYouMean}; expected ${allowed.join(', ')}`;
}

/**
 * @throws InvalidInput when the filter's event types can never be of its record types: the
 * edges say so first, in their own names (see unmatchableTypesProblem).
 */
export function checkAuditTypes({ types, recordTypes }: Pick<AuditFilter, 'types' | 'recordTypes'>): void {
  const problem = unmatchableTypesProblem({ parameter: 'types', values: types }, { parameter: 'recordTypes', values: recordTypes });
  if (problem !== null) throw new InvalidInput(problem, { field: 'recordTypes' });
}

/**
 * @throws InvalidInput when the filter's time range is empty (`from` not before `to`): a reversed
 * range would answer with an empty feed that reads as "nothing changed".
 */
export function checkAuditRange({ from, to }: Pick<AuditFilter, 'from' | 'to'>): void {
  if (from !== undefined && to !== undefined && Date.parse(from) >= Date.parse(to)) {
    throw new InvalidInput(`from (${from}) must be before to (${to}): the range holds no moment`, { field: 'to' });
  }
}
