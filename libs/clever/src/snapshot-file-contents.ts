import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { SnapshotContents } from '@roster-ledger/domain';
import { FileDigests, isFileError } from './file-digests';

/** A file's size, and a key of its size, times and inode as of one moment: any write or replacement since changes the key. */
interface FileStamp {
  bytes: number;
  key: string;
}

/** One `items()` pass, as far as its files' contents go. */
interface Pass {
  digests: FileDigests | null;
  ended: boolean;
}

/**
 * The contents side of a snapshot of files (see SnapshotSource.contents and matches): the files a
 * reader reads, hashed on another thread beside each `items()` pass, and compared with the
 * contents of an earlier sync without reading them as records. The files' stamps (size, mtime,
 * ctime, inode) are taken when the folder is opened, as the reader looks at what it holds (which
 * files there are, a CSV header): a file written to since changes its stamp, and a pass then has
 * no contents, as its records and its digests may be of different bytes, or of other files than
 * the reader saw. (A write within the file system clock's tick of that first look, a few
 * milliseconds, can keep the same times: that race is not closed.)
 */
export class SnapshotFileContents {
  /** The files, sorted by name. */
  private readonly paths: string[];
  private readonly names: string[];
  private last: Pass | null = null;
  /** The files' stamps when the folder was opened; null when one could not be taken. */
  private readonly opened: Promise<FileStamp[] | null>;

  /**
   * Call as the reader opens the folder: the files' stamps are taken now.
   * @param paths every file the reader reads, absolute; named in the contents by their name in the folder.
   */
  constructor(
    private readonly reading: string,
    paths: readonly string[],
  ) {
    this.paths = [...paths].sort((a, b) => compare(basename(a), basename(b)));
    this.names = this.paths.map((path) => basename(path));
    this.opened = stampsOf(this.paths);
  }

  /**
   * An `items()` pass of the reader, unchanged, with the files hashed beside it from its start.
   * The digests are dropped when the pass is abandoned (returned early, or thrown out of).
   */
  async *pass<T>(items: AsyncIterable<T>): AsyncGenerator<T> {
    await this.last?.digests?.stop();
    const pass: Pass = { digests: (await this.opened) === null ? null : startDigests(this.paths), ended: false };
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
    const opened = await this.opened;
    if (pass === null || !pass.ended || opened === null || pass.digests === null) return null;
    let digests;
    try {
      digests = await pass.digests.all();
    } catch (error) {
      // a file the pass read is gone or unreadable: it changed
      if (isFileError(error)) return null;
      throw error;
    }
    if (!(await this.unchangedSinceOpened())) return null;
    return {
      reading: this.reading,
      files: this.names.map((name, i) => ({ name, bytes: digests[i]!.bytes, sha256: digests[i]!.sha256 })),
    };
  }

  /**
   * Whether the files are now exactly `contents`, read the same way, and unchanged since the
   * folder was opened: the reading, the names and the sizes are compared first, and only then the
   * files hashed until one differs. A pass under way (a sync reads up to its first record to learn
   * the district) is already hashing them: its digests serve, rather than a second thread reading
   * the same bytes; otherwise the smallest files are hashed first. Leaves any pass as it is.
   */
  async matches(contents: SnapshotContents): Promise<boolean> {
    if (contents.reading !== this.reading || contents.files.length !== this.names.length) return false;
    const byName = new Map(contents.files.map((file) => [file.name, file]));
    const expected = this.names.map((name) => byName.get(name));
    if (expected.some((file) => file === undefined)) return false;
    // the sizes the reader saw; a file changed since fails the last check below
    const opened = await this.opened;
    if (opened === null || opened.some((stamp, i) => stamp.bytes !== expected[i]!.bytes)) return false;
    const sizes = opened.map((stamp) => stamp.bytes);

    const running = this.last !== null && !this.last.ended ? this.last.digests : null;
    // a difference is found soonest, on average, among the files quickest to hash
    const order = running !== null ? this.paths.map((_, i) => i) : this.paths.map((_, i) => i).sort((a, b) => sizes[a]! - sizes[b]!);
    const digests = running ?? startDigests(order.map((i) => this.paths[i]!));
    if (digests === null) return false;
    try {
      for (let k = 0; k < order.length; k += 1) {
        const digest = await digests.digest(k);
        const file = expected[order[k]!]!;
        if (digest.sha256 !== file.sha256 || digest.bytes !== file.bytes) return false;
      }
      return await this.unchangedSinceOpened();
    } catch (error) {
      if (isFileError(error)) return false;
      throw error;
    } finally {
      if (digests !== running) await digests.stop();
    }
  }

  /** Whether every file still has the stamp it had when the folder was opened. */
  private async unchangedSinceOpened(): Promise<boolean> {
    const [opened, now] = await Promise.all([this.opened, stampsOf(this.paths)]);
    return opened !== null && now !== null && now.every((stamp, i) => stamp.key === opened[i]!.key);
  }
}

/** Hashing started on its thread, or null when the thread cannot be started (the files are then read without contents). */
function startDigests(paths: readonly string[]): FileDigests | null {
  try {
    return new FileDigests(paths);
  } catch {
    return null;
  }
}

/**
 * Each file's stamp, or null when one cannot be taken. A named pipe has none: its bytes can be read
 * once, by the reader, so they are neither hashed beside it (a second reader would take part of
 * them) nor compared with an earlier sync's.
 */
async function stampsOf(paths: readonly string[]): Promise<FileStamp[] | null> {
  try {
    const stats = await Promise.all(paths.map((path) => stat(path, { bigint: true })));
    if (stats.some((s) => s.isFIFO())) return null;
    return stats.map((s) => ({ bytes: Number(s.size), key: `${s.size} ${s.mtimeNs} ${s.ctimeNs} ${s.dev}:${s.ino}` }));
  } catch {
    return null;
  }
}

/** Names in code-unit order, the same on every machine (no locale). */
function compare(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}
