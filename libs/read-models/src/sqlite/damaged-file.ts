import { accessLogPath } from './readers/sqlite-access-log';

/** A SQLite error, thrown as it is or wrapped by the store. */
export function sqliteErrorOf(error: Error): { code: string; message: string } | null {
  for (const candidate of [error, error.cause] as { code?: unknown; message?: unknown }[]) {
    const code = candidate?.code;
    if (typeof code === 'string' && code.startsWith('SQLITE_')) return { code, message: String(candidate.message) };
  }
  return null;
}

/**
 * What to do about a file of the ledger SQLite found damaged ("database disk image is malformed",
 * which says neither which file nor what to do): null when `error` is not such damage. Which
 * file: the error's `file`, which the store gives the file it failed on (the ledger, a held sync's
 * change set), and the access log the file it was reading (its own, or the ledger it copies older
 * reads from); a read model's connection names none. `found` says when (as the command started,
 * say) and what came of it ("Nothing was changed.").
 */
export function damagedFileReport(error: unknown, ledgerPath: string, found: string): string | null {
  if (!(error instanceof Error)) return null;
  const sqlite = sqliteErrorOf(error);
  if (sqlite === null || !/^SQLITE_(CORRUPT|NOTADB)/.test(sqlite.code)) return null;
  const why = `(${sqlite.code}: ${sqlite.message}): part of the file is missing or overwritten, as a copy cut short or made while it was written leaves it. ${found}`;
  const file = [error, error.cause].map((e) => (e as { file?: unknown } | undefined)?.file).find((f) => typeof f === 'string');
  if (file === ledgerPath) {
    return `the ledger at ${ledgerPath} is damaged ${why} Restore it from a backup (see Backing up in the README)`;
  }
  // a held sync's change set, in the folder beside the ledger
  if (typeof file === 'string' && file.startsWith(`${ledgerPath}.staged/`)) {
    return (
      `the change set of a held sync at ${file} is damaged ${why} The ledger itself is not at fault. That sync cannot be ` +
      `approved: discard it (roster-ledger syncs list --db ${ledgerPath} shows it held; roster-ledger syncs discard <syncId> --db ${ledgerPath}) and sync again`
    );
  }
  const log = accessLogPath(ledgerPath);
  if (file === log) {
    return (
      `the access log at ${log} is damaged ${why} The ledger itself is not at fault, and needs no restore. The access log is ` +
      `derived from nothing: stop every process on the ledger (serve), move ${log} and its -wal and -shm files aside, and put the ` +
      'access log of a backup in its place (see Backing up in the README)'
    );
  }
  return (
    `a read model of the ledger at ${ledgerPath} is damaged ${why} Read models are made from the log: stop every process on ` +
    `the ledger (serve), move ${ledgerPath}.read-models aside and run the command again, which rebuilds them (minutes at a ` +
    `million students). Should it fail the same way, check the ledger (sqlite3 ${ledgerPath} "PRAGMA quick_check"); only if ` +
    'that finds damage, restore the ledger from a backup (see Backing up in the README)'
  );
}
