import { resolve } from 'node:path';

/**
 * The ledger file a command runs on, and whether it is new: there was no file at that path when
 * the command began, or one in which nothing was recorded (a refused command's). An import or a
 * sync into a mistyped `--db` records a whole district into a new ledger, which its report then
 * says, with the path in full (a relative `--db` typed in another folder is the usual mistake).
 */
export class LedgerFile {
  constructor(
    readonly path: string,
    readonly isNew: boolean,
  ) {}

  /** The path in full, resolved against the folder the command was run in. */
  get fullPath(): string {
    return resolve(this.path);
  }

  /** The sync report's line for a ledger this command started; null for one that was there. */
  newLedgerLine(syncFailed: boolean): string | null {
    if (!this.isNew) return null;
    const where = `  Ledger: ${this.fullPath}, new`;
    return syncFailed ? `${where}: nothing was recorded there before this failed sync` : `${where}: nothing was recorded there before this sync`;
  }

  /** The line for a new ledger in which a refused sync recorded nothing; null for one that was there. */
  emptyLedgerLine(): string | null {
    return this.isNew ? `  Ledger: ${this.fullPath}, new: nothing is recorded in it` : null;
  }
}
