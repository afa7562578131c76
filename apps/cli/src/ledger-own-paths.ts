import { existsSync, realpathSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * What the ledger keeps beside it, by the suffix of its own path (see the README's Configuration):
 * its folders, its access log, and SQLite's own files beside both databases (write-ahead log,
 * shared memory, rollback journal: the access log's write-ahead log holds reads not yet written
 * into it while serve runs).
 */
const BESIDE_THE_LEDGER = [
  '.staged', '.read-models', '.sync-locks',
  '-wal', '-shm', '-journal',
  '.access-log.db', '.access-log.db-wal', '.access-log.db-shm', '.access-log.db-journal',
];

/**
 * The ledger's own file, or what it keeps beside it (a file, a folder, or a file in such a folder),
 * that `path` names, however reached (a symbolic link, `..`); null when it names none of them. A
 * command that writes a file a user names (an export) or fills a folder (a backup) writes into none
 * of them: the ledger, its access log and held change sets cannot be made again from anything.
 */
export function ledgerOwnPathAt(path: string, ledger: string): string | null {
  const real = realPathOf(path);
  const ledgerReal = realPathOf(ledger);
  for (const own of [ledgerReal, ...BESIDE_THE_LEDGER.map((suffix) => `${ledgerReal}${suffix}`)]) {
    if (real === own || real.startsWith(`${own}/`)) return own;
  }
  return null;
}

/** The real path of `path`, through the part of it that exists (the rest as given). */
export function realPathOf(path: string): string {
  if (existsSync(path)) return realpathSync(path);
  const parent = dirname(path);
  return parent === path ? path : join(realPathOf(parent), basename(path));
}
