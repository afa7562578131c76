/**
 * What a command that reads a ledger says when its file is not there: a mistyped `--db` must not
 * answer "no such student" from a new, empty ledger. `serve` adds when it would start one.
 */
export function noLedgerMessage(dbPath: string, extra = ''): string {
  return `there is no ledger at ${dbPath}; pass --db <path> (or LEDGER_DB), or record one with: roster-ledger import <folder>${extra}`;
}
