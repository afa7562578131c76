/**
 * Letters that keep no base letter under NFD (they are letters of their own, not a letter and a
 * mark), spelled as someone without them on their keyboard types them.
 */
const OWN_LETTERS: Readonly<Record<string, string>> = { ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', ł: 'l', đ: 'd', ð: 'd', þ: 'th', ı: 'i', ħ: 'h' };

/**
 * A name as search compares it: lower case, without accents ("Lucía Peña" and "lucia pena" are
 * the same key), each run of spaces one space. Support types what a US keyboard has; the SIS
 * spells the name as the family does. Names are stored under this key and a typed text is
 * turned into it, so the two always agree.
 */
export function searchKey(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .replace(/[ßæœøłđðþıħ]/g, (letter) => OWN_LETTERS[letter]!)
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * What a typed name is compared with: its key, with a comma read as a space, so that the
 * "Last, First" that rosters and SIS exports print finds the name as "last first" does.
 */
export function typedNameKey(text: string): string {
  return searchKey(text.replace(/,/g, ' '));
}
