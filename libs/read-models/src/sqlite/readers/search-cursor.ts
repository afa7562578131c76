import { InvalidInput } from '@roster-ledger/domain';

/**
 * Where an account or a class sits in the order search pages follow: removed or not (0 or 1, shared first),
 * its name as searched (`''` for none), its id.
 */
export type SearchPosition = [removed: number, name: string, id: string];

/** A row of a search page: the account's document, then its position. */
export type SearchRow = [doc: string, ...SearchPosition];

/**
 * The `next` of a search page: the position of its last account, as URL-safe text. A position,
 * not an offset, so that accounts shared or renamed between two pages shift no other account
 * into or out of the pages after.
 */
export function searchCursor(position: SearchPosition): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

/**
 * The position a search page's `next` names. @throws InvalidInput (field `after`) for any other
 * text. Base64url decoding skips characters outside its alphabet and bits left over at the end, so
 * a cursor with something appended (`next` + `x`) would decode to the same position: the position
 * is encoded again and must give the text back exactly.
 */
export function searchCursorOf(text: string): SearchPosition {
  let position: unknown;
  try {
    position = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    position = undefined;
  }
  const [removed, name, id] = Array.isArray(position) && position.length === 3 ? (position as unknown[]) : [];
  if ((removed === 0 || removed === 1) && typeof name === 'string' && typeof id === 'string' && searchCursor([removed, name, id]) === text) {
    return [removed, name, id];
  }
  throw new InvalidInput(`must be the next of a search page (pass on what the page before gave), got "${text}"`, { field: 'after' });
}
