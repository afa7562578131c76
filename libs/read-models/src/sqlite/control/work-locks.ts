import { ownerAlive, ownerSeenAlive } from '@roster-ledger/ledger';
import type { SyncOwner } from '@roster-ledger/domain';
import { LockFiles } from '@roster-ledger/process-locks';
import type { ReadModelFiles } from '../read-model-files';
import type { SqliteProjection } from '../sqlite-projection';

/** A projection's verify lock file's name (see LockFiles). */
export function verifyLock(p: SqliteProjection): string {
  return `verify-${p.name}`;
}

/** A projection's build lock file's name (see LockFiles). */
export function buildLock(p: SqliteProjection): string {
  return `build-${p.name}`;
}

/**
 * The lock files of the verifies and rebuilds this process runs, and what they tell of the
 * process noted as running one: the OS lets go of a lock file when its process ends, so a held
 * one says its work is under way, wherever that process runs.
 */
export class WorkLocks {
  private readonly locks: LockFiles;

  constructor(private readonly files: ReadModelFiles) {
    this.locks = new LockFiles(files.lockFolder);
  }

  /** Takes a lock file for this process (see LockFiles.take). */
  take(lock: string): Promise<boolean> {
    return this.locks.take(lock);
  }

  /** Takes a lock file now or not at all (see LockFiles.tryTake). */
  tryTake(lock: string): boolean {
    return this.locks.tryTake(lock);
  }

  release(lock: string): void {
    this.locks.release(lock);
  }

  /** Whether any process holds a lock file (see LockFiles.heldAnywhere). */
  heldAnywhere(lock: string): boolean {
    return this.locks.heldAnywhere(lock);
  }

  /**
   * Whether the process noted as verifying or rebuilding a projection may still be at it: one
   * this process can look up by its id is judged so (see ownerSeenAlive); one it cannot (of
   * another container) by the work's lock file, which the OS lets go of when the process ends
   * (see LockFiles). In one connection (specs), by its process id alone.
   */
  workHeldAlive(owner: SyncOwner, lock: string): boolean {
    if (!ownerAlive(owner)) return false;
    return ownerSeenAlive(owner) || this.files.lockFolder === null || this.locks.heldAnywhere(lock);
  }

  /** workHeldAlive for another process's noted work whose lock file this process tried to take (`took`: it was free). */
  atWorkElsewhere(owner: SyncOwner, took: boolean): boolean {
    return ownerSeenAlive(owner) || this.files.lockFolder === null || !took;
  }
}
