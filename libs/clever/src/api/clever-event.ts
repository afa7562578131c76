import { InvalidInput } from '@roster-ledger/domain';
import { isPlainObject } from '../field-readers';
import { versionOfUri } from './version-coverage';

/**
 * One Events API event, checked for the fields a consumer relies on. `raw` is the event exactly as
 * Clever sent it (store it verbatim for audit); the rest are views of it.
 */
export interface CleverEvent {
  /** The event's id (an ObjectID, ascending in feed order): the cursor and the dedupe key. Not the changed object's id. */
  id: string;
  /** `<resource>.<action>`, e.g. `sections.updated`. */
  type: string;
  /** Clever's timestamp; informational only, order by feed position. */
  created?: string;
  /** The full object after the change (for `*.deleted`, as last known). */
  object: Record<string, unknown>;
  /** On `*.updated`: the changed top-level keys with their old values (whole arrays, e.g. `students`). */
  previousAttributes?: Record<string, unknown>;
  raw: Record<string, unknown>;
  /** The page it was read from (no secrets) and its index there, for error messages. */
  page: string;
  index: number;
  /**
   * The API version the page was read at (`v3.0`, from its path), which says which fields its
   * objects must carry; undefined when the page's address does not name one.
   */
  version?: string;
}

/**
 * What an event id may be (Clever's are 24 hex digits): the cursor is kept as it is and sent back to
 * Clever as `starting_after`, and an events sync refuses a stored cursor of any other form.
 */
export const CLEVER_EVENT_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Why `id` is no Clever event id (see CLEVER_EVENT_ID), or null when it may be one. The id is shown cut to 64 characters, as JSON. */
export function notEventIdProblem(id: string): string | null {
  if (CLEVER_EVENT_ID.test(id)) return null;
  return `${JSON.stringify(id.slice(0, 64))}${id.length > 64 ? ' (cut)' : ''} is no Clever event id (Clever's are 24 hex digits; at most 64 letters, digits, "_" or "-" are taken)`;
}

/** @throws InvalidInput naming the page, the index and the field when a required part is missing or of the wrong type. */
export function readCleverEvent(raw: Record<string, unknown>, page: string, index: number): CleverEvent {
  const at = { file: `events page ${page}`, record: index };
  const { id, type, created, data } = raw;
  if (typeof id !== 'string' || id === '') throw new InvalidInput('event has no id', { ...at, field: 'id' });
  // taken, it would be the cursor, which the next events sync refuses as no Clever event id: the
  // change would be recorded under an id nobody can look up, and the sync after it run as a full one
  const notId = notEventIdProblem(id);
  if (notId !== null) throw new InvalidInput(notId, { ...at, field: 'id' });
  const where = { ...at, recordId: id };
  if (typeof type !== 'string' || !/^[a-z0-9_]+\.[a-z0-9_]+$/i.test(type)) {
    throw new InvalidInput(`expected a type like "sections.updated", got ${(JSON.stringify(type) ?? 'nothing').slice(0, 80)}`, { ...where, field: 'type' });
  }
  if (created !== undefined && created !== null && typeof created !== 'string') {
    throw new InvalidInput('expected a timestamp string', { ...where, field: 'created' });
  }
  if (!isPlainObject(data) || !isPlainObject(data['object'])) {
    throw new InvalidInput('expected data.object to be the changed object', { ...where, field: 'data.object' });
  }
  const previous = data['previous_attributes'];
  if (previous !== undefined && previous !== null && !isPlainObject(previous)) {
    throw new InvalidInput('expected data.previous_attributes to be an object', { ...where, field: 'data.previous_attributes' });
  }
  return {
    id,
    type,
    ...(typeof created === 'string' ? { created } : {}),
    object: data['object'],
    ...(isPlainObject(previous) ? { previousAttributes: previous } : {}),
    raw,
    page,
    index,
    ...versionOf(page),
  };
}

function versionOf(page: string): { version?: string } {
  let path = page;
  try {
    path = new URL(page).pathname;
  } catch {
    // a path alone (`/v1.1/districts/<id>/events`), or a file's name
  }
  const version = versionOfUri(path);
  return version === undefined ? {} : { version };
}
