import { InvalidInput } from '@roster-ledger/domain';
import type { InputLocation, RecordKind, RosterRecord } from '@roster-ledger/domain';
import type { CleverChange } from '@roster-ledger/ledger';
import type { CleverEvent } from '../api/clever-event';
import { isCleverMoment } from '../clever-dates';
import { normalizeCleverRecord } from '../clever-normalizer';
import { findingsAfter } from '../record-findings';
import { unfitIdProblem } from '../record-header';
import { coverageWithScopes } from '../scoped-fields';
import { coverageOfVersion } from '../api/version-coverage';

/** How a sync's `skipped` counts an event Clever listed again (an id already read, or at or below the cursor). */
export const LISTED_AGAIN = 'event Clever listed again (an id already read, or at or below the cursor)';

/** The record kind of each event type prefix (v3.0 and v3.1; `resources.*` is not roster data). */
const KIND_OF_RESOURCE: Readonly<Record<string, RecordKind>> = {
  districts: 'district',
  schools: 'school',
  terms: 'term',
  courses: 'course',
  users: 'user',
  sections: 'section',
};

/**
 * What gets a district past an event the events sync refuses: the cursor stays before it, so every
 * later events sync meets it again, while a full sync reads the district as it is and sets a new
 * cursor after it.
 */
const PAST_IT = '; every events sync will meet this event again: a full sync (not an events sync) records the district as Clever shows it and sets a new cursor past it';

/**
 * What one Clever event changes in a district's roster:
 *
 * - `*.created`, `*.updated`: the record as it is now (`data.object` is the whole object), through
 *   the same normalizer as a full sync, with what a full sync would report of it (findingsAfter);
 *   the ledger diffs it against what it holds. So a
 *   `sections.updated` yields the whole new member list, and the diff turns it into
 *   StudentEnrolled/Unenrolled and TeacherAssigned/Unassigned (the set differences Clever's
 *   `previous_attributes.students` would give, without trusting them). `previous_attributes` only
 *   give the change's `before` (the object with its old values put back, normalized the same way):
 *   for kinds without `last_modified` (districts, terms, courses) it tells the ledger whether it is
 *   already past this change (see IncrementalDiff). They are never recorded.
 * - `*.deleted`: the record's removal (deleted in the SIS or unshared: Clever cannot tell), with
 *   the deleted object's `last_modified`, so a removal older than a re-created record is skipped.
 * - A user who is (now) only a contact: skipped when created; when updated, they lost their last
 *   rostered role, so their removal, as a full sync would record it.
 * - `resources.*` and types Clever may add later: skipped, counted by reason.
 *
 * @throws InvalidInput naming the event, the page, the record and the field: a record of another
 * district, a deleted object without id, or anything the normalizer rejects.
 */
/** Where an event was read, as errors and findings name it: its type and id, the events page and its place there. */
export function eventOrigin(event: CleverEvent): InputLocation {
  return { file: `${event.type} event ${event.id} (events page ${event.page})`, record: event.index };
}

export function cleverChangeOf(event: CleverEvent, districtId: string): CleverChange {
  const origin = eventOrigin(event);
  const base = { cleverEventId: event.id, ...(event.created === undefined ? {} : { created: event.created }), origin };
  const [resource = '', action = ''] = event.type.split('.');
  const kind = KIND_OF_RESOURCE[resource];
  if (resource === 'resources') return { ...base, change: { type: 'skip', reason: 'resources' } };
  if (kind === undefined || !['created', 'updated', 'deleted'].includes(action)) {
    return { ...base, change: { type: 'skip', reason: `event type ${event.type}` } };
  }

  if (action === 'deleted') {
    const id = event.object['id'];
    if (typeof id !== 'string' || id === '') throw new InvalidInput('the deleted object has no id', { ...origin, field: 'id' });
    // held to the rule of any record's id before it names the record (in an error, in the log)
    const unfitId = unfitIdProblem(id);
    if (unfitId !== null) throw new InvalidInput(`${unfitId}${PAST_IT}`, { ...origin, field: 'id' });
    const owner = kind === 'district' ? id : event.object['district'];
    // "as last known" may leave the district out; when it names one, it must be this one
    if (typeof owner === 'string' && owner !== '' && owner !== districtId) {
      // (an id that is no Clever id is not shown: the message must itself be valid text)
      const why = unfitIdProblem(owner) ?? `the record belongs to district ${owner}, not ${districtId}`;
      throw new InvalidInput(`${why}${PAST_IT}`, { ...origin, recordId: id, field: 'district' });
    }
    // Clever's clock orders a removal against a re-created record's versions: one that is no
    // moment orders nothing (as a record's own last_modified that is none), so the removal has none
    const written = event.object['last_modified'];
    const lastModified = typeof written === 'string' && isCleverMoment(written) ? written : undefined;
    const contact = kind === 'user' && isContactOnly(event.object);
    return {
      ...base,
      origin: { ...origin, recordId: id },
      change: { type: 'remove', kind, id, ...(lastModified === undefined ? {} : { lastModified }), ...(contact ? { ifNotHeld: 'contact' } : {}) },
    };
  }

  // its objects carry what a record of the page's version carries (a v3 section its `teachers`)
  const item = normalizeCleverRecord(kind, event.object, origin, event.version);
  if (item.type === 'skipped') {
    const id = String(event.object['id']);
    return { ...base, origin: item.origin, change: action === 'updated' && kind === 'user' ? { type: 'remove', kind, id, ifNotHeld: item.reason } : { type: 'skip', reason: item.reason } };
  }
  if (item.record.districtId !== districtId) {
    throw new InvalidInput(`the record belongs to district ${item.record.districtId}, not ${districtId}${PAST_IT}`, { ...item.origin, field: 'district' });
  }
  const before = action === 'updated' ? beforeOf(kind, event, districtId, origin) : undefined;
  // a student object without a field of a scope the app was not granted leaves the ledger's value
  // (beside what the event's version has not at all, which the feed's coverage says already)
  const version = event.version === undefined ? undefined : coverageOfVersion(event.version);
  const scoped = coverageWithScopes(event.object, version);
  const partial = scoped === version ? undefined : scoped;
  // what a full sync reports of the same record (a term ending before it starts, a section whose
  // name is ""), counted where the event was read, as its unknown values are
  const findings = findingsAfter(item).map((finding) => finding.type);
  return {
    ...base,
    origin: item.origin,
    change: {
      type: 'upsert',
      record: item.record,
      unknownValues: item.unknownValues,
      ...(findings.length > 0 ? { findings } : {}),
      ...(before ? { before } : {}),
      ...(partial ? { partial } : {}),
    },
  };
}

/**
 * The record as it was before an update: `data.object` with `previous_attributes` put back
 * (top-level keys, whole values). Undefined when the event gives none, or when the old values do
 * not make a record (a user who was only a contact, a value the normalizer refuses): the old
 * version only ever serves to skip a stale event, so an unreadable one is no reason to fail.
 */
function beforeOf(kind: RecordKind, event: CleverEvent, districtId: string, origin: InputLocation): RosterRecord | undefined {
  const previous = event.previousAttributes;
  if (previous === undefined || Object.keys(previous).length === 0) return undefined;
  try {
    const item = normalizeCleverRecord(kind, { ...event.object, ...previous, id: event.object['id'] }, origin);
    return item.type === 'record' && item.record.districtId === districtId ? item.record : undefined;
  } catch {
    return undefined;
  }
}

/** A deleted user whose last known roles are a contact's alone: never a record of the ledger's. */
function isContactOnly(user: Record<string, unknown>): boolean {
  const roles = user['roles'];
  if (typeof roles !== 'object' || roles === null || Array.isArray(roles)) return false;
  const held = Object.keys(roles).filter((role) => (roles as Record<string, unknown>)[role] !== null && (roles as Record<string, unknown>)[role] !== undefined);
  return held.length > 0 && held.every((role) => role === 'contact');
}
