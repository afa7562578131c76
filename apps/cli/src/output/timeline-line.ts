import { diffFields, roleOfUserEvent, UNORDERED_ROLE_FIELDS, type Fields } from '@roster-ledger/domain';
import type { RelatedRecord, TimelineEntry, TimelineKind } from '@roster-ledger/ledger';
import { describeChanges, describeEventData, type ChangedIdLabel } from './event-line';

/** What a line of a timeline entry reads of it. */
type EntryShown = Pick<TimelineEntry, 'type' | 'streamId' | 'data' | 'related' | 'lastKnown'>;

/** What a person named in a section event's field is to the class. */
const PERSON_FIELDS: Record<string, string> = { studentId: 'student', teacherId: 'teacher', from: 'teacher', to: 'teacher' };

/** The record's name, then what it is and its id; its id alone when no name is known or shown. */
export function recordLabel(record: RelatedRecord, eventType: string): string {
  const what =
    record.kind !== 'user' ? record.kind : (PERSON_FIELDS[record.field] ?? roleOfUserEvent(eventType)?.replace('_', ' ') ?? 'user');
  // the name may be the last one a record had before it was removed
  const described = `${what} ${record.id}${record.status === 'removed' ? ', now removed' : ''}`;
  return record.name === null ? described : `${record.name} (${described})`;
}

/**
 * What a timeline entry (or a held sync's pending change: no subject) says, in one line: the class or person it names where their id alone
 * was (`Algebra I (section 5a25...)` on a student's timeline, `Ada Lovelace (student 5a25...)` on
 * a class's), then what changed. An entry of another record than the timeline's own names that
 * record first.
 */
export function describeTimelineEntry(entry: EntryShown, subject: { kind: TimelineKind; id: string } | null): string {
  const d = entry.data;
  const related = new Map(entry.related.map((r) => [r.field, r]));
  // a change's schools, term or course, by name: one field may name several (a list of schools)
  const changed = new Map(entry.related.filter((r) => r.field.startsWith('changes.')).map((r) => [`${r.field}:${r.id}`, r]));
  const changedLabel: ChangedIdLabel = (field, id) => {
    const record = changed.get(`changes.${field}:${id}`);
    return record === undefined || record.name === null ? null : recordLabel(record, entry.type);
  };
  const label = (field: string): string | null => {
    const record = related.get(field);
    return record === undefined ? null : recordLabel(record, entry.type);
  };
  // a person the timeline is about is not named again: their id, as the event holds it
  const person = (field: string): string => label(field) ?? (typeof d[field] === 'string' ? (d[field] as string) : '(none)');
  const joined = (...parts: (string | null)[]) => parts.filter((p): p is string => p !== null && p !== '').join('  ');

  if ('sectionId' in d) {
    const section = label('sectionId');
    if (entry.type === 'PrimaryTeacherChanged') {
      const change = `primary teacher ${person('from')} -> ${person('to')}`;
      return section === null ? change : `${section}: ${change}`;
    }
    // on a person's timeline the class, on a class's the person: the other one is the timeline's own
    const member = label('studentId') ?? label('teacherId');
    const primary = d['primary'] !== true ? '' : member === null ? ', as primary teacher' : ', primary';
    return `${joined(section, member) || describeEventData(entry)}${primary}`;
  }
  const own = label('id');
  if (own !== null) {
    // a share's description is the record's name: the label says it already
    const said = 'record' in d ? (d['sharedAgain'] === true ? sharedAgain(entry, changedLabel) : null) : describeEventData(entry, changedLabel);
    return joined(own, said);
  }
  const elsewhere = subject !== null && entry.streamId === `${subject.kind}-${subject.id}` ? null : entry.streamId;
  if ('record' in d && d['sharedAgain'] === true) {
    // the record's own share again: its name, then what came back changed
    return joined(elsewhere, describeEventData({ type: entry.type, data: { ...d, sharedAgain: false } }), sharedAgain(entry, changedLabel));
  }
  return joined(elsewhere, describeEventData(entry, changedLabel));
}

/**
 * A share again, with what differs from the record as it was when it was removed (the entry's
 * `lastKnown`): support asks what came back changed. The fields a role may not see are left out
 * of both sides alike, so they never show as changed; where some were left out, the line says that
 * what it compares is what the role is shown, never that the record came back as it was.
 */
function sharedAgain(entry: EntryShown, label: ChangedIdLabel): string {
  const before = entry.lastKnown;
  if (!before) return '(shared again)';
  const after = entry.data as { record?: Fields; personal?: Fields };
  const changed = [
    ...describeChanges(diffFields(before.record as Fields, after.record ?? {}, { unordered: UNORDERED_ROLE_FIELDS }), label),
    ...describeChanges(diffFields(before.personal as Fields, after.personal ?? {})),
  ];
  const hidden = entry.data['personalRedacted'] === true || (before as { personalRedacted?: boolean }).personalRedacted === true;
  if (changed.length === 0) return hidden ? '(shared again; what this role is shown is as it was when removed)' : '(shared again, as it was when removed)';
  return `(shared again; since its removal: ${changed.join('; ')}${hidden ? '; fields not shown to this role left out' : ''})`;
}
