import type { SyncOwner } from '@roster-ledger/domain';
import { ownerAlive, ownerElsewhere, sameProcess, SyncAlreadyRunning, thisProcess, type SyncLock } from '@roster-ledger/ledger';
import type { SqliteLedgerDatabase } from './sqlite-database';

interface LockRow {
  sync_id: string;
  pid: number;
  host: string;
  /** The holder's start (see SyncOwner.started); '' when not known. */
  started: string;
}

/**
 * One sync at a time per district, across processes sharing the ledger file: a row per locked
 * district, taken in an immediate transaction. A lock held by a process that no longer exists
 * (killed mid-sync) is taken over and its sync id returned, so the caller can record that sync as
 * interrupted. Liveness is judged by process id and start on this host (a process given the id
 * of a dead holder is not the holder); the embedded ledger is one machine's.
 */
export class SqliteSyncLock implements SyncLock {
  /** @param database whose schema has the `sync_locks` table (see SqliteLedgerDatabase) */
  constructor(private readonly database: SqliteLedgerDatabase) {}

  async acquire(districtId: string, syncId: string): Promise<string | null> {
    const db = this.database.db;
    return this.database.transaction(() => {
      const row = db.prepare('SELECT sync_id, pid, host, started FROM sync_locks WHERE district_id = ?').get(districtId) as LockRow | undefined;
      const me = thisProcess();
      let takenOver: string | null = null;
      if (row) {
        // the same sync in this process takes its own lock again (a fallback full sync); the same
        // sync in another live process (two approvals of one held sync at once) does not
        const holder = { pid: row.pid, host: row.host, started: row.started };
        const own = row.sync_id === syncId && sameProcess(holder, me);
        if (!own && ownerAlive(holder)) throw new SyncAlreadyRunning(districtId, row.sync_id, ownerElsewhere(holder) ? holder : undefined);
        if (row.sync_id !== syncId) takenOver = row.sync_id;
      }
      db.prepare(
        `INSERT INTO sync_locks (district_id, sync_id, pid, host, started, acquired_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (district_id) DO UPDATE SET sync_id = excluded.sync_id, pid = excluded.pid,
           host = excluded.host, started = excluded.started, acquired_at = excluded.acquired_at`,
      ).run(districtId, syncId, me.pid, me.host, me.started ?? '', new Date().toISOString());
      return takenOver;
    });
  }

  self(): SyncOwner {
    return thisProcess();
  }

  /** A process on another host cannot be checked from here: it counts as alive. */
  isAlive(owner: SyncOwner): boolean {
    return ownerAlive(owner);
  }

  async holder(districtId: string): Promise<{ syncId: string; owner: SyncOwner } | null> {
    const row = this.database.db.prepare('SELECT sync_id, pid, host, started FROM sync_locks WHERE district_id = ?').get(districtId) as LockRow | undefined;
    if (!row) return null;
    return { syncId: row.sync_id, owner: row.started === '' ? { pid: row.pid, host: row.host } : { pid: row.pid, host: row.host, started: row.started } };
  }

  async breakLock(districtId: string, syncId: string, owner: SyncOwner): Promise<boolean> {
    return (
      this.database.db
        .prepare('DELETE FROM sync_locks WHERE district_id = ? AND sync_id = ? AND pid = ? AND host = ? AND started = ?')
        .run(districtId, syncId, owner.pid, owner.host, owner.started ?? '').changes > 0
    );
  }

  /** Only this process's hold: another process's for the same sync (an approval of it) stays. */
  async release(districtId: string, syncId: string): Promise<void> {
    const me = thisProcess();
    this.database.db.prepare('DELETE FROM sync_locks WHERE district_id = ? AND sync_id = ? AND pid = ? AND host = ?').run(districtId, syncId, me.pid, me.host);
  }
}
