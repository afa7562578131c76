import { IDENTITY_FIELDS, type InputLocation, type PersonalAccess } from '@roster-ledger/domain';
import type { PartsSpec } from './field-readers';
import { DISTRICT } from './district-mapping';
import { SCHOOL } from './school-mapping';
import { SECTION } from './section-mapping';
import { COURSE, TERM } from './term-course-mapping';
import { USER } from './user-mapping';
import { ROLE_SPECS } from './user-role-specs';

/** The part of a record (or of a user's role) a finding's label starts with, and how it is read. */
const SPECS: Readonly<Record<string, PartsSpec>> = { ...ROLE_SPECS, user: USER, section: SECTION, school: SCHOOL, term: TERM, course: COURSE, district: DISTRICT };

/** Read outside a record's parts, and never personal: its clocks and its district. */
const HEADER_FIELDS: ReadonlySet<string> = new Set(['created', 'last_modified', 'district']);

/**
 * The personal field a finding's label names (`student.gender` -> `gender`,
 * `student.disability.disability_type` -> `disability`), or null when it names a roster fact
 * (`section.subject`, `term.start_date`). A district's extension fields (`ext`) count as personal
 * (only a reader who sees personal data in full is shown them), and so does anything this mapping
 * does not know (a key Clever may add is kept among the personal fields).
 */
export function personalFieldOfLabel(label: string): string | null {
  const [owner = '', field = ''] = label.split('.');
  const spec = SPECS[owner];
  if (spec === undefined) return field === '' ? owner : field;
  if (HEADER_FIELDS.has(field)) return null;
  // a section's members, or a person's own name and email met in a role (read as the user's)
  if (spec.skip?.includes(field)) return Object.hasOwn(USER.personal, field) ? field : null;
  if (Object.hasOwn(spec.fields, field)) return field === 'ext' ? field : null;
  return field;
}

/**
 * The students a sync's findings name beside a value of one of their personal fields
 * (`student.gender` at record u5: that a named student's gender is none of Clever's is a fact
 * about their gender), once each: whom an answer showing those places shows personal data of.
 */
export function studentsNamedInFindings(unknownValuesAt: Readonly<Record<string, readonly InputLocation[]>> | undefined): string[] {
  const ids = new Set<string>();
  for (const [label, places] of Object.entries(unknownValuesAt ?? {})) {
    if (!label.startsWith('student.') || personalFieldOfLabel(label) === null) continue;
    for (const place of places) if (place.recordId !== undefined) ids.add(place.recordId);
  }
  return [...ids];
}

/** The students the findings of a page of the audit feed's sync events (SyncCompleted, SyncHeld) name, as studentsNamedInFindings. */
export function studentsNamedInSyncEvents(changes: readonly { streamId: string; data: Record<string, unknown> }[]): string[] {
  const ids = new Set<string>();
  for (const change of changes) {
    if (!change.streamId.startsWith('sync-')) continue;
    for (const id of studentsNamedInFindings(change.data['unknownValuesAt'] as Record<string, InputLocation[]> | undefined)) ids.add(id);
  }
  return [...ids];
}

/**
 * Whether a finding about `label` may name the record it was found in, to a reader with `access`:
 * a value outside Clever's lists in a personal field the reader may not see (a student's `gender`
 * or `race`, for support and engineers) is counted for them, but its places name no record.
 */
export function mayNameRecord(label: string, access: PersonalAccess): boolean {
  if (access === 'full') return true;
  const personal = personalFieldOfLabel(label);
  return personal === null || (access === 'identity' && IDENTITY_FIELDS.includes(personal));
}

/**
 * A sync's findings by label (`unknownValues`, `unknownValuesAt`) of the labels a reader with
 * `access` may see (see mayNameRecord): of a field it may not see, neither a count nor a place, as
 * a count of one beside a timeline's one DemographicUpdated of the sync names the student too.
 */
export function findingsShownTo<T>(byLabel: Readonly<Record<string, T>>, access: PersonalAccess): Record<string, T> {
  return Object.fromEntries(Object.entries(byLabel).filter(([label]) => mayNameRecord(label, access)));
}
