import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { startSourceWorker } from '@roster-ledger/ledger';

export interface HousekeepingOptions {
  path: string;
  /** Pause between rounds when there is nothing left to do. */
  everyMs: number;
}

/**
 * The server's housekeeping, in a thread of its own on a connection of its own, so that no
 * request waits for it:
 * - it indexes the access log by student (see `SqliteAccessLog`), a short transaction at a time;
 * - it checkpoints the WAL, for a connection that turned its automatic checkpoints off. SQLite
 *   checkpoints inside the commit that crosses the WAL's size limit, so one request in a hundred
 *   (an access-log commit) waited 10-20 ms for it. PASSIVE checkpoints never block writers or
 *   readers.
 * The thread does not keep the process alive.
 */
export class ReadModelHousekeeper {
  private readonly worker: Worker;
  /** Settles once the thread has its connection open (the thread compiles its sources first). */
  readonly started: Promise<void>;

  constructor(path: string, everyMs = 1_000) {
    const options: HousekeepingOptions = { path, everyMs };
    this.worker = startSourceWorker(join(__dirname, 'read-model-housekeeping.worker'), __filename, options);
    this.worker.unref();
    this.started = new Promise((resolve, reject) => {
      this.worker.once('message', () => resolve());
      this.worker.once('error', reject);
    });
    // nobody waits on it in a server: a thread that fails to start must not crash the process
    this.started.catch(() => undefined);
  }

  async stop(): Promise<void> {
    await this.worker.terminate();
  }
}
