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
  // a role's own address where it differs from the person's (see the Clever normalizer)
  'student_email',
  'teacher_email',
  'staff_email',
  'district_admin_email',
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
 * A record's district extension fields (Clever's `ext`): free-form, whatever a district puts there
 * (a guardian's name, a phone number, a local id). Recorded among the record's fields, as Clever
 * files them, but shown only to a reader who sees personal data in full.
 */
export const EXTENSION_FIELD = 'ext';

/** A record's fields (or one role's) without its extension fields, for a reader without full access. */
export function withoutExtensions<T extends Record<string, unknown>>(fields: T, access: PersonalAccess): T {
  if (access === 'full' || !Object.hasOwn(fields, EXTENSION_FIELD)) return fields;
  const { [EXTENSION_FIELD]: _left, ...rest } = fields;
  return rest as T;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * An event's data as a reader may see it: `personal` cut down to what the access allows, and the
 * record's extension fields (its `ext`, and changes of it) left out but in full, with
 * `personalRedacted: true` when something was left out, so a reader knows there was more.
 */
export function redactEventData(data: Record<string, unknown>, access: PersonalAccess): Record<string, unknown> {
  if (access === 'full') return data;
  let redacted = false;
  let result = data;
  const personal = data['personal'];
  if (isObject(personal)) {
    // a *Shared event carries the record's personal fields, the others changes keyed by path
    const visible = 'record' in data ? visiblePersonal(personal, access) : visiblePersonalChanges(personal, access);
    if (Object.keys(visible).length < Object.keys(personal).length) redacted = true;
    result = { ...result, personal: visible };
  }
  const record = data['record'];
  if (isObject(record) && Object.hasOwn(record, EXTENSION_FIELD)) {
    result = { ...result, record: withoutExtensions(record, access) };
    redacted = true;
  }
  const changes = data['changes'];
  if (isObject(changes)) {
    const kept = Object.fromEntries(Object.entries(changes).filter(([path]) => topField(path) !== EXTENSION_FIELD));
    if (Object.keys(kept).length < Object.keys(changes).length) {
      result = { ...result, changes: kept };
      redacted = true;
    }
  }
  return redacted ? { ...result, personalRedacted: true } : result;
}
