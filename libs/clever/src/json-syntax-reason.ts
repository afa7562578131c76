/** The JSON tokens the stream parser names, in words a person fixing a file knows. */
const TOKENS: Record<string, string> = {
  LEFT_BRACE: "'{'",
  RIGHT_BRACE: "'}'",
  LEFT_BRACKET: "'['",
  RIGHT_BRACKET: "']'",
  COLON: "':'",
  COMMA: "','",
  TRUE: 'true',
  FALSE: 'false',
  NULL: 'null',
  STRING: 'a string',
  NUMBER: 'a number',
};

/** What the stream parser's states wait for. */
const EXPECTED: Record<string, string> = {
  VALUE: 'a value',
  KEY: 'a key in double quotes',
  COLON: "':' after a key",
  COMMA: "',' or the end of the object or list",
  ENDED: 'nothing: the document had ended',
};

/** What the tokenizer was in the middle of when the file ended, by its state's name. */
const CUT_INSIDE: [string, string][] = [
  ['STRING', 'a string'],
  ['NUMBER', 'a number'],
  ['TRUE', 'true'],
  ['FALSE', 'false'],
  ['NULL', 'null'],
];

/**
 * The stream JSON parser's reason for stopping, in plain words: "Unexpected STRING ("x") in state
 * COLON" becomes `found a string where ':' after a key should be`, and a file cut inside a string
 * `it ends inside a string` (not the tokenizer's state names). A reason of another shape is
 * kept as it is. The string or number found is not quoted: it may be a name or an email, and a
 * sync's failure is kept in the log for good, outside the personal data, and every role reads it;
 * the byte offset beside the reason points at it.
 */
export function plainJsonReason(reason: string): string {
  const token = /^Unexpected (?:partial )?([A-Z_]+) \((.*)\) in state ([A-Z_]+)$/s.exec(reason);
  if (token) {
    const [, type, , state] = token as unknown as [string, string, string, string];
    const word = TOKENS[type] ?? type;
    return `found ${word} where ${EXPECTED[state] ?? state.toLowerCase()} should be`;
  }
  const cut = /^Tokenizer ended in the middle of a token \(state: ([A-Z_0-9]+)\)/.exec(reason);
  if (cut) return `it ends inside ${CUT_INSIDE.find(([prefix]) => cut[1]!.startsWith(prefix))?.[1] ?? 'a value'}`;
  const between = /^Parser ended in mid-parsing \(state: ([A-Z_]+)\)/.exec(reason);
  if (between) return `it ends where ${EXPECTED[between[1]!] ?? between[1]!.toLowerCase()} should be`;
  const character = /^Unexpected "(.*)" at chunk position "\d+" \(absolute position "\d+"\) in state [A-Z_0-9]+$/s.exec(reason);
  if (character) return `unexpected character ${JSON.stringify(character[1])}`;
  return reason;
}
