import { createHash } from 'node:crypto';
import { InvalidInput } from '@roster-ledger/domain';

/**
 * Where an account or a class sits in the order search pages follow: removed or not (0 or 1, shared first),
 * its name as searched (`''` for none), its id.
 */
export type SearchPosition = [removed: number, name: string, id: string];

/** A row of a search page: the account's document, then its position. */
export type SearchRow = [doc: string, ...SearchPosition];

/** Which search a cursor pages: accounts and classes are ordered alike, so only this tells them apart. */
export type SearchKind = 'accounts' | 'classes';

/**
 * The search a page answers: its kind, and what of its text and district decides which records
 * match (the text as the search compares it, so `Noor` and `noor ` page one search).
 */
export interface SearchOf {
  kind: SearchKind;
  text: string;
  districtId?: string;
}

const KIND_NAMES: Readonly<Record<SearchKind, string>> = { accounts: 'an account search', classes: 'a class search' };

/**
 * A short digest of the search's text and district: enough to tell one search from another, and
 * the cursor carries no more of the text than that (a search text may be a student's name).
 */
function fingerprintOf(search: SearchOf): string {
  return createHash('sha256')
    .update(JSON.stringify([search.text, search.districtId ?? null]))
    .digest('base64url')
    .slice(0, 12);
}

/**
 * The `next` of a search page: the search it pages (its kind and a fingerprint of its text and
 * district) and the position of its last record, as URL-safe text. A position, not an offset, so
 * that accounts shared or renamed between two pages shift no other account into or out of the
 * pages after.
 */
export function searchCursor(search: SearchOf, position: SearchPosition): string {
  return Buffer.from(JSON.stringify([search.kind, fingerprintOf(search), ...position])).toString('base64url');
}

/**
 * The position a `next` of this search names. @throws InvalidInput (field `after`) for any other
 * text, and for the `next` of another search: accounts and classes are ordered alike, so an
 * account search's cursor would otherwise page classes from that account's name on, and a
 * cursor of another text from a place that text put there. Base64url decoding skips characters
 * outside its alphabet and bits left over at the end, so a cursor with something appended
 * (`next` + `x`) would decode to the same position: the cursor is encoded again and must give
 * the text back exactly.
 *
 * A cursor of the three-element form given before cursors named their search is still read, for
 * either kind, so that a client paging through an upgrade is not turned away: it names no search
 * to check against.
 */
export function searchCursorOf(search: SearchOf, text: string): SearchPosition {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    decoded = undefined;
  }
  const parts = Array.isArray(decoded) ? (decoded as unknown[]) : [];
  const exact = (value: unknown[]): boolean => Buffer.from(JSON.stringify(value)).toString('base64url') === text;
  if (parts.length === 3) {
    const position = positionOf(parts);
    if (position !== undefined && exact(position)) return position;
  }
  if (parts.length === 5) {
    const [kind, fingerprint, ...rest] = parts;
    const position = positionOf(rest);
    if ((kind === 'accounts' || kind === 'classes') && typeof fingerprint === 'string' && position !== undefined && exact([kind, fingerprint, ...position])) {
      if (kind !== search.kind) {
        throw new InvalidInput(`must be the next of a page of this search, got the next of ${KIND_NAMES[kind]} page (${KIND_NAMES[search.kind]} pages only from its own)`, { field: 'after' });
      }
      if (fingerprint !== fingerprintOf(search)) {
        throw new InvalidInput('must be the next of a page of this search, got the next of a search for another text or district (pass the text and district of the page before)', { field: 'after' });
      }
      return position;
    }
  }
  // not repeated back: a search's next carries the name it ended on, and a damaged one (a real next
  // with a character more) would put a student's name in the answer and in any log of it
  throw new InvalidInput(`must be the next of a search page (pass on what the page before gave), got ${text.length} character${text.length === 1 ? '' : 's'} that are none`, { field: 'after' });
}

function positionOf([removed, name, id]: unknown[]): SearchPosition | undefined {
  return (removed === 0 || removed === 1) && typeof name === 'string' && typeof id === 'string' ? [removed, name, id] : undefined;
}
