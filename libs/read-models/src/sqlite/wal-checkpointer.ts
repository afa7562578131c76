import { Worker } from 'node:worker_threads';

/**
 * Runs the WAL checkpoints of a ledger file in a thread of its own, on a connection of its own,
 * for a connection that turned its automatic checkpoints off. Why: SQLite checkpoints inside the
 * commit that crosses the WAL's size limit, so one request in a hundred of the API (an access-log
 * commit) waited 10-20 ms for it. PASSIVE checkpoints never block writers or readers; the
 * thread does not keep the process alive.
 */
export class WalCheckpointer {
  private readonly worker: Worker;

  constructor(path: string, everyMs = 1_000) {
    this.worker = new Worker(
      `const { workerData } = require('node:worker_threads');
       const db = new (require(workerData.driver))(workerData.path, { timeout: 5000 });
       setInterval(() => {
         try { db.pragma('wal_checkpoint(PASSIVE)'); } catch { /* busy or closing: the next round tries again */ }
       }, workerData.everyMs);`,
      { eval: true, workerData: { path, everyMs, driver: require.resolve('better-sqlite3') } },
    );
    this.worker.unref();
  }

  async stop(): Promise<void> {
    await this.worker.terminate();
  }
}
