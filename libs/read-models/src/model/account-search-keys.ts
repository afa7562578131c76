import type { Fields, RecordParts } from '@roster-ledger/domain';
import type { AccountView } from '@roster-ledger/ledger';
import { searchKey } from './search-key';

/**
 * The keys an account is found by in search: its names as search keys, its email, its ids and its
 * usernames. The accounts projection stores them; a search tells by them whether a page's account
 * matched on what it has now or only on what it had before.
 */

type Account = Pick<AccountView, 'id' | 'person' | 'formerFacets'>;

/** A text value in lower case, and null for anything else (an empty text too). */
export const lowerOrNull = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v.toLowerCase() : null);

const nameKey = (name: string): string | null => {
  const key = searchKey(name);
  return key === '' ? null : key;
};

/**
 * The names (as search keys: lower case, accents left out) and email support searches by: "first
 * last"; "last first middle", the order of an SIS export's "Last, First Middle" (a prefix of it is
 * still "last first"); and, for a name with a middle name, "first middle last", as a person writes
 * it in full ("Steve G Ziemann"), null otherwise (it would be "first last" again); and, for a last
 * name of two words or more ("Parisian-Ortiz", "García Márquez"), the words after its first, then
 * the first name ("ortiz gerald"): support may be given either family name of a double surname.
 */
export function searchNames(account: Account): { name: string | null; nameReversed: string | null; nameFull: string | null; nameLater: string | null; email: string | null } {
  return { ...nameKeys(account.person.personal['name'] as Fields | undefined), email: lowerOrNull(account.person.personal['email']) };
}

/** The name keys of searchNames, of a person's `name`. */
export function nameKeys(name: Fields | undefined): { name: string | null; nameReversed: string | null; nameFull: string | null; nameLater: string | null } {
  const part = (key: string): string => (typeof name?.[key] === 'string' ? (name[key] as string) : '');
  const middle = nameKey(part('middle'));
  const later = (nameKey(part('last')) ?? '').split(' ').slice(1).join(' ');
  return {
    name: nameKey(`${part('first')} ${part('last')}`),
    nameReversed: nameKey(`${part('last')} ${part('first')} ${part('middle')}`),
    nameFull: middle === null ? null : nameKey(`${part('first')} ${part('middle')} ${part('last')}`),
    nameLater: later === '' ? null : nameKey(`${later} ${part('first')}`),
  };
}

const ID_FIELDS = ['sis_id', 'student_number', 'state_id', 'teacher_number', 'staff_id'];

/** Any character searchKey reads as a space between words (or drops): a last name without one is one word. */
const WORD_BREAK = /[^\p{L}\p{M}\d]/u;

/**
 * The keys of a last name of two words or more beyond the search row's:
 * - for one of three words or more ("De La Cruz", "van der Berg"), each word from the third on to
 *   the end, then the first name (`cruz xavan`): the search row's keys start at its first and
 *   second words only, and support is given any family name of a compound surname;
 * - its words written together, before and after the first name, and after a middle name
 *   (`delacruz xavan`, `xavan delacruz`, `xavan j delacruz`): support types a name as heard, and the typed text's respacings (spacingVariants)
 *   only ever take spaces out of what was typed, never put them in.
 */
export function laterWordKeys(account: Account): string[] {
  const name = account.person.personal['name'] as Fields | undefined;
  const last = typeof name?.['last'] === 'string' ? name['last'] : '';
  // most last names are one word: passed over without making a key (a rebuild shares a million)
  if (!WORD_BREAK.test(last)) return [];
  const words = (nameKey(last) ?? '').split(' ');
  const first = typeof name?.['first'] === 'string' ? name['first'] : '';
  const keys = words.slice(2).flatMap((_, i) => nameKey(`${words.slice(i + 2).join(' ')} ${first}`) ?? []);
  if (words.length < 2) return keys;
  const together = words.join('');
  const middle = typeof name?.['middle'] === 'string' && name['middle'] !== '' ? name['middle'] : null;
  const joined = [`${together} ${first}`, `${first} ${together}`, ...(middle === null ? [] : [`${first} ${middle} ${together}`])];
  return [...keys, ...joined.flatMap((text) => nameKey(text) ?? [])];
}

/** The identifiers support searches by, over every role, added to `into`. */
export function addSearchIds(account: Account, into: Set<string>): void {
  addIdsOf(Object.values(account.person.roles), into);
}

/** The identifiers of these roles' facets, added to `into`: their ids, and the usernames they sign in with. */
function addIdsOf(facets: readonly (RecordParts | undefined)[], into: Set<string>): void {
  for (const facet of facets) {
    for (const key of ID_FIELDS) {
      const value = lowerOrNull(facet?.personal[key]);
      if (value) into.add(value);
    }
    // what a student or teacher tells support first ("jsmith23 can't see the class")
    const credentials = facet?.personal['credentials'];
    const username = typeof credentials === 'object' && credentials !== null && !Array.isArray(credentials) ? lowerOrNull((credentials as Fields)['district_username']) : null;
    if (username) into.add(username);
  }
}

/**
 * Whether an account that a search found is found by what it has now: its Clever id, an id of a
 * role it holds or held, its email, or a name key of its present name that starts with one of the
 * typed name's spellings (`names`, as spacingVariants gives them). Not so: it matched only on a
 * name, email or id it had before (a student renamed since the ticket was written), which the
 * search says, as the account shows only the present ones.
 */
export function matchesNow(account: Account, needle: string, names: readonly string[]): boolean {
  const ids = new Set([account.id.toLowerCase()]);
  addSearchIds(account, ids);
  addIdsOf(Object.values(account.formerFacets ?? {}), ids);
  const { email, ...keys } = searchNames(account);
  if (ids.has(needle) || email === needle) return true;
  const present = [...Object.values(keys), ...laterWordKeys(account)].filter((key): key is string => key !== null);
  return names.some((name) => name !== '' && present.some((key) => key.startsWith(name)));
}
