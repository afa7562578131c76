import { Logger } from '@nestjs/common';
import type { EventStore, EventSubscription, RecordedEvent } from '@roster-ledger/ledger';
import type { SqliteProjectionControl } from './sqlite-projection-control';

const IDLE = Symbol('idle');
const QUIET = Symbol('quiet');

/** Resolves to `value` after `ms`, unless `cancel` is called first. */
function resolveAfter<T>(ms: number, value: T): { promise: Promise<T>; cancel: () => void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<T>((resolve) => (timer = setTimeout(() => resolve(value), ms)));
  return { promise, cancel: () => clearTimeout(timer) };
}

/**
 * Keeps the live read models in step with the log for as long as it runs (`serve`): catches up in
 * batches, then follows a catch-up subscription, folding what arrives within `idleMs` as one batch;
 * a batch's worth or more at once (a sync another process appended) is left to the catch-up. A failing projection stops at its event
 * (see SqliteProjectionControl); the others go on. A busy database (another process writing a
 * large sync) is waited out and retried.
 */
export class LiveProjectionRunner {
  private readonly logger = new Logger(LiveProjectionRunner.name);
  private subscription: EventSubscription | null = null;
  private stopped = false;
  private done: Promise<void> | null = null;
  /** Whether the read models this process started over were announced: once, though a projection job stops and starts the runner. */
  private announced = false;
  /** Whether the last catch-up left the read models to another process: said once, not at each look a second apart. */
  private leftElsewhere = false;

  constructor(
    private readonly control: SqliteProjectionControl,
    private readonly store: EventStore,
    private readonly batchSize = 5_000,
    private readonly idleMs = 50,
    /** How often a runner with nothing to fold lets go of versions a rebuild replaced (see SqliteProjectionControl.followSwaps). */
    private readonly quietMs = 2_000,
  ) {}

  start(): void {
    // a read model folding the whole log again answers from part of it for minutes at scale: said
    // at the first start (a rebuild or verify job stops the runner and starts it again)
    if (!this.announced) {
      for (const { name, reason } of this.control.startedOver()) {
        // folded live, in one fold held to the head: readers see none of it until it is all there
        this.logger.warn(
          `read model ${name} starts over from the log (${reason}): until serve has folded the whole log into it, it answers from none of it (GET /projections shows its lag); ` +
            `\`roster-ledger rebuild ${name}\`, run while serve is stopped, does it in bulk, several times faster`,
        );
      }
      this.announced = true;
    }
    this.stopped = false;
    this.leftElsewhere = false;
    this.done = this.run().catch((error) => this.logger.error(`projection runner stopped: ${String(error)}`));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.subscription?.stop();
    await this.done;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        // a stop is heard between batches, not only once the log is folded
        await this.catchUpSaid();
        if (this.stopped) return;
        if (this.control.foldedElsewhere()) {
          // another process is folding into the read models (a CLI import's catch-up): followed
          // now, the log would hand over a batch's worth at once, again and again, until it is done
          await new Promise((r) => setTimeout(r, 1_000));
          continue;
        }
        // a read model stopped at a failing event stays where it stopped: followed from there, the
        // events after it would arrive a batch's worth at once, again and again
        const folding = (await this.control.status()).filter((s) => s.status !== 'failed');
        if (folding.length > 0) await this.follow(Math.min(...folding.map((s) => s.position)));
        else await new Promise((r) => setTimeout(r, 1_000));
      } catch (error) {
        if (this.stopped) return;
        this.logger.warn(`projections will retry in 1 s: ${error instanceof Error ? error.message : String(error)}`);
        await new Promise((r) => setTimeout(r, 1_000));
      }
    }
  }

  /**
   * Catches up; one that has a batch's worth or more to fold (a sync another process appended)
   * is logged as it starts and as it ends, so that an engineer watching the log knows why queries
   * answer from before that sync for a while.
   */
  private async catchUpSaid(): Promise<void> {
    const behind = Math.max(0, ...(await this.control.status()).filter((s) => s.status === 'running').map((s) => s.lag.events));
    if (behind < this.batchSize) {
      await this.control.catchUp(undefined, () => this.stopped);
      if (this.leftElsewhere && !this.control.foldedElsewhere() && !this.stopped) {
        this.leftElsewhere = false;
        this.logger.log('read models caught up: another process folded those events');
      }
      return;
    }
    const started = Date.now();
    // left to another process a second ago, the engineer was told then that queries answer from before them
    const wasLeft = this.leftElsewhere;
    if (!wasLeft) this.logger.log(`folding ${behind.toLocaleString('en-US')} events into the read models; until they are folded, queries answer from before them`);
    const folded = await this.control.catchUp(undefined, () => this.stopped);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    if (this.stopped) {
      this.logger.log(`folding stopped after ${seconds} s (the server is stopping, or a rebuild was asked for): it resumes from the log`);
      return;
    }
    if (this.control.foldedElsewhere()) {
      // (a command rebuilding them after a large sync, or folding them: looked at again each second)
      if (!wasLeft) this.logger.log('another process is folding those events into the read models: left to it');
      this.leftElsewhere = true;
      return;
    }
    this.leftElsewhere = false;
    // folded here after all: the other process ended (or stopped) before it had folded them
    if (wasLeft) this.logger.log(`read models caught up: ${folded.toLocaleString('en-US')} events folded here in ${seconds} s`);
    // fewer than it set out to fold: a CLI command folded the rest first, between the two reads
    else if (folded < behind) this.logger.log(`read models caught up in ${seconds} s: ${folded.toLocaleString('en-US')} events folded here, the rest by another process first`);
    else this.logger.log(`read models caught up: ${folded.toLocaleString('en-US')} events folded in ${seconds} s`);
  }

  private async follow(after: number): Promise<void> {
    const subscription = this.store.subscribeToAll({ after });
    this.subscription = subscription;
    // stopped however this ends: a batch that failed (a busy database) would leave it polling the
    // log, and holding what it read, while the runner follows again with another
    try {
      const events = subscription[Symbol.asyncIterator]();
      let batch: RecordedEvent[] = [];
      let pending = events.next();
      while (!this.stopped) {
        const wait = batch.length === 0 ? resolveAfter(this.quietMs, QUIET) : resolveAfter(this.idleMs, IDLE);
        const next = await Promise.race([pending, wait.promise]);
        wait.cancel();
        if (next === QUIET) {
          this.control.followSwaps();
          continue;
        }
        if (next === IDLE || (next.done && batch.length > 0)) {
          await this.control.applyLive(batch, () => this.stopped);
          batch = [];
          if (next === IDLE) continue;
        }
        if (next.done) return;
        batch.push(next.value);
        if (batch.length >= this.batchSize) {
          // A batch's worth at once: another process appended a sync, perhaps of millions of events.
          // The subscription reads on without waiting, so folding it here, batch after batch, would
          // keep the thread from answering anything (health checks included) until the end. The
          // catch-up folds it instead: a batch at a time with the thread let go between batches, on
          // two threads when it is large. Then the runner follows again from where it got to.
          await events.return?.(undefined);
          return;
        }
        pending = events.next();
      }
    } finally {
      await subscription.stop();
    }
  }
}
