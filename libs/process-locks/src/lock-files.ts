import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';

/**
 * How taking a file waits out another process's look at it (see LockFiles.heldAnywhere, an
 * instant): tries, and the pause between them. Paused, not waited for in SQLite, whose busy wait
 * would block the thread (a server's).
 */
const TAKE_TRIES = 20;
const TAKE_PAUSE_MS = 25;

/** A lock file's name: what callers key their locks by, made safe for a file name by them. */
const SAFE_NAME = /^[A-Za-z0-9_.%~-]{1,200}$/;

/**
 * Which process is at work on what, as the operating system knows it: the process doing a piece
 * of work that only one process may do at a time (a district's sync, a projection's verify or
 * rebuild) holds an open lock on that work's file in a folder beside the ledger
 * (`<name>.lock`, an empty SQLite database in an exclusive transaction) for as long as it does
 * it. The OS drops the lock the moment the process ends, however it ends (SIGKILL, a crash, its
 * container stopped), and in whichever process-id namespace it ran: a lock file that can be taken
 * was left by no live process.
 *
 * Why a file lock and not the process id the work's record notes: a process of another container
 * sharing the ledger's volume cannot be looked up by its id from here, so its death could only be
 * taken on a person's word. The ledger is one machine's (SQLite's write-ahead log needs the
 * processes sharing it on one host), so its file locks are seen by every process that opens it.
 * Threads of one process share its locks (SQLite arbitrates its connections within a process).
 *
 * Nothing but SQLite may open these files in a process that holds one: closing any other handle
 * on a file drops the process's POSIX locks on it.
 *
 * In memory (an in-memory ledger, which no other process can share) what is held is only noted.
 * Errors (a folder that cannot be created, a file that cannot be opened) are thrown as they come:
 * callers say which store they belong to.
 */
export class LockFiles {
  /**
   * The names this object holds, with the connection holding each file's lock (null in memory)
   * and how many times it was taken (a work inside another that takes the same file).
   */
  private readonly held = new Map<string, { db: Database.Database | null; times: number }>();

  /** @param folder where the lock files are; null for an in-memory ledger */
  constructor(private readonly folder: string | null) {}

  /** Whether this process holds the file. */
  holds(name: string): boolean {
    return this.held.has(name);
  }

  /**
   * Takes the file for this process; taken again by this object, it is held until released as
   * many times.
   * @returns false when another live process (or another object of this one) holds it
   */
  async take(name: string): Promise<boolean> {
    for (let tries = 1; ; tries++) {
      if (this.tryTake(name)) return true;
      if (tries === TAKE_TRIES) return false;
      await sleep(TAKE_PAUSE_MS);
    }
  }

  /**
   * Takes the file now or not at all (no waiting, so a synchronous caller may use it): for a name
   * no other process ever takes, such as one made unique for its holder (see `sweep`).
   * @returns false when another live process (or another object of this one) holds it
   */
  tryTake(name: string): boolean {
    const held = this.held.get(name);
    if (held !== undefined) {
      held.times += 1;
      return true;
    }
    if (this.folder === null) {
      this.held.set(name, { db: null, times: 1 });
      return true;
    }
    const path = this.pathOf(name);
    mkdirSync(this.folder, { recursive: true });
    const db = new Database(path, { timeout: 0 });
    try {
      db.exec('BEGIN EXCLUSIVE');
    } catch (error) {
      db.close();
      if ((error as { code?: string }).code === 'SQLITE_BUSY') return false;
      throw error;
    }
    this.held.set(name, { db, times: 1 });
    return true;
  }

  /** Lets go of the file once released as many times as this object took it. */
  release(name: string): void {
    const held = this.held.get(name);
    if (held === undefined || --held.times > 0) return;
    this.held.delete(name);
    held.db?.close();
  }

  /**
   * Lets go of a file this object holds and deletes it: for a name unique to its holder, which
   * nobody takes again once it is let go (see `sweep`).
   */
  discard(name: string): void {
    const held = this.held.get(name);
    if (held === undefined) return;
    this.held.delete(name);
    try {
      // deleted while still held: a `sweep` meanwhile cannot take it for a dead holder's
      if (this.folder !== null) rmSync(this.pathOf(name), { force: true });
    } finally {
      // (a file that cannot be deleted is let go all the same: a later sweep deletes it)
      held.db?.close();
    }
  }

  /**
   * Deletes the file of a name unique to its holder when no live process holds it (its holder
   * ended without `discard`: killed, say). Only for such names: a file of shared work may be
   * taken by the next process the moment it is free, and must stay.
   * @returns whether no live process holds it (it was deleted, or there was none)
   */
  sweep(name: string): boolean {
    if (this.held.has(name)) return false;
    if (this.folder === null) return true;
    if (!existsSync(this.pathOf(name))) return true;
    let taken: boolean;
    try {
      taken = this.tryTake(name);
    } catch {
      // a file that cannot be looked at counts as held (see heldAnywhere)
      return false;
    }
    if (!taken) return false;
    this.discard(name);
    return true;
  }

  /**
   * Sweeps (see `sweep`) the files of every name starting with `prefix`, a family of names each
   * unique to its holder, made more than `olderThanMs` ago: those of holders that ended without
   * `discard` and that no one looks up by name any more. A younger file may be one a process has
   * made and is about to take.
   * @returns how many were deleted
   */
  sweepAll(prefix: string, olderThanMs: number): number {
    if (this.folder === null || !existsSync(this.folder)) return 0;
    const before = Date.now() - olderThanMs;
    let swept = 0;
    for (const file of readdirSync(this.folder)) {
      if (!file.startsWith(prefix) || !file.endsWith('.lock')) continue;
      const name = file.slice(0, -'.lock'.length);
      try {
        if (statSync(join(this.folder, file)).mtimeMs >= before) continue;
      } catch {
        continue; // (deleted since it was listed)
      }
      if (this.sweep(name)) swept++;
    }
    return swept;
  }

  /**
   * Whether a live process (this one included) holds the file. Looking takes the file
   * for an instant, without waiting: a process taking it meanwhile waits that instant out. When
   * the file cannot be looked at, it counts as held: a holder is never taken for gone on a guess.
   */
  heldAnywhere(name: string): boolean {
    if (this.held.has(name)) return true;
    if (this.folder === null) return false;
    const path = this.pathOf(name);
    // no file: no process ever held it since the ledger had lock files
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

  /** Lets go of every file this object holds (the ledger is closing). */
  close(): void {
    for (const { db } of this.held.values()) db?.close();
    this.held.clear();
  }

  private pathOf(name: string): string {
    if (!SAFE_NAME.test(name)) throw new Error(`not a lock file's name: ${JSON.stringify(name)}`);
    return join(this.folder!, `${name}.lock`);
  }
}
