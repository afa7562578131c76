import { MAX_ID_LENGTH, type RecordKind } from '@roster-ledger/domain';
import { isCleverMoment } from './clever-dates';
import { isNoValue, typeName } from './field-readers';
import { hasLoneSurrogate, LONE_SURROGATE_RULE } from './lone-surrogates';
import type { RecordContext } from './field-readers';

/** What every record carries besides its fields. */
export interface RecordHeader {
  id: string;
  districtId: string;
  lastModified?: string;
}

/** Whitespace and control characters (C0, DEL, C1, and the invisible format marks): an id holding one would print as another. */
const UNFIT_IN_ID = /[\s\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/;

/**
 * Why an id can be no Clever id (too long, or holding a space or a control character), or null:
 * a record's own, and the ids a section lists as its members, which name streams of the log as
 * surely. A long id is not repeated; one with a space or a control character is shown as JSON,
 * escaped.
 */
export function unfitIdProblem(id: string): string | null {
  if (id.length > MAX_ID_LENGTH) return `an id of ${id.length.toLocaleString('en-US')} characters is no Clever id (Clever's are 24 hex digits; at most ${MAX_ID_LENGTH} are taken)`;
  // checked before the id names the record in an error, which must itself be valid text
  if (hasLoneSurrogate(id)) return LONE_SURROGATE_RULE;
  if (UNFIT_IN_ID.test(id)) return `an id with a space or a control character in it is no Clever id (Clever's are 24 hex digits): ${JSON.stringify(id)}`;
  return null;
}

/** Keys the header consumes, so the per-kind mappings skip them. */
export const HEADER_KEYS = ['id', 'district', 'last_modified'] as const;

/**
 * Reads `id` (required, non-empty), `district` (required except on a district, whose districtId
 * is its own id) and `last_modified` (Clever's clock, kept out of the fields).
 */
export function readHeader(kind: RecordKind, raw: Record<string, unknown>, ctx: RecordContext): RecordHeader {
  const id = raw['id'];
  if (typeof id !== 'string' || id === '') {
    // a number or true is shown as it is: the id a user looks for in their file
    // (a number beyond 2^53 was rounded by the parser: showing it would name an id not in the file)
    const shown = (typeof id === 'number' && Number.isSafeInteger(id)) || typeof id === 'boolean' ? ` ${String(id)}` : '';
    throw ctx.error('id', isNoValue(id) ? 'record has no id' : `expected the id as a non-empty string, got ${typeName(id)}${shown}`);
  }
  const unfit = unfitIdProblem(id);
  if (unfit !== null) throw ctx.error('id', unfit);
  ctx.identify(id);
  const district = kind === 'district' ? id : raw['district'];
  if (typeof district !== 'string' || district === '') {
    throw ctx.error(
      'district',
      isNoValue(district) ? 'record has no district' : `expected a string, got ${typeName(district)}`,
    );
  }
  const header: RecordHeader = { id, districtId: district };
  const lastModified = raw['last_modified'];
  if (!isNoValue(lastModified)) {
    if (typeof lastModified !== 'string') throw ctx.error('last_modified', `expected a string, got ${typeName(lastModified)}`);
    // Clever's clock orders versions of the record (see IncrementalDiff): one that is no moment
    // orders nothing, and is not shown as when Clever changed it; it is reported instead
    if (isCleverMoment(lastModified)) header.lastModified = lastModified;
    else ctx.unknownValue(`${kind}.last_modified`);
  }
  return header;
}
