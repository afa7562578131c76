import { closeSync, openSync, readSync } from 'node:fs';
import { createHash } from 'node:crypto';

/** Bytes read at a time: large enough that a read's cost is the bytes, small enough to stop soon when a thread is terminated. */
export const SHA256_CHUNK_BYTES = 4 * 1024 * 1024;

/** A file's size and the SHA-256 of its bytes (hex), read synchronously a chunk at a time into `chunk` (reused). */
export function sha256OfFile(path: string, chunk: Buffer = Buffer.allocUnsafe(SHA256_CHUNK_BYTES)): { bytes: number; sha256: string } {
  const hash = createHash('sha256');
  const fd = openSync(path, 'r');
  let bytes = 0;
  try {
    for (;;) {
      const read = readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) break;
      hash.update(chunk.subarray(0, read));
      bytes += read;
    }
  } finally {
    closeSync(fd);
  }
  return { bytes, sha256: hash.digest('hex') };
}
