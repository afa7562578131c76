import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { toEventStoreError } from './sqlite-database';
import { encodeName } from './id-file-names';

/**
 * How taking a district's file waits out another process's look at it (see
 * DistrictLockFiles.heldAnywhere, an instant): tries, and the pause between them. Paused, not
 * waited for in SQLite, whose busy wait would block the thread (a server's).
 */
const TAKE_TRIES = 6;
const TAKE_PAUSE_MS = 5;

/**
 * Which processes are at work on a district, as the operating system knows it: the process
 * running a district's sync holds an open lock on the district's file beside the ledger
 * (`<ledger>.sync-locks/<district>.lock`, an empty SQLite database in an exclusive transaction)
 * for as long as the sync holds the district. The OS drops the lock the moment the process ends,
 * however it ends (SIGKILL, a crash, its container stopped), and in whichever process-id
 * namespace it ran: a lock file that can be taken was left by no live process.
 *
 * Why a file lock and not the process id the lock's row records: a process of another container
 * sharing the ledger's volume cannot be looked up by its id from here, so its death could only be
 * taken on a person's word. The ledger is one machine's (SQLite's write-ahead log needs the
 * processes sharing it on one host), so its file locks are seen by every process that opens it.
 *
 * In memory (an in-memory ledger, which no other process can share) the held districts are only noted.
 */
export class DistrictLockFiles {
  /** The districts this process holds, with the connection holding each file's lock (null in memory). */
  private readonly held = new Map<string, Database.Database | null>();

  /** @param folder where the lock files are; null for an in-memory ledger */
  constructor(private readonly folder: string | null) {}

  static beside(ledgerPath: string): DistrictLockFiles {
    return new DistrictLockFiles(ledgerPath === ':memory:' || ledgerPath === '' ? null : `${ledgerPath}.sync-locks`);
  }

  /** Whether this process holds the district's file. */
  holds(districtId: string): boolean {
    return this.held.has(districtId);
  }

  /**
   * Takes the district's file for this process (a no-op when it holds it already).
   * @returns false when another live process holds it
   * @throws EventStoreUnavailable when the file cannot be created or opened
   */
  async take(districtId: string): Promise<boolean> {
    for (let tries = 1; ; tries++) {
      if (this.tryTake(districtId)) return true;
      if (tries === TAKE_TRIES) return false;
      await sleep(TAKE_PAUSE_MS);
    }
  }

  private tryTake(districtId: string): boolean {
    if (this.held.has(districtId)) return true;
    if (this.folder === null) {
      this.held.set(districtId, null);
      return true;
    }
    const path = this.pathOf(districtId);
    let db: Database.Database;
    try {
      mkdirSync(this.folder, { recursive: true });
      db = new Database(path, { timeout: 0 });
    } catch (error) {
      throw toEventStoreError(error, path);
    }
    try {
      db.exec('BEGIN EXCLUSIVE');
    } catch (error) {
      db.close();
      if ((error as { code?: string }).code === 'SQLITE_BUSY') return false;
      throw toEventStoreError(error, path);
    }
    this.held.set(districtId, db);
    return true;
  }

  /** Lets go of the district's file, if this process holds it. */
  release(districtId: string): void {
    const db = this.held.get(districtId);
    this.held.delete(districtId);
    if (db) db.close();
  }

  /**
   * Whether a live process (this one included) holds the district's file. Looking takes the file
   * for an instant, without waiting: a process taking it meanwhile waits that instant out. When
   * the file cannot be looked at, it counts as held: a sync is never taken for gone on a guess.
   */
  heldAnywhere(districtId: string): boolean {
    if (this.held.has(districtId)) return true;
    if (this.folder === null) return false;
    const path = this.pathOf(districtId);
    // no file: no process ever held the district since the ledger had lock files
    if (!existsSync(path)) return false;
    try {
      const db = new Database(path, { timeout: 0, fileMustExist: true });
      try {
        db.exec('BEGIN EXCLUSIVE');
        db.exec('ROLLBACK');
        return false;
      } finally {
        db.close();
      }
    } catch {
      return true;
    }
  }

  /** Lets go of every file this process holds (the ledger is closing). */
  close(): void {
    for (const districtId of [...this.held.keys()]) this.release(districtId);
  }

  private pathOf(districtId: string): string {
    return join(this.folder!, `${encodeName(districtId)}.lock`);
  }
}
