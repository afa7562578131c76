import type { SyncOwner } from '@roster-ledger/domain';
import { ownerAlive, sameProcess, SyncAlreadyRunning, thisProcess, type SyncLock } from '@roster-ledger/ledger';
import type { SqliteLedgerDatabase } from './sqlite-database';
import { DistrictLockFiles } from './district-lock-files';

interface LockRow {
  sync_id: string;
  pid: number;
  host: string;
  /** The holder's start (see SyncOwner.started); '' when not known. */
  started: string;
}

/**
 * One sync at a time per district, across processes sharing the ledger file: a row per locked
 * district naming its sync and process, taken in an immediate transaction, and the district's
 * lock file held by that process for as long as the row names it (see DistrictLockFiles). The
 * file tells whether the holder still runs: a row whose file no process holds was left by a
 * process that died mid-sync (killed, crashed, its container stopped), whichever container or
 * process-id namespace it ran in; its district is taken over and its sync id returned, so the
 * caller can record that sync as interrupted.
 */
export class SqliteSyncLock implements SyncLock {
  private readonly files: DistrictLockFiles;

  /** @param database whose schema has the `sync_locks` table (see SqliteLedgerDatabase) */
  constructor(private readonly database: SqliteLedgerDatabase) {
    this.files = DistrictLockFiles.beside(database.path);
  }

  async acquire(districtId: string, syncId: string): Promise<string | null> {
    const db = this.database.db;
    const already = this.files.holds(districtId);
    // a live process holds the district (any other sync of it, or this one's approval elsewhere)
    if (!already && !(await this.files.take(districtId))) throw new SyncAlreadyRunning(districtId, this.rowOf(districtId)?.sync_id ?? 'unknown');
    try {
      return this.database.transaction(() => {
        const row = this.rowOf(districtId);
        const me = thisProcess();
        let takenOver: string | null = null;
        if (row) {
          // the same sync in this process takes its own lock again (a fallback full sync); another
          // sync of the district in this process is running; a holder of another process is gone,
          // as its file was free
          const own = row.sync_id === syncId && sameProcess(ownerOf(row), me);
          if (!own && already) throw new SyncAlreadyRunning(districtId, row.sync_id);
          if (row.sync_id !== syncId) takenOver = row.sync_id;
        }
        db.prepare(
          `INSERT INTO sync_locks (district_id, sync_id, pid, host, started, acquired_at) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (district_id) DO UPDATE SET sync_id = excluded.sync_id, pid = excluded.pid,
             host = excluded.host, started = excluded.started, acquired_at = excluded.acquired_at`,
        ).run(districtId, syncId, me.pid, me.host, me.started ?? '', new Date().toISOString());
        return takenOver;
      });
    } catch (error) {
      if (!already) this.files.release(districtId);
      throw error;
    }
  }

  self(): SyncOwner {
    return thisProcess();
  }

  /**
   * Gone when its process is seen gone on this host, or when it holds its district's row and no
   * process holds the district's file. A sync that has not taken its district yet (an import
   * records its start first) is judged by its process alone.
   */
  mayBeRunning(sync: { syncId: string; districtId: string | null; owner: SyncOwner }): boolean {
    if (!ownerAlive(sync.owner)) return false;
    if (sync.districtId === null) return true;
    const row = this.rowOf(sync.districtId);
    const holds = row !== undefined && row.sync_id === sync.syncId && sameProcess(ownerOf(row), sync.owner);
    return !holds || this.files.heldAnywhere(sync.districtId);
  }

  async holder(districtId: string): Promise<{ syncId: string; owner: SyncOwner } | null> {
    const row = this.rowOf(districtId);
    return row ? { syncId: row.sync_id, owner: ownerOf(row) } : null;
  }

  /** Only while no process holds the district's file (this one included): a live holder keeps it. */
  async breakLock(districtId: string, syncId: string, owner: SyncOwner): Promise<boolean> {
    if (this.files.holds(districtId) || !(await this.files.take(districtId))) return false;
    try {
      return (
        this.database.db
          .prepare('DELETE FROM sync_locks WHERE district_id = ? AND sync_id = ? AND pid = ? AND host = ? AND started = ?')
          .run(districtId, syncId, owner.pid, owner.host, owner.started ?? '').changes > 0
      );
    } finally {
      this.files.release(districtId);
    }
  }

  /** Only this process's hold: another process's for the same sync (an approval of it) stays. */
  async release(districtId: string, syncId: string): Promise<void> {
    const me = thisProcess();
    this.database.db.prepare('DELETE FROM sync_locks WHERE district_id = ? AND sync_id = ? AND pid = ? AND host = ?').run(districtId, syncId, me.pid, me.host);
    this.files.release(districtId);
  }

  /** Lets go of the districts this process holds (the ledger is closing; their rows stay, for the next sync to take over). */
  close(): void {
    this.files.close();
  }

  private rowOf(districtId: string): LockRow | undefined {
    return this.database.db.prepare('SELECT sync_id, pid, host, started FROM sync_locks WHERE district_id = ?').get(districtId) as LockRow | undefined;
  }
}

function ownerOf(row: LockRow): SyncOwner {
  return row.started === '' ? { pid: row.pid, host: row.host } : { pid: row.pid, host: row.host, started: row.started };
}
