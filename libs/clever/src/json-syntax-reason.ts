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
  STRING: 'the text',
  NUMBER: 'the number',
};

/** What the stream parser's states wait for. */
const EXPECTED: Record<string, string> = {
  VALUE: 'a value',
  KEY: 'a key in double quotes',
  COLON: "':' after a key",
  COMMA: "',' or the end of the object or list",
  ENDED: 'nothing: the document had ended',
};

/**
 * The stream JSON parser's reason for stopping, in plain words: "Unexpected STRING ("x") in state
 * COLON" becomes `found the text "x" where ':' after a key should be`. A reason of another shape is
 * kept as it is.
 */
export function plainJsonReason(reason: string): string {
  const token = /^Unexpected (?:partial )?([A-Z_]+) \((.*)\) in state ([A-Z_]+)$/s.exec(reason);
  if (token) {
    const [, type, value, state] = token as unknown as [string, string, string, string];
    const word = TOKENS[type] ?? type;
    const found = type === 'STRING' || type === 'NUMBER' ? `${word} ${value}` : word;
    return `found ${found} where ${EXPECTED[state] ?? state.toLowerCase()} should be`;
  }
  const character = /^Unexpected "(.*)" at chunk position "\d+" \(absolute position "\d+"\) in state [A-Z_0-9]+$/s.exec(reason);
  if (character) return `unexpected character ${JSON.stringify(character[1])}`;
  return reason;
}
