const NEWLINE = 0x0a;

/**
 * Turns byte offsets of a file read chunk by chunk into 1-based line numbers, without keeping
 * more than the current chunk. A newline byte never occurs inside a multi-byte UTF-8 character,
 * so counting 0x0A bytes counts the lines of the decoded text exactly.
 */
export class LineCounter {
  private chunk: Buffer = Buffer.alloc(0);
  private chunkStart = 0;
  private newlinesBefore = 0;
  /** Where the last lookup stopped inside the current chunk, so ascending lookups scan each byte once. */
  private cursor = 0;
  private cursorNewlines = 0;

  /** Starts the next chunk of the file. */
  push(chunk: Uint8Array): void {
    this.newlinesBefore += countNewlines(this.chunk, 0, this.chunk.length);
    this.chunkStart += this.chunk.length;
    this.chunk = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    this.cursor = 0;
    this.cursorNewlines = 0;
  }

  /** Line of a byte offset of the file. Offsets before the current chunk map to its first line. */
  lineAt(offset: number): number {
    const target = Math.min(Math.max(offset - this.chunkStart, 0), this.chunk.length);
    if (target < this.cursor) {
      this.cursor = 0;
      this.cursorNewlines = 0;
    }
    this.cursorNewlines += countNewlines(this.chunk, this.cursor, target);
    this.cursor = target;
    return this.newlinesBefore + this.cursorNewlines + 1;
  }

  /** Line of the last byte that is not whitespace in the current chunk (where a truncated file stops). */
  lastContentLine(): number {
    let end = this.chunk.length;
    while (end > 0 && isJsonWhitespace(this.chunk[end - 1] ?? 0)) end -= 1;
    return this.lineAt(this.chunkStart + Math.max(end - 1, 0));
  }

  /** Line where the current chunk starts. */
  chunkStartLine(): number {
    return this.newlinesBefore + 1;
  }
}

export function isJsonWhitespace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

export function countNewlines(bytes: Buffer, from: number, to: number): number {
  if (to <= from) return 0;
  // A view bounded at `to`: indexOf must not scan the rest of a long single-line chunk each time.
  const view = bytes.subarray(from, to);
  let count = 0;
  let at = view.indexOf(NEWLINE);
  while (at !== -1) {
    count += 1;
    at = view.indexOf(NEWLINE, at + 1);
  }
  return count;
}
