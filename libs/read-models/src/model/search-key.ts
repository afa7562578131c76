/**
 * Letters that keep no base letter under NFD (they are letters of their own, not a letter and a
 * mark), spelled as someone without them on their keyboard types them.
 */
const OWN_LETTERS: Readonly<Record<string, string>> = { ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', ł: 'l', đ: 'd', ð: 'd', þ: 'th', ı: 'i', ħ: 'h' };

/** Lower-case ASCII letters and digits, one space between words: nothing for searchKey to change. */
const PLAIN = /^[a-z0-9]+(?: [a-z0-9]+)*$/;

/**
 * A name as search compares it: lower case, without the accents of Latin letters ("Lucía Peña"
 * and "lucia pena" are the same key), a comma, a hyphen or a dash read as a space (the "Last,
 * First" rosters and SIS exports print; "Jean-Louis" typed "jean louis"), apostrophes and periods
 * left out ("O'Brien", "O’Brien" as pasted from an email, and "obrien"; "Jr." and "jr"), each run
 * of spaces one space. Support types
 * what a US keyboard has; the SIS spells the name as the family does. Names are stored under this
 * key and a typed text is turned into it, so the two always agree. Marks of other scripts stay:
 * a vowel sign of Devanagari or a dakuten of kana makes another name, not an accented one.
 */
export function searchKey(text: string): string {
  const lower = text.toLowerCase();
  // most names are plain letters and single spaces: a key already (a rebuild makes a million)
  if (PLAIN.test(lower)) return lower;
  return lower
    .normalize('NFD')
    .replace(/(\p{Script=Latin})\p{M}+/gu, '$1')
    .replace(/[ßæœøłđðþıħ]/g, (letter) => OWN_LETTERS[letter]!)
    .replace(/['\u2018\u2019\u02bc`.]/g, '')
    .replace(/[,\-\u2010-\u2015]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Typed names of more words than this are searched as typed: the spellings double with each word. */
const MOST_WORDS_RESPACED = 4;

/**
 * A typed name's key (searchKey), and the same words with every other choice of the spaces between
 * them kept or left out: "o brien" is also "obrien", "de la cruz" also "dela cruz", "de lacruz"
 * and "delacruz". Support types a name as heard, and "O'Brien" is stored as "obrien", "McDonald"
 * as "mcdonald", "De La Cruz" as the SIS spells it; the typed text is respaced, not the stored
 * names, so no key is added to a million accounts. The key as typed comes first.
 */
export function spacingVariants(key: string): string[] {
  const words = key.split(' ');
  if (words.length < 2 || words.length > MOST_WORDS_RESPACED) return [key];
  const variants: string[] = [];
  // bit i of `joins` set: words i and i+1 are written together
  for (let joins = 0; joins < 1 << (words.length - 1); joins++) {
    variants.push(words.reduce((text, word, i) => (i === 0 ? word : text + ((joins >> (i - 1)) & 1 ? '' : ' ') + word), ''));
  }
  return variants;
}
