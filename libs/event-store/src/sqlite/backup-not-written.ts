import { DomainError } from '@roster-ledger/domain';

/**
 * A backup's copy could not be written where it was to go (the disk there is full): the ledger it
 * copies is as it was, and nothing is wrong with it, so the event store's "unavailable" would
 * send whoever runs the backup looking at the wrong file.
 */
export class BackupNotWritten extends DomainError {
  readonly code = 'BACKUP_NOT_WRITTEN';
  readonly kind = 'failed';
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`could not write the backup's copy at ${file} (${reason}): free some room there, or back up to another disk, and take the backup again`);
  }
}

/**
 * The refusal to write a copy at `to`, when SQLite's error says so (SQLITE_FULL: the source is
 * only read, so a full disk is the copy's); null for any other error, reported as the source's.
 */
export function backupNotWritten(error: unknown, to: string): BackupNotWritten | null {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_FULL' ? new BackupNotWritten(to, 'the disk is full, SQLITE_FULL') : null;
}
