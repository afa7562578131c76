import { categoryOf, visiblePersonal, type PersonalAccess } from '@roster-ledger/domain';
import type { AccountName, ClassName, LoggedChange, NamedRecord, ReadModels, TimelineKind } from '../ports/read-models.port';

/** What a timeline entry can name: a person, a class, or a school, term or course a change points at. */
export type RelatedKind = 'user' | 'section' | 'school' | 'term' | 'course';

/**
 * A record a timeline entry names besides the timeline's own: the class of an enrollment on a
 * person's timeline, the student or teacher of one on a class's, the person or class a school's
 * timeline shows a change of. Named as the read models know it now.
 */
export interface RelatedRecord {
  /**
   * The key of the entry's `data` that holds its id: `sectionId`, `studentId`, `teacherId`, `from`,
   * `to`, or `id` (the record the event is about); or `changes.<field>` for an id a change points at
   * before or after (`changes.school`, `changes.schools`, `changes.term_id`, `changes.course`).
   */
  field: string;
  kind: RelatedKind;
  id: string;
  /**
   * The class's, school's, term's or course's name, or the person's first and last name: the
   * current one, or the last one a removed record had. Null for an id the read models never saw, and for a person's name when
   * the role may not see names (then `personalRedacted` is true).
   */
  name: string | null;
  /** The record now: `unknown` for an id the read models never saw. */
  status: 'active' | 'removed' | 'unknown';
  /** True when the role may not see this person's name (engineers). */
  personalRedacted?: true;
}

/** One event on a timeline, with the records it names besides the timeline's own. */
export interface TimelineEntry extends LoggedChange {
  related: RelatedRecord[];
}

/** A record named by an entry, before it is looked up. */
export interface RecordReference {
  field: string;
  kind: RelatedKind;
  id: string;
}

/** The people a section event names (enrollments, teacher assignments, primary teacher changes). */
const PERSON_FIELDS = ['studentId', 'teacherId', 'from', 'to'];

/** Fields of a person or class that hold the id of a school, term or course, and what each names. */
const REFERENCE_CHANGES: Readonly<Record<string, 'school' | 'term' | 'course'>> = { school: 'school', schools: 'school', term_id: 'term', course: 'course' };

/**
 * The records an entry's data names by id, but the timeline's own subject: on a person's timeline
 * the class of an enrollment (and another teacher of a primary-teacher change), on a class's the
 * people, on a school's the person or class each change is about. With no subject (a held sync's
 * pending changes), every record it names.
 */
export function referencesOf(change: Pick<LoggedChange, 'streamId' | 'data'>, subject: { kind: TimelineKind; id: string } | null): RecordReference[] {
  const category = categoryOf(change.streamId);
  const found: RecordReference[] = [];
  const add = (field: string, kind: RecordReference['kind']) => {
    const id = change.data[field];
    if (typeof id === 'string' && !(kind === subject?.kind && id === subject.id)) found.push({ field, kind, id });
  };
  if (category === 'user' || category === 'section') add('id', category);
  if (category === 'section') {
    add('sectionId', 'section');
    for (const field of PERSON_FIELDS) add(field, 'user');
  }
  if (category === 'user' || category === 'section') addChangedReferences(change.data['changes'], found);
  return found;
}

/**
 * The schools, terms and courses a change's before and after point at (a student moving school),
 * each once a field; the school whose timeline it is too: "school: <id> -> Astoria" would leave
 * the one side unnamed, and a bare id elsewhere means one the read models never saw.
 */
function addChangedReferences(changes: unknown, found: RecordReference[]): void {
  if (typeof changes !== 'object' || changes === null) return;
  for (const [field, kind] of Object.entries(REFERENCE_CHANGES)) {
    const change = (changes as Record<string, { from?: unknown; to?: unknown } | undefined>)[field];
    if (change === undefined) continue;
    const ids = new Set([change.from, change.to].flat().filter((id): id is string => typeof id === 'string' && id !== ''));
    for (const id of ids) found.push({ field: `changes.${field}`, kind, id });
  }
}

/** First and last name, as a person is shown in one line. */
function displayName(name: unknown): string | null {
  if (typeof name !== 'object' || name === null) return null;
  const { first, last } = name as { first?: unknown; last?: unknown };
  const text = [first, last].filter((part): part is string => typeof part === 'string' && part.trim() !== '').join(' ');
  return text === '' ? null : text;
}

/**
 * The references of a page named from what the read models hold: a class's name is no one's
 * personal data, a person's name is shown only to a role that may see the `name` field.
 * `studentsNamed` are the students (ever) whose names the page shows: the access log's.
 */
export function nameReferences(
  references: readonly RecordReference[][],
  found: { accounts: readonly AccountName[]; classes: readonly ClassName[]; records?: readonly NamedRecord[] },
  access: PersonalAccess,
): { related: RelatedRecord[][]; studentsNamed: string[] } {
  const accounts = new Map(found.accounts.map((a) => [a.id, a]));
  const classes = new Map(found.classes.map((c) => [c.id, c]));
  const records = new Map((found.records ?? []).map((r) => [`${r.kind}-${r.id}`, r]));
  const studentsNamed = new Set<string>();
  const related = references.map((refs) =>
    refs.map((ref): RelatedRecord => {
      if (ref.kind === 'section') {
        const known = classes.get(ref.id);
        return { ...ref, name: known?.name ?? null, status: known?.status ?? 'unknown' };
      }
      if (ref.kind !== 'user') {
        const known = records.get(`${ref.kind}-${ref.id}`);
        return { ...ref, name: known?.name ?? null, status: known === undefined ? 'unknown' : known.active ? 'active' : 'removed' };
      }
      const known = accounts.get(ref.id);
      if (!known) return { ...ref, name: null, status: 'unknown' };
      const person: Record<string, unknown> = known.name === null ? {} : { name: known.name };
      // the same rule as the person's own record: the `name` field, kept or left out by role
      const shown = visiblePersonal(person, access);
      const name = displayName(shown['name']);
      if (name !== null && known.student) studentsNamed.add(ref.id);
      return { ...ref, name, status: known.status, ...(shown['name'] === undefined && person['name'] !== undefined ? { personalRedacted: true as const } : {}) };
    }),
  );
  return { related, studentsNamed: [...studentsNamed] };
}

/**
 * The records each change names besides `subject`, named: one look-up of people, one of classes
 * and one of schools, terms and courses for the whole page (each by primary key), never one per
 * change. `studentsNamed` as {@link nameReferences} gives them.
 */
export async function relatedRecords(
  models: Pick<ReadModels, 'accountNames' | 'classNames' | 'names'>,
  changes: readonly Pick<LoggedChange, 'streamId' | 'data'>[],
  subject: { kind: TimelineKind; id: string } | null,
  access: PersonalAccess,
): Promise<{ related: RelatedRecord[][]; studentsNamed: string[] }> {
  const references = changes.map((c) => referencesOf(c, subject));
  const ids = (kind: RecordReference['kind']) => [...new Set(references.flat().filter((r) => r.kind === kind).map((r) => r.id))];
  const lookUp = <T>(list: string[], names: (ids: string[]) => Promise<T[]>) => (list.length === 0 ? Promise.resolve([]) : names(list));
  const others = (['school', 'term', 'course'] as const).flatMap((kind) => ids(kind).map((id) => ({ kind, id })));
  const [accounts, classes, records] = await Promise.all([
    lookUp(ids('user'), (list) => models.accountNames(list)),
    lookUp(ids('section'), (list) => models.classNames(list)),
    others.length === 0 ? Promise.resolve([]) : models.names(others),
  ]);
  return nameReferences(references, { accounts, classes, records }, access);
}
