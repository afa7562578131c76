import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { Logger } from '@nestjs/common';
import { startSourceWorker } from '@roster-ledger/ledger';

export interface HousekeepingOptions {
  path: string;
  /** Whether it checkpoints the WALs of the read models' files beside the ledger too (those there at each round: versions come and go). */
  readModels: boolean;
  /** Pause between rounds when there is nothing left to index, and between checkpoints. */
  everyMs: number;
}

export type HousekeepingMessage = { type: 'started' } | { type: 'error'; message: string };

/**
 * The server's housekeeping, in a thread of its own on a connection of its own, so that no
 * request waits for it:
 * - it indexes the access log by student (see `SqliteAccessLog`), a short transaction at a time;
 * - it checkpoints the WAL, for connections that turned their automatic checkpoints off. SQLite
 *   checkpoints inside the commit that crosses the WAL's size limit, so one request in a hundred
 *   (an access-log commit) waited 10-20 ms for it. PASSIVE checkpoints never block writers or
 *   readers.
 * The thread does not keep the process alive. Its errors go to the server's log, each once until
 * another one comes.
 */
export class ReadModelHousekeeper {
  private readonly logger = new Logger(ReadModelHousekeeper.name);
  private readonly worker: Worker;
  private stopping = false;
  /** Settles once the thread has its connection open (it compiles its sources first, and may wait for the write lock). */
  readonly started: Promise<void>;

  constructor(path: string, everyMs = 1_000, options: { readModels?: boolean } = {}) {
    const housekeeping: HousekeepingOptions = { path, everyMs, readModels: options.readModels === true };
    this.worker = startSourceWorker(join(__dirname, 'read-model-housekeeping.worker'), __filename, housekeeping);
    this.worker.unref();
    let lastError = '';
    this.started = new Promise((resolve, reject) => {
      this.worker.on('message', (message: HousekeepingMessage) => {
        if (message.type === 'started') resolve();
        else if (message.message !== lastError) {
          lastError = message.message;
          this.logger.error(`access-log indexing and WAL checkpoints: ${message.message} (tried again every second)`);
        }
      });
      this.worker.once('error', (error) => {
        this.logger.error(`the housekeeping thread crashed; the access log is indexed by look-ups only and the WAL checkpointed by nobody until a restart: ${error.stack ?? error.message}`);
        reject(error);
      });
      this.worker.once('exit', (code) => {
        if (!this.stopping) reject(new Error(`the housekeeping thread stopped (exit code ${code})`));
      });
    });
    // nobody waits on it in a server: the failure is logged above
    this.started.catch(() => undefined);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.worker.terminate();
  }
}
