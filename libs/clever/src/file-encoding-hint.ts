import { basename } from 'node:path';

/**
 * What a snapshot file is when its first bytes say it is no UTF-8 text at all, and what to do
 * about it; undefined when they do not. Read alone, a gzip-compressed or UTF-16 file fails as
 * "not valid UTF-8" at byte 0 or as invalid JSON or CSV, which does not tell the user that the file
 * as a whole is of another kind: a district's export is often one or the other. `head`: the file's
 * first bytes (two are enough).
 */
export function fileEncodingProblem(head: Uint8Array, path: string): string | undefined {
  const [first, second] = [head[0], head[1]];
  if (first === undefined || second === undefined) return undefined;
  const name = basename(path);
  if (first === 0x1f && second === 0x8b) {
    return `file is gzip-compressed: decompress it first (e.g. mv ${name} ${name}.gz && gunzip ${name}.gz)`;
  }
  if ((first === 0xff && second === 0xfe) || (first === 0xfe && second === 0xff)) {
    return 'file is UTF-16 text (it starts with a UTF-16 byte-order mark): save it as UTF-8';
  }
  // No JSON or CSV text holds a NUL byte, but UTF-16 text without a byte-order mark starts with
  // one beside each of its first ASCII characters.
  if ((first === 0 && second !== 0 && second < 0x80) || (second === 0 && first !== 0 && first < 0x80)) {
    return 'file is UTF-16 text (a NUL byte beside each of its first characters): save it as UTF-8';
  }
  return undefined;
}
