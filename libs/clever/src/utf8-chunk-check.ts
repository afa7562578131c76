import { isUtf8 } from 'node:buffer';

const EMPTY = new Uint8Array(0);

/**
 * Tells, chunk by chunk, whether a streaming fatal `TextDecoder('utf-8')` would reject the bytes,
 * without decoding them: `buffer.isUtf8` over each chunk, the start of a character cut at the end
 * of a chunk kept for the next one. It accepts a chunk exactly when the decoder would: a cut
 * character is rejected as soon as its first bytes cannot start a character, and `end` rejects
 * a file that ends in the middle of one.
 */
export class Utf8ChunkCheck {
  /** The first bytes of a character cut at the end of the previous chunk. */
  private pending: Uint8Array = EMPTY;

  accepts(chunk: Uint8Array): boolean {
    let from = 0;
    if (this.pending.length > 0) {
      const missing = sequenceLength(this.pending[0] ?? 0) - this.pending.length;
      const taken = Math.min(missing, chunk.length);
      const head = concat(this.pending, chunk.subarray(0, taken));
      if (taken < missing) {
        if (!isValidStart(head)) return false;
        this.pending = head;
        return true;
      }
      if (!isUtf8(head)) return false;
      this.pending = EMPTY;
      from = taken;
    }
    const cut = incompleteTail(chunk, from);
    if (!isUtf8(chunk.subarray(from, cut))) return false;
    if (cut < chunk.length) {
      const tail = chunk.slice(cut);
      if (!isValidStart(tail)) return false;
      this.pending = tail;
    }
    return true;
  }

  /**
   * Like {@link accepts}; where the chunk is rejected, the first sequence that is not UTF-8: its
   * first byte's value and index in `chunk`, negative when the sequence began in an earlier chunk
   * (-1: the last byte before this chunk). Undefined when the chunk is accepted.
   */
  firstBadByte(chunk: Uint8Array): { index: number; byte: number } | undefined {
    const carried = this.pending;
    if (this.accepts(chunk)) return undefined;
    const bytes = concat(carried, chunk);
    const at = firstNonUtf8Sequence(bytes);
    return { index: at - carried.length, byte: bytes[at] ?? 0 };
  }

  /** How many of the bytes read so far begin a character that the next chunk has to complete. */
  cutBytes(): number {
    return this.pending.length;
  }

  /** Whether the bytes read so far end on a character boundary. */
  acceptsEnd(): boolean {
    return this.pending.length === 0;
  }
}

/**
 * Index of the first byte of the first sequence of `bytes` that is not UTF-8 (a byte that cannot
 * start a character, or a character broken or cut off by the end), else `bytes.length`. Byte by
 * byte: only called once a chunk is known to be rejected.
 */
function firstNonUtf8Sequence(bytes: Uint8Array): number {
  let at = 0;
  while (at < bytes.length) {
    const length = sequenceLength(bytes[at] ?? 0);
    if (length === 0 || at + length > bytes.length || !isUtf8(bytes.subarray(at, at + length))) return at;
    at += length;
  }
  return at;
}

/** Bytes in the character a lead byte starts; 0 when the byte cannot start one. */
function sequenceLength(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

/** Index of the character the chunk ends in the middle of (from `from` on), else the chunk's length. */
function incompleteTail(chunk: Uint8Array, from: number): number {
  let lead = chunk.length - 1;
  while (lead >= from && lead > chunk.length - 4 && ((chunk[lead] ?? 0) & 0xc0) === 0x80) lead -= 1;
  if (lead < from) return chunk.length;
  return sequenceLength(chunk[lead] ?? 0) > chunk.length - lead ? lead : chunk.length;
}

/**
 * Whether some bytes could complete `start` (shorter than its character) into UTF-8: tried with
 * the continuation bytes every lead byte accepts (E0 and F0 need a second byte of at least A0
 * and 90, ED and F4 one of at most 9F and 8F).
 */
function isValidStart(start: Uint8Array): boolean {
  const length = sequenceLength(start[0] ?? 0);
  if (length <= start.length) return false;
  const low = new Uint8Array(length).fill(0x80);
  low.set(start);
  if (isUtf8(low)) return true;
  if (start.length > 1) return false;
  const high = new Uint8Array(length).fill(0x80);
  high.set(start);
  high[1] = 0xa0;
  return isUtf8(high);
}

function concat(first: Uint8Array, second: Uint8Array): Uint8Array {
  const joined = new Uint8Array(first.length + second.length);
  joined.set(first);
  joined.set(second, first.length);
  return joined;
}
