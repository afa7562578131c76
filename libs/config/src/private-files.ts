/**
 * Makes every file and folder this process creates from now on readable and writable by its
 * owner only, whatever the umask it was started with: a ledger, its read models, its access log
 * and the exports and backups taken from it hold students' personal data, and under the usual
 * umask of 022 every other account on the machine could read them.
 *
 * The umask is the process's (worker threads share it), so SQLite's own files beside a ledger
 * (`-wal`, `-shm`, `-journal`) follow too. Files that already exist keep their permissions: an
 * operator who opened a ledger to a group on purpose is not overruled.
 */
export function keepNewFilesPrivate(): void {
  // umask(mask) returns the mask it replaced: set once to read it, then to add owner-only to it
  const before = process.umask(0o077);
  process.umask(before | 0o077);
}
