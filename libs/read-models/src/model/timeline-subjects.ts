import { categoryOf, roleOfUserEvent } from '@roster-ledger/domain';
import type { RecordedEvent } from '@roster-ledger/ledger';

/** Whose timeline an event belongs on. */
export type TimelineKind = 'user' | 'section' | 'school' | 'district' | 'term' | 'course';
export interface Subject {
  kind: TimelineKind;
  id: string;
}

const TIMELINE_KINDS: readonly string[] = ['user', 'section', 'school', 'district', 'term', 'course'];
const idOf = (data: Record<string, unknown>, key: string): string | null => (typeof data[key] === 'string' ? (data[key] as string) : null);

/** The record an event is about: its stream's category and id. */
export function recordOf(event: Pick<RecordedEvent, 'streamId'>): Subject | null {
  const kind = categoryOf(event.streamId);
  if (!TIMELINE_KINDS.includes(kind)) return null;
  return { kind: kind as TimelineKind, id: event.streamId.slice(kind.length + 1) };
}

/**
 * Every timeline an event appears on: its own record's, the people a section event names
 * (a student enrolled shows on the student's timeline too), and the schools of the record
 * (`schools` are the record's schools as known when the event happened).
 */
export function subjectsOf(event: Pick<RecordedEvent, 'streamId' | 'type' | 'data'>, schools: readonly string[]): Subject[] {
  const own = recordOf(event);
  if (!own) return [];
  const subjects: Subject[] = [own];
  const data = event.data as Record<string, unknown>;
  for (const key of ['studentId', 'teacherId', 'from', 'to']) {
    const person = idOf(data, key);
    if (own.kind === 'section' && person) subjects.push({ kind: 'user', id: person });
  }
  const reachesSchool =
    (own.kind === 'user' || own.kind === 'section') && /(Shared|Updated|Removed)$/.test(event.type) && event.type !== 'DemographicUpdated';
  if (reachesSchool) for (const school of schools) subjects.push({ kind: 'school', id: school });
  return subjects;
}

/** The record type an audit reader filters on: the role for user events, else the stream's category. */
export function recordTypeOf(event: Pick<RecordedEvent, 'streamId' | 'type'>): string {
  const category = categoryOf(event.streamId);
  if (category === 'user') return roleOfUserEvent(event.type) ?? 'user';
  if (category === 'section' && /^(Student|Teacher)(Enrolled|Unenrolled|Assigned|Unassigned)$/.test(event.type)) return 'enrollment';
  return category;
}

/**
 * The schools of a user or section after an event, when the event says (a share, or an update of
 * `school`/`schools`); undefined when it does not.
 */
export function schoolsAfter(event: Pick<RecordedEvent, 'type' | 'data'>, before: readonly string[]): string[] | undefined {
  const data = event.data as Record<string, unknown>;
  const fromFields = (fields: Record<string, unknown>): string[] => {
    const list = new Set<string>();
    if (typeof fields['school'] === 'string') list.add(fields['school']);
    if (Array.isArray(fields['schools'])) for (const s of fields['schools']) if (typeof s === 'string') list.add(s);
    return [...list];
  };
  if (event.type.endsWith('Shared') && typeof data['record'] === 'object' && data['record'] !== null) {
    return [...new Set([...(event.type === 'SectionShared' ? [] : before), ...fromFields(data['record'] as Record<string, unknown>)])];
  }
  const changes = data['changes'] as Record<string, { to: unknown }> | undefined;
  if (changes && ('school' in changes || 'schools' in changes)) {
    const now: Record<string, unknown> = {};
    if (changes['school']) now['school'] = changes['school'].to;
    if (changes['schools']) now['schools'] = changes['schools'].to;
    return [...new Set([...fromFields(now), ...(changes['schools'] ? [] : before)])];
  }
  return undefined;
}
