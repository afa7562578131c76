import { roleOfUserEvent, type UserRole } from '@roster-ledger/domain';
import type { RecordedEvent } from '@roster-ledger/ledger';

const ROLE_NAMES: Readonly<Record<UserRole, string>> = { student: 'a student', teacher: 'a teacher', staff: 'staff', district_admin: 'a district admin' };

type Change = { from: unknown; to: unknown };
/**
 * A value as a line shows it: text as it is, a list as `[a, b]`, an object as `{key: value}`. Not
 * as JSON: the line is escaped once when printed (oneLine), and JSON's own escapes of a quote or
 * backslash inside a value would show doubled (`O\\"Brien`).
 */
const show = (v: unknown): string => {
  if (v === null || v === undefined) return '(none)';
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return `[${v.map(show).join(', ')}]`;
  if (typeof v === 'object') return `{${Object.entries(v).map(([key, value]) => `${key}: ${show(value)}`).join(', ')}}`;
  return String(v);
};

/** How a changed field's id is shown in place of the bare id (a school's name with its id), or null to show it bare. */
export type ChangedIdLabel = (field: string, id: string) => string | null;

/** Each change of a map of changes (`{field: {from, to}}`) as `field: from -> to`; `label` names the ids it points at. */
export const describeChanges = (map: unknown, label?: ChangedIdLabel): string[] => {
  const shown = (field: string, v: unknown): string => {
    if (label === undefined) return show(v);
    if (typeof v === 'string') return label(field, v) ?? v;
    // a list shows names only when it holds ids a label names (a list of schools); as JSON otherwise
    const labels = Array.isArray(v) ? v.map((id) => (typeof id === 'string' ? label(field, id) : null)) : [];
    if (!Array.isArray(v) || labels.every((l) => l === null)) return show(v);
    return `[${v.map((id, i) => labels[i] ?? show(id)).join(', ')}]`;
  };
  return Object.entries((map ?? {}) as Record<string, Change>).map(([field, c]) => `${field}: ${shown(field, c.from)} -> ${shown(field, c.to)}`);
};

/**
 * What an event says, in one line a person can read (ids as they are, changes as from -> to);
 * `label` names the ids a change points at (a timeline knows the schools' names).
 */
export function describeEventData(event: { type: string; data: Record<string, unknown> }, label?: ChangedIdLabel): string {
  const d = event.data as Record<string, unknown>;
  if ('record' in d) {
    const name = (d['personal'] as { name?: { first?: string; last?: string } } | undefined)?.name;
    const recordName = (d['record'] as Record<string, unknown>)['name'];
    // a person's name is personal data: a role that may not see it gets the share without it
    const label = name ? `${name.first ?? ''} ${name.last ?? ''}`.trim() : recordName === undefined ? '(name not shown)' : show(recordName);
    return `${label}${d['sharedAgain'] ? ' (shared again)' : ''}`;
  }
  if ('changes' in d || 'personal' in d) {
    // an update always changes something: none left means the role may not see what changed
    const listed = [...describeChanges(d['changes'], label), ...describeChanges(d['personal'])];
    if (listed.length === 0) return '(changes not shown to this role)';
    // the changes a role may see are not all there were: a reader must not take them for all
    return d['personalRedacted'] === true ? `${listed.join('; ')}; and changes not shown to this role` : listed.join('; ');
  }
  if ('studentId' in d) return `student ${show(d['studentId'])}`;
  if ('teacherId' in d) return `teacher ${show(d['teacherId'])}${d['primary'] ? ' (primary)' : ''}`;
  if ('from' in d && 'to' in d) return `primary teacher ${show(d['from'])} -> ${show(d['to'])}`;
  if ('reason' in d) return show(d['reason']);
  if (event.type.endsWith('Removed')) {
    // a person's removal is of one role: a teacher who is also staff stays a teacher
    const role = roleOfUserEvent(event.type);
    return role === undefined
      ? 'no longer shared (removed, or unshared by the district)'
      : `no longer shared as ${ROLE_NAMES[role]} (removed, or unshared by the district; any other role of theirs stays)`;
  }
  if ('by' in d) return `by ${show(d['by'])}`;
  return '';
}

/**
 * What `events` prints above its lines: the time is the ledger's clock (when the event was
 * recorded), never Clever's, and an engineer reading a log of two clocks must not have to guess.
 */
export const EVENT_LINES_HEADER = '#position  recorded at (ledger clock)  stream@revision  type  what it says';

/** One line of the log: position, when recorded, stream and revision, type, what it says. */
export function eventLine(e: RecordedEvent): string {
  return `#${e.position}  ${e.recordedAt}  ${e.streamId}@${e.revision}  ${e.type}  ${describeEventData(e)}`;
}
