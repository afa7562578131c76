import { CURSOR_EVENT_TYPES, ROSTER_EVENT_TYPES, type SyncEventType } from '@roster-ledger/domain';

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
