const ID_KEY = '"id"';
const ESCAPE = '\\u';

/**
 * Whether a record's text may hold its key `id` twice: `"id"` in it twice or more, or a `\u`
 * escape, with which a key may spell `id` (`"\u0069d"`). A cheap test that every record passes
 * through; the few that fail it are scanned by holdsIdTwice.
 */
export function mayHoldIdTwice(text: string): boolean {
  const first = text.indexOf(ID_KEY);
  return text.includes(ESCAPE) || (first >= 0 && text.indexOf(ID_KEY, first + ID_KEY.length) >= 0);
}

/**
 * Whether one object of a JSON text (valid: parsed already) holds the key `id` twice. JSON.parse
 * keeps the last of the two, so a record holding it twice would be recorded as the record of its
 * second id, and the record of its first removed, without a word. Other keys held twice are read
 * as JSON.parse reads them (the last wins): looking for them in every record would cost a large
 * import seconds, and only the id decides which record a record is.
 */
export function holdsIdTwice(text: string): boolean {
  // whether each open object holds an id yet; null for an array
  const open: (boolean | null)[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      let end = i + 1;
      while (end < text.length && text.charCodeAt(end) !== 0x22) end += text.charCodeAt(end) === 0x5c ? 2 : 1;
      // decoded: "\u0069d" is the key id
      if (expectKey && (JSON.parse(text.slice(i, end + 1)) as string) === 'id') {
        if (open[open.length - 1] === true) return true;
        open[open.length - 1] = true;
      }
      expectKey = false;
      i = end;
    } else if (c === 0x7b) {
      open.push(false);
      expectKey = true;
    } else if (c === 0x5b) {
      open.push(null);
    } else if (c === 0x7d || c === 0x5d) {
      open.pop();
      expectKey = false;
    } else if (c === 0x2c) {
      expectKey = open[open.length - 1] !== null;
    }
  }
  return false;
}
