import { closeSync, openSync, readSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import type { FileDigestsInput, FileDigestsMessage } from './file-digests';

/*
 * The thread of FileDigests: hashes the files given, one after another, and posts each one's size
 * and SHA-256 as it is done, then ends. Its reads are synchronous: the thread has nothing else to
 * do, and they take no turn of the libuv pool the reader's own file reads wait in.
 */

/** Bytes read at a time: large enough that a read's cost is the bytes, small enough to stop soon when terminated. */
const CHUNK_BYTES = 4 * 1024 * 1024;

const { paths } = (workerData as { data: FileDigestsInput }).data;
const post = (message: FileDigestsMessage) => parentPort!.postMessage(message);

try {
  const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  for (const path of paths) post({ type: 'digest', ...digestOf(path, chunk) });
} catch (error) {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  post({ type: 'failed', message: error instanceof Error ? error.message : String(error), ...(typeof code === 'string' ? { code } : {}) });
}

function digestOf(path: string, chunk: Buffer): { bytes: number; sha256: string } {
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
