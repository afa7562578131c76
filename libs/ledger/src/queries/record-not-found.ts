import { NotFound } from '../errors/ledger-errors';
import type { ReadModels, TimelineKind } from '../ports/read-models.port';

/** What the answers call a record of each kind (a timeline's kind is its stream's category): as the account and class endpoints call it. */
const SUBJECTS: Readonly<Record<TimelineKind, string>> = { user: 'account', section: 'class', school: 'school', district: 'district', term: 'term', course: 'course' };

/**
 * A record of `kind` asked for by an id the read models do not hold. An id copied from the audit
 * feed's `stream_id` (`user-<id>`, `section-<id>`) is the log's name of the record's stream: said
 * so, with the id to ask for, as the plain "not found" left people thinking the record was not
 * there. `hint` is said otherwise; without one, an account or a class is said to be looked up by
 * its id, which search gives: support asks by an SIS id or a section number as often as not.
 */
export function recordNotFound(kind: TimelineKind, id: string, hint?: string): NotFound {
  const subject = SUBJECTS[kind];
  const prefix = `${kind}-`;
  if (id.startsWith(prefix) && id.length > prefix.length) {
    return new NotFound(`${subject} ${id}`, `${id} is the name of a stream of the log (the audit feed's stream_id): the ${subject}'s id is ${id.slice(prefix.length)}`);
  }
  return new NotFound(`${subject} ${id}`, hint ?? SEARCH_HINTS[kind]);
}

/**
 * As recordNotFound, and when the id is a record of another kind (a class's id asked for as an
 * account, a student's as a class), says so: pasted from the wrong column, it otherwise reads as
 * a record the ledger does not hold. Only the kind is said, nothing of the record.
 */
export async function recordNotFoundIn(models: ReadModels, kind: TimelineKind, id: string): Promise<NotFound> {
  const plain = recordNotFound(kind, id);
  if (id.startsWith(`${kind}-`)) return plain;
  const subject = SUBJECTS[kind];
  const other =
    kind !== 'user' && (await models.account(id)) !== null
      ? 'account'
      : kind !== 'section' && (await models.classRecord(id)) !== null
        ? 'class'
        : ((await models.names(NAMED_KINDS.filter((k) => k !== kind).map((k) => ({ kind: k, id }))))[0]?.kind ?? null);
  if (other !== null) return new NotFound(`${subject} ${id}`, `${id} is ${withArticle(other)}'s id, not ${withArticle(subject)}'s`);
  // a section's term or course that no snapshot described (a folder without terms.json, as the
  // demo's): the class names it, so "not found" alone reads as a wrong id
  if ((kind === 'term' || kind === 'course') && (await models.namedByClasses(kind, id))) {
    return new NotFound(`${subject} ${id}`, `classes name it as their ${subject}, but no sync has shared the ${subject} itself (a snapshot without ${subject}s.json, say), so it has no history of its own: the classes' timelines hold theirs`);
  }
  return plain;
}

/** The kinds of record the lookups name (a Clever id is unique across kinds, so at most one holds it). */
const NAMED_KINDS = ['school', 'district', 'term', 'course'] as const;

const withArticle = (subject: string): string => `${/^[aeiou]/.test(subject) ? 'an' : 'a'} ${subject}`;

/** How to find the id of an account or a class that is asked for by something else. */
const SEARCH_HINTS: Partial<Record<TimelineKind, string>> = {
  user: 'an account is asked for by its id, as search gives it (search finds it by name, email, SIS id, student, teacher or staff number, or state id)',
  section: "a class is asked for by its id, as search gives it (a class search finds it by a part of its name, its SIS id or its section number)",
};
