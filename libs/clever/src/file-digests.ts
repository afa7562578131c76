import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { statSync } from 'node:fs';
import { startSourceWorker } from '@roster-ledger/ledger';
import { SHA256_CHUNK_BYTES, sha256OfFile } from './sha256-of-file';

/** The files' total size from which FileDigests hashes them on a thread of their own. */
export const HASH_ON_THREAD_FROM_BYTES = 8 * 1024 * 1024;

/** A file's size and the SHA-256 of its bytes (hex). */
export interface FileDigest {
  bytes: number;
  sha256: string;
}

/** What the hashing thread is given. */
export interface FileDigestsInput {
  paths: readonly string[];
}

/** What the hashing thread posts: a digest per file, in order, or why it could not go on. */
export type FileDigestsMessage = ({ type: 'digest' } & FileDigest) | { type: 'failed'; message: string; code?: string };

/**
 * The size and SHA-256 of files, taken one after another on a thread of their own: hashing a
 * gigabyte takes a second of CPU, which the thread running the reader (and, in the API server,
 * the requests) must not wait through. Files too small to be worth a thread are hashed on the
 * caller's, as each digest is asked for. Each digest can be waited for as soon as its file is done,
 * so a comparison can stop at the first file that differs (see `stop`). The thread never keeps
 * the process alive but while someone waits for it, and ends once the last file is hashed.
 */
export class FileDigests {
  private readonly worker: Worker | null;
  private readonly digests: FileDigest[] = [];
  private failure: Error | null = null;
  private stopped = false;
  /** The buffer files hashed on the caller's thread are read into: one for them all. */
  private chunk: Buffer | null = null;
  private waiters: (() => void)[] = [];

  /**
   * @param onThreadFrom the files' total size from which they are hashed on a thread (default
   * 8 MiB): smaller ones are hashed where they are asked for, in a few milliseconds, as starting
   * the thread would take longer than a small district's whole sync.
   */
  constructor(
    private readonly paths: readonly string[],
    onThreadFrom = HASH_ON_THREAD_FROM_BYTES,
  ) {
    if (paths.length === 0 || totalSize(paths) < onThreadFrom) {
      this.worker = null;
      return;
    }
    const input: FileDigestsInput = { paths };
    const worker = startSourceWorker(join(__dirname, 'file-digests.worker'), __filename, input);
    worker.unref();
    worker.on('message', (message: FileDigestsMessage) => {
      if (message.type === 'digest') this.digests.push({ bytes: message.bytes, sha256: message.sha256 });
      else this.failure ??= Object.assign(new Error(message.message), message.code === undefined ? {} : { code: message.code });
      this.wake();
    });
    worker.on('error', (error: Error) => {
      this.failure ??= new Error(`the hashing thread failed: ${error.message}`);
      this.wake();
    });
    worker.on('exit', (code) => {
      if (this.digests.length < this.paths.length) this.failure ??= new Error(`the hashing thread stopped (exit code ${code}) before hashing every file`);
      this.wake();
    });
    this.worker = worker;
  }

  /**
   * The digest of the `index`th file, once it is hashed.
   * @throws the error that kept it from being read (with the file system's `code`, ENOENT...), or
   * that the digests were stopped.
   */
  async digest(index: number): Promise<FileDigest> {
    if (this.worker === null) return this.digestHere(index);
    for (;;) {
      const digest = this.digests[index];
      if (digest !== undefined) return digest;
      if (this.stopped) throw new Error('FileDigests: stopped before the file was hashed');
      if (this.failure !== null) throw this.failure;
      // only a waiting caller keeps the process alive for the thread
      this.worker!.ref();
      try {
        await new Promise<void>((resolve) => this.waiters.push(resolve));
      } finally {
        if (this.waiters.length === 0) this.worker!.unref();
      }
    }
  }

  /** Every file's digest, in the order the paths were given. */
  async all(): Promise<FileDigest[]> {
    for (let i = 0; i < this.paths.length; i += 1) await this.digest(i);
    return [...this.digests];
  }

  /** Ends the hashing, whatever is left of it: the digests are no longer needed. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.wake();
    await this.worker?.terminate();
  }

  /** Hashes the files up to `index` on this thread, as far as they are not yet. */
  private digestHere(index: number): FileDigest {
    if (this.stopped) throw new Error('FileDigests: stopped before the file was hashed');
    this.chunk ??= Buffer.allocUnsafe(SHA256_CHUNK_BYTES);
    while (this.digests.length <= index) this.digests.push(sha256OfFile(this.paths[this.digests.length]!, this.chunk));
    return this.digests[index]!;
  }

  private wake(): void {
    for (const resolve of this.waiters.splice(0)) resolve();
  }
}

/** The files' total size; a file that cannot be looked at counts as large (the thread reports why). */
function totalSize(paths: readonly string[]): number {
  let total = 0;
  for (const path of paths) total += statSync(path, { throwIfNoEntry: false })?.size ?? Number.POSITIVE_INFINITY;
  return total;
}

/** Whether an error is the file system's (a file gone, unreadable): the files changed, the thread is fine. */
export function isFileError(error: unknown): boolean {
  return typeof (error as NodeJS.ErrnoException | undefined)?.code === 'string';
}
