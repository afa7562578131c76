import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { SnapshotContents } from '@roster-ledger/domain';
import { FileDigests, isFileError } from './file-digests';

/** A file's size, times and inode as of one moment: any write or replacement since changes it. */
type FileStamp = string;

/** One `items()` pass, as far as its files' contents go. */
interface Pass {
  /** The files' stamps as the pass began; null when one could not be taken (the pass reports why). */
  stamps: FileStamp[] | null;
  digests: FileDigests | null;
  ended: boolean;
}

/**
 * The contents side of a snapshot of files (see SnapshotSource.contents and matches): the files a
 * reader reads, hashed on another thread beside each `items()` pass, and compared with the
 * contents of an earlier sync without reading them as records. A file written to while a pass
 * reads it changes its stamp (size, mtime, ctime, inode), and the pass then has no contents: its
 * records and its digests may be of different bytes. (A write within the file system clock's tick
 * of the pass's first look, a few milliseconds, can keep the same times: that race is not closed.)
 */
export class SnapshotFileContents {
  /** The files, sorted by name. */
  private readonly paths: string[];
  private readonly names: string[];
  private last: Pass | null = null;

  /** @param paths every file the reader reads, absolute; named in the contents by their name in the folder. */
  constructor(
    private readonly reading: string,
    paths: readonly string[],
  ) {
    this.paths = [...paths].sort((a, b) => compare(basename(a), basename(b)));
    this.names = this.paths.map((path) => basename(path));
  }

  /**
   * An `items()` pass of the reader, unchanged, with the files hashed beside it from its start.
   * The digests are dropped when the pass is abandoned (returned early, or thrown out of).
   */
  async *pass<T>(items: AsyncIterable<T>): AsyncGenerator<T> {
    await this.last?.digests?.stop();
    const stamps = await stampsOf(this.paths);
    const pass: Pass = { stamps, digests: stamps === null ? null : new FileDigests(this.paths), ended: false };
    this.last = pass;
    try {
      yield* items;
      pass.ended = true;
    } finally {
      if (!pass.ended) await pass.digests?.stop();
    }
  }

  /**
   * The digests of the files the last `items()` pass read, or null when that pass did not end
   * (or has not yet), or a file is not as it was when the pass began.
   */
  async contents(): Promise<SnapshotContents | null> {
    const pass = this.last;
    if (pass === null || !pass.ended || pass.stamps === null || pass.digests === null) return null;
    let digests;
    try {
      digests = await pass.digests.all();
    } catch (error) {
      // a file the pass read is gone or unreadable: it changed
      if (isFileError(error)) return null;
      throw error;
    }
    const now = await stampsOf(this.paths);
    if (now === null || now.some((stamp, i) => stamp !== pass.stamps![i])) return null;
    return {
      reading: this.reading,
      files: this.names.map((name, i) => ({ name, bytes: digests[i]!.bytes, sha256: digests[i]!.sha256 })),
    };
  }

  /**
   * Whether the files are now exactly `contents`, read the same way: the reading, the names and
   * the sizes are compared first, and only then the files hashed, the smallest first, until one
   * differs. Touches no `items()` pass.
   */
  async matches(contents: SnapshotContents): Promise<boolean> {
    if (contents.reading !== this.reading || contents.files.length !== this.names.length) return false;
    const byName = new Map(contents.files.map((file) => [file.name, file]));
    const expected = this.names.map((name) => byName.get(name));
    if (expected.some((file) => file === undefined)) return false;
    const sizes = await sizesOf(this.paths);
    if (sizes === null || sizes.some((size, i) => size !== expected[i]!.bytes)) return false;

    // a difference is found soonest, on average, among the files quickest to hash
    const order = this.paths.map((_, i) => i).sort((a, b) => sizes[a]! - sizes[b]!);
    const digests = new FileDigests(order.map((i) => this.paths[i]!));
    try {
      for (let k = 0; k < order.length; k += 1) {
        const digest = await digests.digest(k);
        const file = expected[order[k]!]!;
        if (digest.sha256 !== file.sha256 || digest.bytes !== file.bytes) return false;
      }
      return true;
    } catch (error) {
      if (isFileError(error)) return false;
      throw error;
    } finally {
      await digests.stop();
    }
  }
}

/** Each file's stamp, or null when one cannot be taken. */
async function stampsOf(paths: readonly string[]): Promise<FileStamp[] | null> {
  try {
    const stats = await Promise.all(paths.map((path) => stat(path, { bigint: true })));
    return stats.map((s) => `${s.size} ${s.mtimeNs} ${s.ctimeNs} ${s.dev}:${s.ino}`);
  } catch {
    return null;
  }
}

/** Each file's size, or null when one cannot be taken. */
async function sizesOf(paths: readonly string[]): Promise<number[] | null> {
  try {
    return (await Promise.all(paths.map((path) => stat(path)))).map((s) => s.size);
  } catch {
    return null;
  }
}

/** Names in code-unit order, the same on every machine (no locale). */
function compare(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}
