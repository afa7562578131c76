const ID_KEY = '"id"';

/**
 * Whether a record's text may hold its key `id` twice: `"id"` in it twice or more. A cheap test
 * that every record passes through; the few that fail it (an `id` in a nested object, or in a
 * value) are scanned by firstDuplicateKey.
 */
export function mayHoldIdTwice(text: string): boolean {
  const first = text.indexOf(ID_KEY);
  return first >= 0 && text.indexOf(ID_KEY, first + ID_KEY.length) >= 0;
}

/**
 * The first key that one object of a JSON text (valid: parsed already) holds twice, or null.
 * JSON.parse keeps the last of the two, so a record holding `"id"` twice would be recorded as the
 * record of its second id, and the record of its first removed, without a word.
 */
export function firstDuplicateKey(text: string): string | null {
  // the keys of each open object, null for an array
  const open: (Set<string> | null)[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      let end = i + 1;
      while (end < text.length && text.charCodeAt(end) !== 0x22) end += text.charCodeAt(end) === 0x5c ? 2 : 1;
      if (expectKey) {
        // decoded: "\u0069d" is the key id
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        const keys = open[open.length - 1]!;
        if (keys.has(key)) return key;
        keys.add(key);
        expectKey = false;
      }
      i = end;
    } else if (c === 0x7b) {
      open.push(new Set());
      expectKey = true;
    } else if (c === 0x5b) {
      open.push(null);
    } else if (c === 0x7d || c === 0x5d) {
      open.pop();
      expectKey = false;
    } else if (c === 0x2c) {
      expectKey = open[open.length - 1] instanceof Set;
    }
  }
  return null;
}
