import type { EventStore, ProjectionProgress, RecordedEvent } from '@roster-ledger/ledger';
import type { Db } from '../read-model-database';
import type { Target } from './fold-target';
import { ProjectionFailed } from './projection-failed';
import type { ProjectionVersions } from './projection-versions';

/** Events read at a time when a batch is folded as the store reads it (`foldStreamed`). */
const STREAM_SLICE = 1_000;

/** The category every one of these targets folds alone, or null when any folds more (see SqliteProjection.category). */
function categoryOf(targets: readonly Target[]): string | null {
  const category = targets[0]?.projection.category;
  return category !== undefined && targets.every((t) => t.projection.category === category) ? category : null;
}

/**
 * Feeds targets the log in batches, each batch in one transaction per file with the targets'
 * checkpoints; stops a target at an event it cannot fold (never skips it) and says which.
 */
export class BatchFeeder {
  /**
   * @param batchSize events per batch when folding live (see feed)
   */
  constructor(
    private readonly store: EventStore,
    private readonly versions: ProjectionVersions,
    private readonly batchSize: number,
    private readonly clock: () => Date,
  ) {}

  /**
   * Reads the log in batches after the lowest checkpoint of the targets and folds each batch in.
   * `stopAt` bounds the position (for a verification at the live checkpoint). Throws
   * ProjectionFailed when `strict` and a target stops at an event. A bulk load (tables nobody
   * reads yet) gives the largest batch it may take; live folding takes `batchSize` events a batch.
   * Ends early, between batches, when `interrupted` says so.
   */
  async feed(
    targets: () => Target[],
    stopAt: number | undefined,
    onProgress: ((p: ProjectionProgress) => void) | undefined,
    strict = false,
    bulkBatchSize: number | null = null,
    interrupted: () => boolean = () => false,
    held: readonly Db[] = [],
  ): Promise<number> {
    const started = this.clock().getTime();
    let applied = 0;
    const batchSize = bulkBatchSize === null ? this.batchSize : await this.bulkBatchFor(targets(), stopAt, bulkBatchSize);
    for (;;) {
      const current = targets();
      if (current.length === 0) return applied;
      const from = Math.min(...current.map((t) => t.position));
      if (stopAt !== undefined && from >= stopAt) return applied;
      const category = categoryOf(current);
      let folded = category === null ? this.foldStreamed(current, from, batchSize, stopAt) : await this.foldCategory(current, category, from, batchSize, stopAt);
      // SQLite may have rolled a held transaction back whole (a full disk): folding on from here
      // in a new one would build on the last commit and skip what the lost batches held
      stillHeld(held);
      if (folded === null) {
        // no store to stream from, or a target failed while streaming: the batch in memory,
        // folded one target at a time, which stops a failing target at its event
        const batch: RecordedEvent[] = [];
        for await (const e of this.store.readAll({ after: from, maxCount: batchSize })) {
          if (stopAt !== undefined && e.position > stopAt) break;
          batch.push(e);
        }
        if (batch.length > 0) this.applyBatch(current, batch);
        stillHeld(held);
        folded = { count: batch.length, last: batch[batch.length - 1]?.position ?? from };
      }
      // (a category's fold may have passed over other events without folding any)
      if (folded.count === 0 && folded.last <= from) return applied;
      applied += folded.count;
      for (const t of current) t.committed?.(t.position);
      // let the process breathe between batches: an API in the same process keeps answering
      await new Promise((resolve) => setImmediate(resolve));
      if (interrupted()) return applied;
      const failed = current.find((t) => t.failure);
      if (strict && failed) throw new ProjectionFailed(failed.projection.name, failed.failure!);
      if (onProgress) {
        const head = stopAt ?? (await this.store.headPosition());
        const position = folded.last;
        const eventsPerSecond = applied / Math.max(0.001, (this.clock().getTime() - started) / 1000);
        onProgress({
          projections: current.map((t) => t.projection.name),
          position,
          head,
          eventsPerSecond: Math.round(eventsPerSecond),
          etaSeconds: eventsPerSecond > 0 ? Math.round((head - position) / eventsPerSecond) : null,
        });
      }
    }
  }

  /**
   * The batch size of a bulk load: large (up to `largest`), to write each page fewer times, but
   * at most a twentieth of what is left to fold, so that a short log still gets checkpoints to
   * resume from and progress to show.
   */
  private async bulkBatchFor(targets: Target[], stopAt: number | undefined, largest: number): Promise<number> {
    if (targets.length === 0) return this.batchSize;
    const from = Math.min(...targets.map((t) => t.position));
    const to = stopAt ?? (await this.store.headPosition());
    return Math.max(this.batchSize, Math.min(largest, Math.ceil((to - from) / 20)));
  }

  /**
   * Folds the next batch (up to `batchSize` events after `from`, none past `stopAt`) a slice at a
   * time as the store reads it, in one transaction per file held open across the batch (taken in
   * the targets' order, so two processes never wait on each other), each target taking the
   * events past its checkpoint. Nothing holds the batch: each slice is garbage once folded.
   * Returns how many events it folded and the last one's position; null when the store cannot
   * read without waiting, or when anything failed: every file's transaction is then rolled back
   * and the batch is for `applyBatch`, which stops a failing target at its event.
   */
  private foldStreamed(targets: Target[], from: number, batchSize: number, stopAt: number | undefined): { count: number; last: number } | null {
    const readNow = this.store.readAllNow?.bind(this.store);
    if (!readNow) return null;
    const files = [...this.versions.byFile(targets)];
    let count = 0;
    let last = from;
    const feeding: Target[] = [];
    const fold = () => {
      for (const [, group] of files) {
        for (const t of group) if (this.resumeUnderLock(t)) feeding.push(t);
      }
      while (count < batchSize) {
        const wanted = Math.min(STREAM_SLICE, batchSize - count);
        const slice = readNow(last, wanted);
        let end = slice.length;
        while (stopAt !== undefined && end > 0 && slice[end - 1]!.position > stopAt) end--;
        for (const t of feeding) {
          for (let i = 0; i < end; i++) if (slice[i]!.position > t.position) t.writer.apply(slice[i]!);
        }
        if (end > 0) last = slice[end - 1]!.position;
        count += end;
        if (end < wanted) break;
      }
      for (const t of feeding) {
        if (last <= t.position) continue;
        t.writer.flush();
        t.checkpoint(last);
      }
    };
    const inTransactionOf = (i: number): void => {
      if (i === files.length) return fold();
      files[i]![0].transaction(() => inTransactionOf(i + 1)).immediate();
    };
    try {
      inTransactionOf(0);
    } catch {
      this.versions.writers.resetAll();
      return null;
    }
    for (const t of feeding) {
      if (last <= t.position) continue;
      t.position = last;
      this.versions.writers.noteFolded(t.key, last);
    }
    return { count, last };
  }

  /**
   * Folds the next batch of one category's events (up to `batchSize` after `from`, none past
   * `stopAt` or, without it, the head as it was before they were read), for targets that fold that
   * category alone (see SqliteProjection.category). When none is left before that bound, the
   * targets' checkpoints move to it: the events passed over are none of theirs. Returns how many
   * events it folded and the position it got to.
   */
  private async foldCategory(targets: Target[], category: string, from: number, batchSize: number, stopAt: number | undefined): Promise<{ count: number; last: number }> {
    const bound = stopAt ?? (await this.store.headPosition());
    const batch: RecordedEvent[] = [];
    for await (const e of this.store.readCategory(category, { after: from, maxCount: batchSize })) {
      if (e.position > bound) break;
      batch.push(e);
    }
    if (batch.length > 0) this.applyBatch(targets, batch);
    if (batch.length === batchSize) return { count: batch.length, last: batch[batch.length - 1]!.position };
    const passing = targets.filter((t) => t.failure === null);
    try {
      for (const [db, group] of this.versions.byFile(passing)) {
        // immediate, as every fold's: a transaction that reads the checkpoint and then writes
        // fails (SQLITE_BUSY) when another connection commits between the two
        db.transaction(() => {
          for (const t of group) {
            if (!this.resumeUnderLock(t) || t.position >= bound) continue;
            t.checkpoint(bound);
            t.position = bound;
            this.versions.writers.noteFolded(t.key, bound);
          }
        }).immediate();
      }
    } catch (error) {
      this.versions.writers.resetAll();
      throw error;
    }
    return { count: batch.length, last: bound };
  }

  /** One transaction per file: each target folds the events past its checkpoint, then moves it. */
  applyBatch(targets: Target[], events: RecordedEvent[]): void {
    try {
      for (const [db, group] of this.versions.byFile(targets)) this.applyInTransaction(db, group, events);
    } catch (error) {
      // a file's transaction rolled back: no writer may keep what it cached from it (those of
      // files already committed read their rows back, which is only slower)
      this.versions.writers.resetAll();
      throw error;
    }
  }

  /**
   * Takes a target's stored checkpoint as the one this batch builds on, under the write lock.
   * False when its version is no longer fed here (another process swapped it in, or dropped it).
   */
  private resumeUnderLock(t: Target): boolean {
    const stored = t.stored();
    if (stored === null) return false;
    if (stored !== this.versions.writers.foldedAt(t.key)) {
      // another process folded into these tables since this writer last did: what it keeps
      // in memory across batches (documents, schools of each record) may be out of date
      t.writer.reset();
    }
    t.position = stored;
    return true;
  }

  private applyInTransaction(db: Db, targets: Target[], events: RecordedEvent[]): void {
    db.transaction(() => {
      for (const t of targets) {
        if (!this.resumeUnderLock(t)) continue;
        let start = 0;
        while (start < events.length && events[start]!.position <= t.position) start++;
        if (start === events.length) continue;
        try {
          db.transaction(() => {
            for (let at = start; at < events.length; at++) t.writer.apply(events[at]!);
            t.writer.flush();
            t.checkpoint(events[events.length - 1]!.position);
          })();
          t.position = events[events.length - 1]!.position;
          this.versions.writers.noteFolded(t.key, t.position);
        } catch (error) {
          t.writer.reset();
          // SQLite failing (a full disk may roll the file's whole transaction back): no event to look for
          if (isSqliteFailure(error) || !db.inTransaction) throw error;
          const failure = this.failingEvent(t, events.slice(start));
          if (failure === null) throw error;
          this.stopAt(t, events.slice(start, start + failure.index), events[start + failure.index]!, failure.error);
        }
      }
    }).immediate();
  }

  /**
   * Which event a target's failed batch stopped at, and why. Writers hold rows back to write many
   * at a time (see BufferedInsert), so a row may fail to be written while a later event is folded,
   * or at the flush: the events are folded again one at a time, each written at once, inside a
   * transaction that is then rolled back. Null when every event folds, or when what failed was
   * SQLite itself rather than a row (a full disk, a lock, an I/O error): the batch then fails as
   * a whole and is folded again later, as before writers held rows back.
   */
  private failingEvent(t: Target, events: RecordedEvent[]): { index: number; error: unknown } | null {
    let failure: { index: number; error: unknown } | null = null;
    try {
      this.versions.tablesDb(t.projection, t.version).transaction(() => {
        for (let index = 0; index < events.length && failure === null; index++) {
          try {
            t.writer.apply(events[index]!);
            t.writer.flush();
          } catch (error) {
            failure = { index, error };
          }
        }
        throw new Error('only looking for the failing event: rolled back');
      })();
    } catch {
      // rolled back, as meant (or failing on its own: the caller then reports the batch's error)
    } finally {
      t.writer.reset();
    }
    // (the type checker cannot see the assignment inside the callback)
    const found = failure as { index: number; error: unknown } | null;
    return found !== null && !isSqliteFailure(found.error) ? found : null;
  }

  /** Folds the events before the failing one, then records where and why the projection stopped. */
  private stopAt(t: Target, before: RecordedEvent[], failing: RecordedEvent, error: unknown): void {
    if (before.length > 0) {
      this.versions.tablesDb(t.projection, t.version).transaction(() => {
        for (const e of before) t.writer.apply(e);
        t.writer.flush();
        t.checkpoint(before[before.length - 1]!.position);
      })();
      t.position = before[before.length - 1]!.position;
      this.versions.writers.noteFolded(t.key, t.position);
    }
    t.failure = {
      position: failing.position,
      type: failing.type,
      streamId: failing.streamId,
      message: error instanceof Error ? error.message : String(error),
    };
    const registry = this.versions.registryOf(t.projection);
    if (t.version === registry.get(t.projection.name).live_version) {
      registry.fail(t.projection.name, t.failure);
      // (a commit on this connection does not move its data_version: see ProjectionVersions.liveVersion)
      this.versions.forgetLive(t.projection.name);
    }
  }
}

/**
 * Whether an error is SQLite failing (full, busy, locked, read-only, out of memory, I/O) rather
 * than refusing a row (a constraint, a value of the wrong type or size): the second is an event's
 * doing, the first is not.
 */
function isSqliteFailure(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return false;
  return !/^SQLITE_(CONSTRAINT|MISMATCH|TOOBIG|RANGE)/.test(code);
}

/** Throws when SQLite rolled back a transaction a live fold holds (see feed). */
function stillHeld(held: readonly Db[]): void {
  if (held.some((db) => !db.inTransaction)) {
    throw new Error('SQLite rolled back the read models\' transaction (a full disk, or out of memory); the catch-up is folded again from the last commit');
  }
}
