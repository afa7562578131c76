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
