const ID_KEY = Buffer.from('"id"');
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
/** Longest id taken: Clever's are 24 characters; anything longer is no hint. */
const MAX_ID_BYTES = 256;

/**
 * The id a record's bytes probably hold, read without parsing them: the string after the first
 * `"id":` (for an item of the list envelope, usually its record's id; `uri` follows `data`).
 * Only a hint: whoever uses it must check it against the bytes' fingerprint (a nested `id`, or an
 * escaped quote before `"id"`, can mislead it), so a wrong hint costs a parse, never a wrong
 * record. Undefined when there is no such key, or the value is not a plain string without escapes.
 */
export function recordIdHint(bytes: Uint8Array): string | undefined {
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let key = buffer.indexOf(ID_KEY); key >= 0; key = buffer.indexOf(ID_KEY, key + ID_KEY.length)) {
    let at = skipSpace(buffer, key + ID_KEY.length);
    if (buffer[at] !== COLON) continue;
    at = skipSpace(buffer, at + 1);
    if (buffer[at] !== QUOTE) return undefined;
    const start = at + 1;
    const limit = Math.min(buffer.length, start + MAX_ID_BYTES);
    for (let end = start; end < limit; end += 1) {
      const byte = buffer[end];
      if (byte === BACKSLASH) return undefined;
      if (byte === QUOTE) return end === start ? undefined : buffer.toString('utf8', start, end);
    }
    return undefined;
  }
  return undefined;
}

function skipSpace(buffer: Buffer, from: number): number {
  let at = from;
  while (at < buffer.length && (buffer[at] === 0x20 || buffer[at] === 0x09 || buffer[at] === 0x0a || buffer[at] === 0x0d)) at += 1;
  return at;
}
