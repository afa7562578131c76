import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '@roster-ledger/ledger';
import { LiveProjectionRunner, SqliteProjectionControl } from '@roster-ledger/read-models';

/** Whether this process keeps the read models in step with the log (`serve`), or leaves it to another. */
export const LIVE_PROJECTIONS = Symbol('LIVE_PROJECTIONS');

/**
 * The live projection runner of the server, started when the application boots and stopped
 * before the ledger's connections close. A rebuild or verification pauses it: the worker doing
 * that work moves the live checkpoints (it catches up and swaps), and a batch folded here in the
 * meantime could land on tables the worker just retired, or skip events after a swap.
 */
@Injectable()
export class LiveProjections implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly runner: LiveProjectionRunner;
  private running = false;
  private closed = false;

  constructor(
    @Inject(LIVE_PROJECTIONS) private readonly enabled: boolean,
    control: SqliteProjectionControl,
    @Inject(EVENT_STORE) store: EventStore,
  ) {
    this.runner = new LiveProjectionRunner(control, store);
  }

  onApplicationBootstrap(): void {
    this.resume();
  }

  /** Stops folding until resume(); resolves once the batch under way is done. */
  async pause(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    await this.runner.stop();
  }

  resume(): void {
    if (!this.enabled || this.closed || this.running) return;
    this.running = true;
    this.runner.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.closed = true;
    await this.pause();
  }
}
