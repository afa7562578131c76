import { categoryOf, roleOfUserEvent } from '@roster-ledger/domain';
import { RECORD_TYPE_OF_EVENT, type RecordedEvent, type TimelineKind } from '@roster-ledger/ledger';

/** Whose timeline an event belongs on. */
export interface Subject {
  kind: TimelineKind;
  id: string;
}

const TIMELINE_KINDS: readonly string[] = ['user', 'section', 'school', 'district', 'term', 'course'] satisfies TimelineKind[];
const idOf = (data: Record<string, unknown>, key: string): string | null => (typeof data[key] === 'string' ? (data[key] as string) : null);

/** The record an event is about: its stream's category and id. */
export function recordOf(event: Pick<RecordedEvent, 'streamId'>): Subject | null {
  const kind = categoryOf(event.streamId);
  if (!TIMELINE_KINDS.includes(kind)) return null;
  return { kind: kind as TimelineKind, id: event.streamId.slice(kind.length + 1) };
}

/**
 * The timelines an event appears on besides its own record's (`recordOf`, whose timeline is its
 * stream): the people a section event names
 * (a student enrolled shows on the student's timeline too), and the record's schools for its
 * shares, updates and removals.
 */
export function linkedSubjectsOf(event: Pick<RecordedEvent, 'streamId' | 'type' | 'data'>, schools: readonly string[]): Subject[] {
  const own = recordOf(event);
  if (!own) return [];
  const subjects: Subject[] = [];
  const data = event.data as Record<string, unknown>;
  for (const key of ['studentId', 'teacherId', 'from', 'to']) {
    const person = idOf(data, key);
    if (own.kind === 'section' && person) subjects.push({ kind: 'user', id: person });
  }
  const reachesSchool = (own.kind === 'user' || own.kind === 'section') && canMoveSchools(event) && event.type !== 'DemographicUpdated';
  if (reachesSchool) for (const school of schools) subjects.push({ kind: 'school', id: school });
  return subjects;
}

/**
 * The record type an audit reader filters on, as the audit filters know it (RECORD_TYPE_OF_EVENT:
 * the role for user events, enrollment for memberships, else the record's); the stream's category
 * for an event type the catalogue does not hold.
 */
export function recordTypeOf(event: Pick<RecordedEvent, 'streamId' | 'type'>): string {
  return (RECORD_TYPE_OF_EVENT as Readonly<Record<string, string>>)[event.type] ?? categoryOf(event.streamId);
}

/**
 * Whether an event can move its record's schools: a share, an update or a removal. Enrollments
 * (most of the log) cannot: they are filed under the schools their section has.
 */
export function canMoveSchools(event: Pick<RecordedEvent, 'type'>): boolean {
  return MOVES_SCHOOLS.test(event.type);
}
const MOVES_SCHOOLS = /(Shared|Updated|Removed)$/;

/** Where one facet of a record belongs: a user's role, or a section itself. */
export interface FacetSchools {
  school: string | null;
  schools: string[];
}
/** The schools of each facet of a user (by role) or of a section (one facet, `section`). */
export type RecordSchools = Record<string, FacetSchools>;

/** The facet an event of a user or section stream is about. */
export function facetOf(event: Pick<RecordedEvent, 'streamId' | 'type'>): string | null {
  if (event.streamId.startsWith('section-')) return 'section';
  if (event.streamId.startsWith('user-')) return roleOfUserEvent(event.type) ?? null;
  return null;
}

const unique = (list: (string | null)[]): string[] => [...new Set(list.filter((s): s is string => s !== null))];
export const schoolsOfFacet = (f: FacetSchools | undefined): string[] => (f ? unique([f.school, ...f.schools]) : []);

/**
 * Folds an event into a record's schools, per facet, so that a teacher's move does not move their
 * staff role and a section's new school replaces its old one. Returns a new object.
 */
export function evolveRecordSchools(current: RecordSchools, event: Pick<RecordedEvent, 'streamId' | 'type' | 'data'>): RecordSchools {
  const facet = facetOf(event);
  if (facet === null) return current;
  const data = event.data as Record<string, unknown>;
  const asString = (v: unknown) => (typeof v === 'string' ? v : null);
  const asList = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  if (event.type.endsWith('Shared') && typeof data['record'] === 'object' && data['record'] !== null) {
    const record = data['record'] as Record<string, unknown>;
    return { ...current, [facet]: { school: asString(record['school']), schools: asList(record['schools']) } };
  }
  if (event.type.endsWith('Removed')) {
    const { [facet]: _gone, ...rest } = current;
    return rest;
  }
  const changes = data['changes'] as Record<string, { to: unknown }> | undefined;
  const before = current[facet];
  if (!before || !changes || !('school' in changes || 'schools' in changes)) return current;
  return {
    ...current,
    [facet]: {
      school: 'school' in changes ? asString(changes['school']!.to) : before.school,
      schools: 'schools' in changes ? asList(changes['schools']!.to) : before.schools,
    },
  };
}

/**
 * The schools an event is filed under: those of its facet before and after it (a share under the
 * new schools, a removal under the old ones, a move under both).
 */
export function schoolsOfEvent(before: RecordSchools, after: RecordSchools, event: Pick<RecordedEvent, 'streamId' | 'type'>): string[] {
  const facet = facetOf(event);
  if (facet === null) return [];
  return unique([...schoolsOfFacet(before[facet]), ...schoolsOfFacet(after[facet])]);
}
