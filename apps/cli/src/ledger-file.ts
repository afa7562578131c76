import { resolve } from 'node:path';

/**
 * The ledger file a command runs on, and whether the command is the one that starts it (there was
 * no file at that path when it began): an import or a sync into a mistyped `--db` records a whole
 * district into a new ledger, which its report then says, with the path in full (a relative
 * `--db` typed in another folder is the usual mistake).
 */
export class LedgerFile {
  constructor(
    readonly path: string,
    readonly isNew: boolean,
  ) {}

  /** The sync report's line for a ledger this command started; null for one that was there. */
  newLedgerLine(syncFailed: boolean): string | null {
    if (!this.isNew) return null;
    const where = `  Ledger: ${resolve(this.path)}, new`;
    return syncFailed ? `${where}: this failed sync is all it holds` : `${where}: there was no ledger there before this sync`;
  }

  /** The line for a ledger this command started and then recorded nothing in (a refused sync); null for one that was there. */
  emptyLedgerLine(): string | null {
    return this.isNew ? `  Ledger: ${resolve(this.path)}, new: this command created it, and nothing is recorded in it` : null;
  }
}
