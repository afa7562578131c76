import { NotFound } from '../errors/ledger-errors';

/** What the answers call a record of each kind, and how the log names the stream of one (`<category>-<id>`). */
const STREAM_CATEGORIES = { account: 'user', class: 'section', school: 'school', district: 'district', term: 'term', course: 'course' } as const;

export type RecordSubject = keyof typeof STREAM_CATEGORIES;

/**
 * A record asked for by an id the read models do not hold. An id copied from the audit feed's
 * `stream_id` (`user-<id>`, `section-<id>`) is the log's name of the record's stream: said so,
 * with the id to ask for, as the plain "not found" left people thinking the record was not there.
 * `hint` is said otherwise.
 */
export function recordNotFound(subject: RecordSubject, id: string, hint?: string): NotFound {
  const prefix = `${STREAM_CATEGORIES[subject]}-`;
  if (id.startsWith(prefix) && id.length > prefix.length) {
    return new NotFound(`${subject} ${id}`, `${id} is the name of a stream of the log (the audit feed's stream_id): the ${subject}'s id is ${id.slice(prefix.length)}`);
  }
  return new NotFound(`${subject} ${id}`, hint);
}
