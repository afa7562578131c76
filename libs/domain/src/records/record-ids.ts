/**
 * What every id the ledger is asked for must be (a record's, a district's, a sync's), wherever it
 * is given (the CLI, an API path): whatever an import took, an answer gives, and a user types
 * back must be taken. An import takes less than that (no space either in a snapshot's ids: see
 * the Clever reader), but CSV districts named with a space inside were recorded before.
 */

/** The longest id taken: Clever's are 24 characters, and an id names a stream of the log for good. */
export const MAX_ID_LENGTH = 255;

/** C0, DEL and C1 controls: an id holding one would print as another, and none is ever taken. */
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;

/** Why an id asked for can name nothing in the ledger, in words, or null. */
export function askedIdProblem(id: string): string | null {
  if (id.length > MAX_ID_LENGTH) return `an id of at most ${MAX_ID_LENGTH} characters: got one of ${id.length.toLocaleString('en-US')}`;
  if (CONTROL_CHARACTER.test(id)) return `an id, without control characters: got ${JSON.stringify(id)}`;
  return null;
}
