import { USER_ROLES } from '@roster-ledger/domain';
import type { Fields, RecordParts, UserRecord, UserRole } from '@roster-ledger/domain';
import { isAtLeast } from './api/version-coverage';
import { moment } from './clever-dates';
import { anyJson, isNoValue, isPlainObject, put, splitParts, text, typeName } from './field-readers';
import type { PartsSpec, RecordContext } from './field-readers';
import { personName } from './common-readers';
import { HEADER_KEYS } from './record-header';
import type { RecordHeader } from './record-header';
import { ROLE_SPECS } from './user-role-specs';

export const USER: PartsSpec = {
  fields: {},
  personal: { name: personName, email: text },
  skip: [...HEADER_KEYS, 'created', 'roles'],
};

const KNOWN_ROLES: ReadonlySet<string> = new Set<string>(USER_ROLES);

/** A user whose only role is `contact`: read, counted, not recorded (for now). */
export interface SkippedUser {
  skipped: 'contact';
}

/**
 * A user with one `{fields, personal}` per role it holds; the user-level personal data (name,
 * email) stays on the record. A contact role next to other roles is ignored; a contact alone is
 * skipped. Throws InvalidInput when no role is known.
 */
export function mapUser(raw: Record<string, unknown>, ctx: RecordContext, header: RecordHeader): UserRecord | SkippedUser {
  const roles = raw['roles'];
  if (!isNoValue(roles) && !isPlainObject(roles)) throw ctx.error('roles', `expected an object, got ${typeName(roles)}`);
  const given = isPlainObject(roles) ? roles : {};
  const held = USER_ROLES.filter((role) => !isNoValue(given[role]));
  if (held.length === 0) {
    if (!isNoValue(given['contact'])) return { skipped: 'contact' };
    // a role Clever does not give (`parent`, a misspelt `studnet`) is named: "no role" alone hides it
    const others = Object.keys(given).filter((role) => !isNoValue(given[role]));
    const holds = others.length === 0 ? '' : `; it holds only ${others.map((role) => JSON.stringify(role)).join(', ')}, no role Clever gives`;
    throw ctx.error('roles', `user has no role: expected one of ${USER_ROLES.join(', ')} (or contact)${holds}`);
  }

  // Clever gives every user a name object (its parts may be missing): read as none, a record without
  // one would erase the person's name, with no sign that anything was left out of the file
  if (raw['name'] === undefined || raw['name'] === null) throw ctx.error('name', 'record has no name (Clever gives every user one, {} at the least)');
  const created = moment(raw['created'], { ctx, path: 'created', label: 'user.created' });
  const user = splitParts(raw, USER, { ctx, path: '', label: 'user' });
  const unknownRoles = readUnknownRoles(given, ctx);
  if (unknownRoles !== undefined) put(user.personal, 'roles', unknownRoles);

  const readAtV3 = ctx.readAt !== undefined && isAtLeast(ctx.readAt, 3);
  const parts: Partial<Record<UserRole, RecordParts>> = {};
  for (const role of held) {
    const path = `roles.${role}`;
    const value = given[role];
    if (!isPlainObject(value)) throw ctx.error(path, `expected an object, got ${typeName(value)}`);
    // Clever gives every student, teacher and staff role its schools ([] for none; a district admin's
    // has none): read as none, a role without the list would take the person out of every school,
    // with no sign that anything was left out of the file. Records of no known version (a plain
    // array) are read as they come.
    if (readAtV3 && role !== 'district_admin' && (value['schools'] === undefined || value['schools'] === null)) {
      throw ctx.error(`${path}.schools`, `record has no schools list (Clever gives every ${role} role its schools, [] for none: read as none, the person would leave every school)`);
    }
    const read = splitParts(value, ROLE_SPECS[role], { ctx, path, label: role, depth: 2 });
    // a role's email is skipped as the user's own repeated (as real payloads have it); one that
    // differs is another address, kept under a key of its own: a role's personal fields and the
    // user's are one map, where `email` would mask the user's
    const roleEmail = (value as Record<string, unknown>)['email'];
    if (typeof roleEmail === 'string' && roleEmail !== '' && roleEmail !== raw['email']) put(read.personal, `${role}_email`, roleEmail);
    if (created !== undefined) put(read.fields, 'created', created);
    parts[role] = { fields: sortKeys(read.fields), personal: read.personal };
  }
  return { kind: 'user', ...header, ...user, roles: parts };
}

/** Roles Clever may add later are kept, as personal data, under `personal.roles`. */
function readUnknownRoles(roles: Record<string, unknown>, ctx: RecordContext): Fields | undefined {
  const out: Fields = {};
  for (const key of Object.keys(roles).sort()) {
    if (KNOWN_ROLES.has(key) || key === 'contact') continue;
    const read = anyJson(roles[key], { ctx, path: `roles.${key}`, label: key, depth: 2 });
    if (read !== undefined) put(out, key, read);
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function sortKeys(fields: Fields): Fields {
  const out: Fields = {};
  for (const key of Object.keys(fields).sort()) put(out, key, fields[key] ?? null);
  return out;
}
