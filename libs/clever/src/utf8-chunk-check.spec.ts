import { TextDecoder } from 'node:util';
import { Utf8ChunkCheck } from './utf8-chunk-check';
import { seededRandom } from '@roster-ledger/testing';


/** The chunk (its index) where a streaming fatal TextDecoder throws, `chunks.length` for the end, undefined if never. */
function decoderFailure(chunks: readonly Uint8Array[]): number | undefined {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  for (const [index, chunk] of chunks.entries()) {
    try {
      decoder.decode(chunk, { stream: true });
    } catch {
      return index;
    }
  }
  try {
    decoder.decode();
  } catch {
    return chunks.length;
  }
  return undefined;
}

function checkFailure(chunks: readonly Uint8Array[]): number | undefined {
  const check = new Utf8ChunkCheck();
  for (const [index, chunk] of chunks.entries()) if (!check.accepts(chunk)) return index;
  return check.acceptsEnd() ? undefined : chunks.length;
}

function split(bytes: Uint8Array, next: () => number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; ) {
    const size = Math.floor(next() * 6);
    chunks.push(bytes.subarray(at, at + size));
    at += size;
  }
  return chunks;
}

describe('Utf8ChunkCheck', () => {
  const text = Buffer.from('a é 漢 🎓 \u{10FFFF} \u0080 \uFEFF z');

  it('accepts UTF-8 text cut anywhere, in chunks of any size', () => {
    for (let cut = 0; cut <= text.length; cut += 1) {
      expect(checkFailure([text.subarray(0, cut), text.subarray(cut)])).toBeUndefined();
    }
    for (const size of [1, 2, 3]) {
      const chunks: Uint8Array[] = [];
      for (let at = 0; at < text.length; at += size) chunks.push(text.subarray(at, at + size));
      expect(checkFailure(chunks)).toBeUndefined();
    }
  });

  it.each([
    ['a Latin-1 byte', [0x61, 0xe9, 0x20, 0x62]],
    ['a stray continuation byte', [0x61, 0x80]],
    ['an overlong encoding', [0xc0, 0xaf]],
    ['a surrogate', [0xed, 0xa0, 0x80]],
    ['a code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
    ['0xFF', [0xff]],
    ['a character cut by the end of the file', [0x61, 0xe6, 0xbc]],
  ])('rejects %s in the same chunk as TextDecoder does', (_, bytes) => {
    const data = Uint8Array.from(bytes);
    for (let cut = 0; cut <= data.length; cut += 1) {
      const chunks = [data.subarray(0, cut), data.subarray(cut)];
      expect(checkFailure(chunks)).toBe(decoderFailure(chunks));
      expect(checkFailure(chunks)).toBeDefined();
    }
  });

  it('fails on the same chunk as a streaming fatal TextDecoder, for random bytes in random chunks', () => {
    const next = seededRandom(7);
    // Mostly bytes that make or break UTF-8 sequences.
    const alphabet = [0x41, 0x0a, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc2, 0xdf, 0xe0, 0xe1, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff];
    for (let run = 0; run < 20_000; run += 1) {
      const length = 1 + Math.floor(next() * 10);
      const bytes = Uint8Array.from({ length }, () => alphabet[Math.floor(next() * alphabet.length)] ?? 0);
      const chunks = split(bytes, next);
      expect([run, checkFailure(chunks)]).toEqual([run, decoderFailure(chunks)]);
    }
  });
});
