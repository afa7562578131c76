/**
 * Characters a terminal acts on rather than shows (escape sequences that recolour or rewrite the
 * screen, a carriage return that writes over a line, a bell, bidirectional marks and overrides
 * that show text in another order), and the Unicode line and paragraph separators that line-splitting
 * readers (Python's `splitlines`, many log viewers) take for line breaks; all but the newline and
 * the tab. Names and ids come from a district's files: a value holding them must neither rewrite
 * what an engineer reads nor split a record's line in two.
 */
export const TERMINAL_ACTIVE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * A value as JSON text, with the characters of TERMINAL_ACTIVE that JSON leaves as they are (DEL,
 * C1 controls, bidirectional marks, line separators) written as `\u` escapes: the same strings to a
 * JSON reader, nothing for a terminal to act on. They only occur inside strings, so the text stays
 * valid JSON. What every `--json` output and the audit export's JSON write.
 */
export function terminalSafeJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(TERMINAL_ACTIVE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
