import { Tokenizer, TokenType } from '@streamparser/json';

/** An object being read: the keys it has had so far, and whether the next string is a key. */
interface ObjectFrame {
  kind: 'object';
  path: string;
  keys: Set<string>;
  expectingKey: boolean;
  /** The key whose value comes next. */
  key: string;
}

interface ArrayFrame {
  kind: 'array';
  path: string;
  index: number;
}

/**
 * The path (`districts.d1.guard.user`) of the first key that an object of a JSON text holds twice,
 * or null when none does. JSON.parse keeps the last of them without a word: a configuration that
 * names a section twice would run with half of what its author wrote. `text` must be valid JSON.
 */
export function repeatedJsonKey(text: string): string | null {
  const stack: (ObjectFrame | ArrayFrame)[] = [];
  let found: string | null = null;
  const pathOfNextValue = (): string => {
    const top = stack[stack.length - 1];
    if (top === undefined) return '';
    // (an empty key is named as JSON writes it)
    const step = top.kind === 'object' ? (top.key === '' ? '""' : top.key) : `[${top.index}]`;
    return top.path === '' ? step : top.kind === 'object' ? `${top.path}.${step}` : `${top.path}${step}`;
  };
  const tokenizer = new Tokenizer();
  tokenizer.onToken = ({ token, value }) => {
    if (found !== null) return;
    const top = stack[stack.length - 1];
    switch (token) {
      case TokenType.LEFT_BRACE:
        stack.push({ kind: 'object', path: pathOfNextValue(), keys: new Set(), expectingKey: true, key: '' });
        return;
      case TokenType.LEFT_BRACKET:
        stack.push({ kind: 'array', path: pathOfNextValue(), index: 0 });
        return;
      case TokenType.RIGHT_BRACE:
      case TokenType.RIGHT_BRACKET:
        stack.pop();
        return;
      case TokenType.COMMA:
        if (top?.kind === 'object') top.expectingKey = true;
        else if (top?.kind === 'array') top.index += 1;
        return;
      case TokenType.STRING:
        if (top?.kind !== 'object' || !top.expectingKey) return;
        top.expectingKey = false;
        top.key = value as string;
        if (top.keys.has(top.key)) found = pathOfNextValue();
        top.keys.add(top.key);
        return;
      default:
        return;
    }
  };
  tokenizer.write(text);
  return found;
}
