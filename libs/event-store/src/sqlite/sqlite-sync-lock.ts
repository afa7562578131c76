import type { SyncOwner } from '@roster-ledger/domain';
import { realpathSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { ownerAlive, ownerSeenAlive, sameProcess, SyncAlreadyRunning, thisProcess, type SyncLock } from '@roster-ledger/ledger';
import { LockFiles } from '@roster-ledger/process-locks';
import { toEventStoreError, type SqliteLedgerDatabase } from './sqlite-database';
import { encodeName } from './id-file-names';

interface LockRow {
  sync_id: string;
  pid: number;
  host: string;
  /** The holder's start (see SyncOwner.started); '' when not known. */
  started: string;
}

/** How long a sync waits for the row of a process that holds the district's file but has not written its row yet. */
const ROW_WAIT_MS = 5_000;
const ROW_POLL_MS = 25;

/**
 * One sync at a time per district, across processes sharing the ledger file: a row per locked
 * district naming its sync and process, taken in an immediate transaction, and the district's
 * lock file (`<ledger file>.sync-locks/<district>.lock`) held by that process for as long as the
 * row names it (see LockFiles).
 *
 * Whether a holder still runs: a process of this host and process-id namespace is looked up by
 * its id and start (see ownerSeenAlive); any other (another container's, whose ids mean nothing
 * here) by its file, which the OS lets go of when the process ends. A row whose holder is gone was
 * left by a process that died mid-sync (killed, crashed, its container stopped): its district is
 * taken over and its sync id returned, so the caller can record that sync as interrupted.
 *
 * Within this process (this object), a district is held for one sync at a time; the same sync
 * may take it again (a fallback full sync inside a sync of the district), and lets go of it when
 * it has released it as many times as it took it.
 */
export class SqliteSyncLock implements SyncLock {
  private readonly files: DistrictFiles;
  /** The districts this object holds (or is taking), for which sync, and how many times taken. */
  private readonly holds = new Map<string, Hold>();

  /** @param database whose schema has the `sync_locks` table (see SqliteLedgerDatabase) */
  constructor(private readonly database: SqliteLedgerDatabase) {
    this.files = new DistrictFiles(database.path);
  }

  async acquire(districtId: string, syncId: string): Promise<string | null> {
    for (;;) {
      const held = this.holds.get(districtId);
      if (held === undefined) break;
      if (held.syncId !== syncId) throw new SyncAlreadyRunning(districtId, held.syncId === BREAKING ? null : held.syncId);
      // the same sync again (a fallback full sync inside it): once the first taking has ended,
      // and if that hold is still there (not let go of meanwhile)
      if ((await held.taken) && this.holds.get(districtId) === held) {
        held.times += 1;
        return null;
      }
    }
    // noted before the first await: another acquire of this object meanwhile meets it
    let settle!: (taken: boolean) => void;
    const hold: Hold = { syncId, times: 1, taken: new Promise((resolve) => (settle = resolve)) };
    this.holds.set(districtId, hold);
    try {
      if (!(await this.files.take(districtId))) {
        const refused = await this.refusal(districtId);
        if (refused !== null) throw refused;
      }
      const takenOver = this.database.transaction(() => {
        const row = this.rowOf(districtId);
        const me = thisProcess();
        let takenOver: string | null = null;
        if (row) {
          const holder = ownerOf(row);
          // its file was free: gone, unless this process sees it alive by its id (a process of an
          // earlier release, which held no file). A row of this very process whose file was free
          // is a hold it lost (its object closed, its thread stopped): no thread of it holds the
          // district, as SQLite tells this process's connections apart
          if (!sameProcess(holder, me) && ownerSeenAlive(holder)) throw new SyncAlreadyRunning(districtId, row.sync_id);
          if (row.sync_id !== syncId) takenOver = row.sync_id;
        }
        this.database.db
          .prepare(
            `INSERT INTO sync_locks (district_id, sync_id, pid, host, started, acquired_at) VALUES (?, ?, ?, ?, ?, ?)
             ON CONFLICT (district_id) DO UPDATE SET sync_id = excluded.sync_id, pid = excluded.pid,
               host = excluded.host, started = excluded.started, acquired_at = excluded.acquired_at`,
          )
          .run(districtId, syncId, me.pid, me.host, me.started ?? '', new Date().toISOString());
        return takenOver;
      });
      settle(true);
      return takenOver;
    } catch (error) {
      this.holds.delete(districtId);
      this.files.release(districtId);
      settle(false);
      // (SQLite's busy answer as the port's EventStoreBusy, which a sync waits through)
      throw toEventStoreError(error, this.database.path);
    }
  }

  self(): SyncOwner {
    return thisProcess();
  }

  /**
   * A running sync holds its district from before it is recorded as running (see RunSyncHandler)
   * to its end. Gone: a process seen gone on this host; a process this one cannot look up (of
   * another container) that does not hold its district's row, or whose district's file no process
   * holds; a sync of this very process whose district's row names it while no thread of it holds
   * the file (a hold it lost). A sync of this process not holding its district is at work (refused,
   * it is recording so). A sync with no district (its source would not open) is judged by its
   * process alone.
   */
  mayBeRunning(sync: { syncId: string; districtId: string | null; owner: SyncOwner }): boolean {
    if (!ownerAlive(sync.owner)) return false;
    const mine = sameProcess(sync.owner, thisProcess());
    if ((!mine && ownerSeenAlive(sync.owner)) || sync.districtId === null) return true;
    const row = this.rowOf(sync.districtId);
    const holds = row !== undefined && row.sync_id === sync.syncId && sameProcess(ownerOf(row), sync.owner);
    if (mine && !holds) return true;
    return holds && this.files.heldAnywhere(sync.districtId);
  }

  async holder(districtId: string): Promise<{ syncId: string; owner: SyncOwner } | null> {
    const row = this.rowOf(districtId);
    return row ? { syncId: row.sync_id, owner: ownerOf(row) } : null;
  }

  /** Only while no process holds the district's file (this one included) and its holder is not seen alive: a live holder keeps it. */
  async breakLock(districtId: string, syncId: string, owner: SyncOwner): Promise<boolean> {
    if (this.holds.has(districtId) || (!sameProcess(owner, thisProcess()) && ownerSeenAlive(owner))) return false;
    this.holds.set(districtId, { syncId: BREAKING, times: 1, taken: Promise.resolve(false) });
    try {
      if (!(await this.files.take(districtId))) return false;
      return this.sql(
        () =>
          this.database.db
            .prepare('DELETE FROM sync_locks WHERE district_id = ? AND sync_id = ? AND pid = ? AND host = ? AND started = ?')
            .run(districtId, syncId, owner.pid, owner.host, owner.started ?? '').changes > 0,
      );
    } finally {
      this.holds.delete(districtId);
      this.files.release(districtId);
    }
  }

  /**
   * Lets go of the district when this sync has released it as many times as it took it here; a
   * hold of the same sync by another process (an approval of it) stays. A sync this object does
   * not hold the district for (one whose thread stopped, ended by the server's main thread) has
   * only its row deleted, if it is this process's.
   */
  async release(districtId: string, syncId: string): Promise<void> {
    const held = this.holds.get(districtId);
    if (held !== undefined && held.syncId === syncId && --held.times > 0) return;
    const me = thisProcess();
    try {
      this.sql(() => this.database.db.prepare('DELETE FROM sync_locks WHERE district_id = ? AND sync_id = ? AND pid = ? AND host = ?').run(districtId, syncId, me.pid, me.host));
    } finally {
      if (held !== undefined && held.syncId === syncId) {
        this.holds.delete(districtId);
        this.files.release(districtId);
      }
    }
  }

  /** Lets go of the districts this process holds (the ledger is closing; their rows stay, for the next sync to take over). */
  close(): void {
    this.holds.clear();
    this.files.close();
  }

  /**
   * Why the district's file is not free: the sync its row names. A process that holds the file
   * with no row is given a moment: one taking the district has not written its row yet (waiting for
   * the ledger's write lock), and one letting go of it has deleted its row and is closing its file,
   * which is then taken here (null: no refusal).
   */
  private async refusal(districtId: string): Promise<SyncAlreadyRunning | null> {
    const giveUpAt = Date.now() + ROW_WAIT_MS;
    for (;;) {
      const row = this.rowOf(districtId);
      if (row !== undefined || Date.now() >= giveUpAt) return new SyncAlreadyRunning(districtId, row?.sync_id ?? null);
      await sleep(ROW_POLL_MS);
      if (await this.files.take(districtId)) return null;
    }
  }

  private rowOf(districtId: string): LockRow | undefined {
    return this.sql(() => this.database.db.prepare('SELECT sync_id, pid, host, started FROM sync_locks WHERE district_id = ?').get(districtId) as LockRow | undefined);
  }

  /** A statement on the ledger, whose failure is told as the port's errors are (EventStoreBusy, EventStoreUnavailable), as the store's own are. */
  private sql<T>(statement: () => T): T {
    try {
      return statement();
    } catch (error) {
      throw toEventStoreError(error, this.database.path);
    }
  }
}

/** A district this object holds or is taking: for which sync, how many times, and whether the first taking succeeded. */
interface Hold {
  syncId: string;
  times: number;
  taken: Promise<boolean>;
}

/** The sync id a breakLock notes while it looks at a district (no sync's). */
const BREAKING = '\0breaking';

function ownerOf(row: LockRow): SyncOwner {
  return row.started === '' ? { pid: row.pid, host: row.host } : { pid: row.pid, host: row.host, started: row.started };
}

/**
 * The districts' lock files beside a ledger file (its real path: one file reached by two paths, a
 * symbolic link, has one folder of locks), by district id; failures name the folder as the event
 * store's.
 */
class DistrictFiles {
  private readonly folder: string | null;
  private readonly files: LockFiles;

  constructor(ledgerPath: string) {
    this.folder = ledgerPath === ':memory:' || ledgerPath === '' ? null : `${realpathSync(ledgerPath)}.sync-locks`;
    this.files = new LockFiles(this.folder);
  }

  async take(districtId: string): Promise<boolean> {
    try {
      return await this.files.take(encodeName(districtId));
    } catch (error) {
      throw toEventStoreError(error, this.folder ?? ':memory:');
    }
  }

  release(districtId: string): void {
    this.files.release(encodeName(districtId));
  }

  heldAnywhere(districtId: string): boolean {
    return this.files.heldAnywhere(encodeName(districtId));
  }

  close(): void {
    this.files.close();
  }
}
