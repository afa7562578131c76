import { CURSOR_EVENT_TYPES, InvalidInput, ROSTER_EVENT_TYPES, type SyncEventType } from '@roster-ledger/domain';
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
 * What is wrong with a list of filter values, or null when every one is `allowed`: the values
 * that are not, and what is expected. Shared by the API's validation and the CLI's options.
 */
export function unknownListValues(values: readonly unknown[], allowed: readonly string[], what: string): string | null {
  const wrong = values.filter((v) => !allowed.includes(v as string));
  if (wrong.length === 0) return null;
  return `${wrong.map((v) => JSON.stringify(v)).join(', ')} ${wrong.length === 1 ? 'is not' : 'are not'} ${what}; expected ${allowed.join(', ')}`;
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
