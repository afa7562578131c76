import { ownerAlive, retryWhileBusy, sameProcess, thisProcess } from '@roster-ledger/ledger';
import type { Db } from './read-model-database';

const BUSY_TIMEOUT_MS = 10_000;

/**
 * The read models' commit rounds. A catch-up, a live batch or a rebuild's swap commits several
 * read-model files one after the other (on two threads, milliseconds apart). Before its first
 * commit a writer notes a round in a file of its own beside them (`commit-rounds.db`), and deletes
 * it after its last: a query that finds no round under way knows the read models it reads are at
 * the same whole syncs, so only one that finds a round compares every read model's checkpoint
 * (see SqliteReadModels.read). A round a killed process left behind is deleted by the next writer
 * on its host, one whose commits failed by the same process's next round; until then queries
 * compare checkpoints, which is only slower.
 */
export class CommitRounds {
  static readonly FILE = 'commit-rounds.db';
  static readonly TABLE = 'commit_rounds';

  constructor(private readonly db: Db) {
    retryWhileBusy(
      () => db.exec(`CREATE TABLE IF NOT EXISTS ${CommitRounds.TABLE} (id INTEGER PRIMARY KEY, pid INTEGER NOT NULL, host TEXT NOT NULL, started TEXT)`),
      BUSY_TIMEOUT_MS,
    );
  }

  /**
   * Notes a round under way; gives its id for `end`. Deletes the rounds dead processes of this
   * host left, and this process's own (a round whose commits failed part-way is left noted, so
   * that readers go on comparing checkpoints until this next round): a process runs one at a time.
   */
  begin(): number {
    const me = thisProcess();
    return this.db.transaction(() => {
      const rows = this.db.prepare(`SELECT id, pid, host, started FROM ${CommitRounds.TABLE}`).all() as { id: number; pid: number; host: string; started: string | null }[];
      for (const row of rows) {
        const owner = { pid: row.pid, host: row.host, ...(row.started === null ? {} : { started: row.started }) };
        if (sameProcess(owner, me) || !ownerAlive(owner)) {
          this.db.prepare(`DELETE FROM ${CommitRounds.TABLE} WHERE id = ?`).run(row.id);
        }
      }
      return Number(this.db.prepare(`INSERT INTO ${CommitRounds.TABLE} (pid, host, started) VALUES (?, ?, ?)`).run(me.pid, me.host, me.started ?? null).lastInsertRowid);
    }).immediate();
  }

  end(id: number): void {
    this.db.prepare(`DELETE FROM ${CommitRounds.TABLE} WHERE id = ?`).run(id);
  }

  /** Runs `commit` inside a round, left noted when it throws (see `begin`). */
  around<T>(commit: () => T): T {
    const id = this.begin();
    const result = commit();
    this.end(id);
    return result;
  }
}
