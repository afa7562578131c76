import { isUtf8 } from 'node:buffer';

/**
 * Checks that a file's bytes are UTF-8, chunk by chunk as they are read, and finds where the
 * first bytes that are not sit. csv-parse decodes such bytes to U+FFFD, which a file may also hold
 * well encoded (a name an earlier system could not decode): the place tells the two apart.
 */
export class Utf8Check {
  /** The byte offset of the first bytes that are not UTF-8; null while there are none. */
  brokenAt: number | null = null;
  /** The file's first two bytes (fewer while fewer were seen): they tell a gzip-compressed or UTF-16 file (see fileEncodingProblem). */
  head: Buffer = Buffer.alloc(0);
  /** Bytes checked whole so far. */
  private checked = 0;
  /** The start of a character cut by the end of the last chunk. */
  private carry: Buffer = Buffer.alloc(0);

  see(chunk: Buffer): void {
    if (this.head.length < 2) this.head = Buffer.concat([this.head, chunk.subarray(0, 2 - this.head.length)]);
    if (this.brokenAt !== null) return;
    const bytes = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
    const whole = bytes.subarray(0, wholeCharacters(bytes));
    if (!isUtf8(whole)) {
      this.brokenAt = this.checked + firstNotUtf8(whole);
      return;
    }
    this.checked += whole.length;
    this.carry = Buffer.from(bytes.subarray(whole.length));
  }

  /** At the end of the file: a character cut off there is not UTF-8. */
  end(): void {
    if (this.brokenAt === null && this.carry.length > 0) this.brokenAt = this.checked;
  }
}

/** How many bytes from the start hold whole characters: a character cut by the chunk's end is left for the next. */
function wholeCharacters(bytes: Buffer): number {
  for (let i = bytes.length - 1; i >= Math.max(0, bytes.length - 4); i--) {
    const b = bytes[i]!;
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: the lead is further back
    const length = b < 0x80 ? 1 : b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return i + length > bytes.length ? i : bytes.length;
  }
  return bytes.length;
}

/** The offset of the first sequence in `bytes` that is not UTF-8 (they hold one). */
function firstNotUtf8(bytes: Buffer): number {
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]!;
    const length = b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
    if (length === 0 || i + length > bytes.length || !isUtf8(bytes.subarray(i, i + length))) return i;
    i += length;
  }
  return bytes.length;
}
