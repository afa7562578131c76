import { parentPort, workerData } from 'node:worker_threads';
import type { FileDigestsInput, FileDigestsMessage } from './file-digests';
import { SHA256_CHUNK_BYTES, sha256OfFile } from './sha256-of-file';

/*
 * The thread of FileDigests: hashes the files given, one after another, and posts each one's size
 * and SHA-256 as it is done, then ends. Its reads are synchronous: the thread has nothing else to
 * do, and they take no turn of the libuv pool the reader's own file reads wait in.
 */

const { paths } = (workerData as { data: FileDigestsInput }).data;
const post = (message: FileDigestsMessage) => parentPort!.postMessage(message);

try {
  const chunk = Buffer.allocUnsafe(SHA256_CHUNK_BYTES);
  for (const path of paths) post({ type: 'digest', ...sha256OfFile(path, chunk) });
} catch (error) {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  post({ type: 'failed', message: error instanceof Error ? error.message : String(error), ...(typeof code === 'string' ? { code } : {}) });
}
