import type { Fields } from '../records/fields';
import { topField } from '../records/field-changes';

/**
 * How much of a person's personal data a reader may see:
 * - `none`: ids and roster facts only (engineers);
 * - `identity`: what it takes to find and recognise a person: names, emails, SIS/student/state
 *   numbers, usernames (support);
 * - `full`: everything, demographics, dates of birth and addresses included (compliance, admins).
 */
export type PersonalAccess = 'none' | 'identity' | 'full';

/** Personal fields that identify a person, as opposed to describing them. */
export const IDENTITY_FIELDS: readonly string[] = [
  'name',
  'email',
  'sis_id',
  'student_number',
  'state_id',
  'teacher_number',
  'staff_id',
  'credentials',
  'preferred_name',
];

/** Keeps the personal fields of a record (or of one role of a person) a reader may see. */
export function visiblePersonal<T extends Fields | Record<string, unknown>>(personal: T, access: PersonalAccess): Partial<T> {
  return keepVisible(personal, access, (key) => key);
}

/** Keeps the changes of personal fields (keyed by dotted path) a reader may see: judged by the field each path starts with. */
export function visiblePersonalChanges<T extends Record<string, unknown>>(changes: T, access: PersonalAccess): Partial<T> {
  return keepVisible(changes, access, topField);
}

function keepVisible<T extends Record<string, unknown>>(personal: T, access: PersonalAccess, fieldOf: (key: string) => string): Partial<T> {
  if (access === 'full') return personal;
  if (access === 'none') return {};
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(personal)) {
    if (IDENTITY_FIELDS.includes(fieldOf(key))) kept[key] = value;
  }
  return kept as Partial<T>;
}

/**
 * An event's data as a reader may see it: `personal` cut down to what the access allows, with
 * `personalRedacted: true` when something was left out, so a reader knows there was more.
 */
export function redactEventData(data: Record<string, unknown>, access: PersonalAccess): Record<string, unknown> {
  const personal = data['personal'];
  if (access === 'full' || typeof personal !== 'object' || personal === null) return data;
  // a *Shared event carries the record's personal fields, the others changes keyed by path
  const visible = 'record' in data ? visiblePersonal(personal as Record<string, unknown>, access) : visiblePersonalChanges(personal as Record<string, unknown>, access);
  const redacted = Object.keys(visible).length < Object.keys(personal).length;
  return { ...data, personal: visible, ...(redacted ? { personalRedacted: true } : {}) };
}
