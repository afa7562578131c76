import { Logger } from '@nestjs/common';
import type { EventStore, EventSubscription, RecordedEvent } from '@roster-ledger/ledger';
import type { SqliteProjectionControl } from './sqlite-projection-control';

const IDLE = Symbol('idle');

/**
 * Keeps the live read models in step with the log for as long as it runs (`serve`): catches up in
 * batches, then follows a catch-up subscription, folding what arrives in batches of up to
 * `batchSize` events or whatever came within `idleMs`. A failing projection stops at its event
 * (see SqliteProjectionControl); the others go on. A busy database (another process writing a
 * large sync) is waited out and retried.
 */
export class LiveProjectionRunner {
  private readonly logger = new Logger(LiveProjectionRunner.name);
  private subscription: EventSubscription | null = null;
  private stopped = false;
  private done: Promise<void> | null = null;

  constructor(
    private readonly control: SqliteProjectionControl,
    private readonly store: EventStore,
    private readonly batchSize = 5_000,
    private readonly idleMs = 50,
  ) {}

  start(): void {
    this.stopped = false;
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
        await this.control.catchUp();
        const positions = (await this.control.status()).map((s) => s.position);
        await this.follow(Math.min(...positions));
      } catch (error) {
        if (this.stopped) return;
        this.logger.warn(`projections will retry in 1 s: ${error instanceof Error ? error.message : String(error)}`);
        await new Promise((r) => setTimeout(r, 1_000));
      }
    }
  }

  private async follow(after: number): Promise<void> {
    this.subscription = this.store.subscribeToAll({ after });
    const events = this.subscription[Symbol.asyncIterator]();
    let batch: RecordedEvent[] = [];
    let pending = events.next();
    while (!this.stopped) {
      const next =
        batch.length === 0 ? await pending : await Promise.race([pending, new Promise<typeof IDLE>((r) => setTimeout(() => r(IDLE), this.idleMs))]);
      if (next === IDLE || (next.done && batch.length > 0)) {
        await this.control.applyLive(batch);
        batch = [];
        if (next === IDLE) continue;
      }
      if (next.done) return;
      batch.push(next.value);
      pending = events.next();
      if (batch.length >= this.batchSize) {
        await this.control.applyLive(batch);
        batch = [];
      }
    }
  }
}
