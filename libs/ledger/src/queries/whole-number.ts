const DECIMAL_DIGITS = /^[0-9]+$/;

/**
 * A count or position a person typed (`limit`, `after`, `--from`), as a number, or null when the
 * text is anything but decimal digits, or a number too large to hold exactly. `Number()` alone
 * also reads `1e2`, `0x10`, ` 1` and the empty text (0): each a different page than the one
 * asked for, answered as if it were right.
 */
export function parseWholeNumber(text: string): number | null {
  if (!DECIMAL_DIGITS.test(text)) return null;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : null;
}
