import { randomUUID } from 'node:crypto';
import type { SyncOwner } from '@roster-ledger/domain';
import { ownerAlive, retryWhileBusy, sameProcess, thisProcess } from '@roster-ledger/ledger';
import type { LockFiles } from '@roster-ledger/process-locks';
import type { Db } from './read-model-database';

const BUSY_TIMEOUT_MS = 10_000;

/** How old a round's lock file no process holds must be before any writer deletes it (see CommitRounds.ownLock). */
const LEFT_LOCK_AGE_MS = 60_000;

interface RoundRow {
  id: number;
  pid: number;
  host: string;
  started: string | null;
  /** The lock file its writer holds while it lives (see CommitRounds); null for a release before them. */
  lock: string | null;
}

/**
 * The read models' commit rounds. A catch-up, a live batch or a rebuild's swap commits several
 * read-model files one after the other (on two threads, milliseconds apart). Before its first
 * commit a writer notes a round in a file of its own beside them (`commit-rounds.db`), and deletes
 * it after its last: a query that finds no round under way knows the read models it reads are at
 * the same whole syncs, so only one that finds a round compares every read model's checkpoint
 * (see SqliteReadModels.read). A round whose commits failed part-way is left noted until its
 * process's next round; one a process left behind when it ended (killed, or its container
 * stopped) is deleted by the next round of any process: until then queries compare checkpoints,
 * which is only slower.
 *
 * Whether the process that noted a round still lives is told by a lock file (see LockFiles) each
 * writer takes under a name of its own (`round-<uuid>`) at its first round and holds until it
 * closes, so a process of another container sharing the ledger's volume, whose id means nothing
 * here, is known gone the moment it is. A round noted by an older release, with no lock file, is
 * judged by its process id, which only this host's processes can be (another's is kept).
 */
export class CommitRounds {
  static readonly FILE = 'commit-rounds.db';
  static readonly TABLE = 'commit_rounds';
  /** This writer's lock file, taken at its first round (null before, or with no lock folder). */
  private lock: string | null = null;

  /** @param locks where writers hold their lock files; null to judge rounds by process ids alone */
  constructor(
    private readonly db: Db,
    private readonly locks: LockFiles | null = null,
  ) {
    retryWhileBusy(
      () =>
        // one immediate transaction: two processes opening a file of an older release at once must not both add the column
        db.transaction(() => {
          db.exec(`CREATE TABLE IF NOT EXISTS ${CommitRounds.TABLE} (id INTEGER PRIMARY KEY, pid INTEGER NOT NULL, host TEXT NOT NULL, started TEXT, lock TEXT)`);
          const columns = (db.prepare(`PRAGMA table_info(${CommitRounds.TABLE})`).all() as { name: string }[]).map((c) => c.name);
          if (!columns.includes('lock')) db.exec(`ALTER TABLE ${CommitRounds.TABLE} ADD COLUMN lock TEXT`);
        }).immediate(),
      BUSY_TIMEOUT_MS,
    );
  }

  /**
   * Notes a round under way; gives its id for `end`. Deletes this writer's own rounds (one whose
   * commits failed part-way is left noted, so that readers go on comparing checkpoints until this
   * next round: a writer runs one at a time) and those of writers that have ended. Another
   * writer's live round stays, in this process too: the other thread of a rebuild, or of a
   * server, may be in the middle of its commits.
   */
  begin(): number {
    const me = thisProcess();
    const lock = this.ownLock();
    return this.db.transaction(() => {
      const rows = this.db.prepare(`SELECT id, pid, host, started, lock FROM ${CommitRounds.TABLE}`).all() as RoundRow[];
      for (const row of rows) {
        if (this.over(row, me, lock)) this.db.prepare(`DELETE FROM ${CommitRounds.TABLE} WHERE id = ?`).run(row.id);
      }
      const noted = this.db.prepare(`INSERT INTO ${CommitRounds.TABLE} (pid, host, started, lock) VALUES (?, ?, ?, ?)`).run(me.pid, me.host, me.started ?? null, lock);
      return Number(noted.lastInsertRowid);
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

  /**
   * Lets go of this writer's lock file (and deletes it): a round it left noted is then any
   * process's to delete at its next round.
   */
  close(): void {
    const lock = this.lock;
    this.lock = null;
    if (lock === null) return;
    try {
      this.locks!.discard(lock);
    } catch {
      // let go, not deleted (see LockFiles.discard): a later writer's sweep deletes it
    }
  }

  /**
   * Whether `row` is a round no writer has under way: this writer's own, or one whose writer has
   * ended (the lock file of one that has is deleted). A round noted without a lock file is judged
   * by its process, as before writers had them: this process's is taken for this writer's.
   */
  private over(row: RoundRow, me: SyncOwner, lock: string | null): boolean {
    if (row.lock !== null && row.lock === lock) return true;
    const owner: SyncOwner = { pid: row.pid, host: row.host, ...(row.started === null ? {} : { started: row.started }) };
    if (row.lock === null || this.locks === null) return sameProcess(owner, me) || !ownerAlive(owner);
    try {
      return this.locks.sweep(row.lock);
    } catch {
      // a file that cannot be deleted now: its round stays, for a later round to look at again
      return false;
    }
  }

  /** This writer's lock file, taken at its first round; null with no lock folder or when it cannot be taken. */
  private ownLock(): string | null {
    if (this.lock !== null || this.locks === null) return this.lock;
    const name = `round-${randomUUID()}`;
    // a name nobody else has: it is taken at once, unless the folder cannot be written, and then
    // the round is noted without one, judged by its process id as an older release's is
    try {
      if (this.locks.tryTake(name)) this.lock = name;
      // the files of writers that ended without closing (killed) outside a round, which no
      // round's row names for the next round to delete: gone with the first round of each writer
      this.locks.sweepAll('round-', LEFT_LOCK_AGE_MS);
    } catch {
      // as above (what is left to sweep is looked at by the next writer)
    }
    return this.lock;
  }
}
