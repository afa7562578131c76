import type { ProjectionWriter } from '../sqlite-projection';

/** A writer's key in the cache: one per projection version. */
export function writerKey(name: string, version: number): string {
  return `${name}@${version}`;
}

/**
 * The writers this process keeps, one per projection version, across batches (they hold what
 * they read of their tables: documents, schools of each record), with the checkpoint each one's
 * last commit here left.
 */
export class WriterCache {
  private readonly writers = new Map<string, ProjectionWriter>();
  /** For each writer, the checkpoint its last commit here left: what its in-memory state reflects. */
  private readonly folded = new Map<string, number>();

  /** The writer kept under `key`, made by `make` the first time. */
  writerOf(key: string, make: () => ProjectionWriter): ProjectionWriter {
    let writer = this.writers.get(key);
    if (!writer) {
      writer = make();
      this.writers.set(key, writer);
    }
    return writer;
  }

  /** The checkpoint the last commit here of the writer under `key` left, if any. */
  foldedAt(key: string): number | undefined {
    return this.folded.get(key);
  }

  /** Notes that a commit here left the writer under `key` at `position`. */
  noteFolded(key: string, position: number): void {
    this.folded.set(key, position);
  }

  /** Forgets the writer under `key` (its version is dropped). */
  forget(key: string): void {
    this.writers.delete(key);
    this.folded.delete(key);
  }

  /** Forgets the writers of a projection's versions other than those given. */
  forgetOtherVersions(name: string, keep: readonly (number | null)[]): void {
    for (const key of [...this.writers.keys()]) {
      const [of, version] = key.split('@');
      if (of === name && !keep.includes(Number(version))) {
        this.writers.delete(key);
        this.folded.delete(key);
      }
    }
  }

  /**
   * Resets every writer and forgets what each last folded: a transaction rolled back, and no
   * writer may keep what it cached from it (those of files already committed read their rows
   * back, which is only slower).
   */
  resetAll(): void {
    for (const writer of this.writers.values()) writer.reset();
    this.folded.clear();
  }
}
