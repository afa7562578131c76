import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readdirSync, renameSync, rmdirSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { Command } from 'nest-commander';
import { InvalidInput } from '@roster-ledger/domain';
import { BackupNotWritten, backupSqliteLedger, copySqliteFile, type LedgerBackup } from '@roster-ledger/event-store';
import { accessLogPath } from '@roster-ledger/read-models';
import { LedgerFile } from '../ledger-file';
import { ledgerPathOf } from '@roster-ledger/config';
import { ledgerOwnPathAt, realPathOf } from '../ledger-own-paths';
import { err, json, out } from '../output/cli-output';
import { TerminalBar } from '../output/terminal-bar';
import { LedgerCommandRunner } from './ledger-command-runner';
import { reportError, type CommonOptions } from './common-options';

/** One file of a backup: what it holds, where the copy is, and its size. */
export interface BackedUpFile {
  holds: 'ledger' | 'access log' | 'held change set';
  path: string;
  bytes: number;
  /** For a change set: the sync it is of. */
  syncId?: string;
}

/**
 * Copies what a ledger cannot be made again from into a new folder, laid out as beside the
 * ledger, so that the folder's ledger file is a working `--db` as it is: the log, the access log
 * (who read whose data: not in the log), and the change sets of held syncs (what their approval
 * applies). Each is copied through SQLite's online backup, so while `serve` answers and syncs
 * run (see backupSqliteLedger). A backup that fails leaves the folder as it was given. The read
 * models and lock files are not copied: they are made again from the log.
 */
@Command({ name: 'backup', arguments: '<folder>', description: 'copy the ledger, its access log and held change sets into a new folder, while it is in use' })
export class BackupCommand extends LedgerCommandRunner {
  /** It copies files: the read models, which are not copied, need not be caught up first. */
  static readonly skipsCatchUp = true;

  constructor(private readonly ledger: LedgerFile) {
    super();
  }

  /** Usage mistakes, found before the ledger is opened: an empty folder argument, a file, a folder with files in it, one of the ledger's own. */
  static checkArguments([folder]: readonly string[], options: Readonly<Record<string, unknown>>): void {
    if (folder === undefined) return;
    if (folder.trim() === '') throw new InvalidInput('<folder> is an empty string: name a new or empty folder for the backup', {});
    refuseToOverwrite(resolve(folder));
    // (no ledger there: that is what the command says, once it looks for one)
    const ledger = ledgerPathOf(process.env, options['db'] as string | undefined);
    if (existsSync(ledger)) refuseBesideLedger(resolve(folder), ledger);
  }

  async run([folder]: string[], options: CommonOptions): Promise<void> {
    const started = Date.now();
    const into = resolve(folder!);
    const ledger = resolve(this.ledger.path);
    // (checked before the ledger was opened too: a folder or a link made meanwhile is refused all the same)
    try {
      refuseToOverwrite(into);
      refuseBesideLedger(into, ledger);
    } catch (error) {
      return reportError(error, options.json);
    }
    // written into a folder of its own inside `into` (so on its file system, with its owner and
    // mode), then each file linked into place, which never overwrites one; a backup that fails
    // removes only what it wrote, and `into` too when it made it
    const made = !existsSync(into);
    const partial = join(into, `.partial-${randomBytes(4).toString('hex')}`);
    const placed: string[] = [];
    const files: BackedUpFile[] = [];
    const removeWhatItWrote = () => {
      for (const path of placed) rmSync(path, { force: true });
      rmSync(partial, { recursive: true, force: true });
      // the folders it made, once empty: never a file another process put there meanwhile
      removeIfEmpty(join(into, `${basename(ledger)}.staged`));
      if (made) removeIfEmpty(into);
    };
    // the ledger is the large one (gigabytes at a million students): shown on a terminal as it goes
    const bar = TerminalBar.forTerminal(options.json === true, `copying ${this.ledger.path} [{bar}] {percentage}% | {duration_formatted}`);
    // Ctrl-C (or a service manager's SIGTERM) during a copy of gigabytes: what it wrote goes too
    const stopped = (signal: NodeJS.Signals) => {
      bar.stop();
      removeWhatItWrote();
      err(`\nbackup stopped (${signal}): nothing of it is left in ${into}; the ledger is as it was`);
      process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
    };
    process.once('SIGINT', stopped);
    process.once('SIGTERM', stopped);
    let heldWithoutChangeSet: string[];
    try {
      if (made) {
        mkdirSync(dirname(into), { recursive: true });
        // students' data: readable by the user who took it alone, as a folder they had not made
        mkdirSync(into, { mode: 0o700 });
      }
      mkdirSync(partial, { mode: 0o700 });
      let copied: LedgerBackup;
      try {
        copied = await backupSqliteLedger(ledger, partial, (pages, total) => bar.show(pages, total));
      } finally {
        bar.stop();
      }
      const accessLog = accessLogPath(ledger);
      const accessLogCopy = existsSync(accessLog) ? join(partial, basename(accessLog)) : null;
      if (accessLogCopy !== null) await copySqliteFile(accessLog, accessLogCopy);
      heldWithoutChangeSet = copied.heldWithoutChangeSet;
      // the ledger last: a folder a backup was cut short in has no ledger to be mistaken for one
      const place = (path: string): string => {
        const to = join(into, relative(partial, path));
        mkdirSync(dirname(to), { recursive: true });
        placeWithoutOverwriting(path, to);
        placed.push(to);
        return to;
      };
      for (const { syncId, path } of copied.heldChangeSets) files.push({ holds: 'held change set', path: place(path), bytes: sizeOf(path), syncId });
      if (accessLogCopy !== null) files.push({ holds: 'access log', path: place(accessLogCopy), bytes: sizeOf(accessLogCopy) });
      files.unshift({ holds: 'ledger', path: place(copied.ledger), bytes: sizeOf(copied.ledger) });
      rmSync(partial, { recursive: true, force: true });
    } catch (error) {
      removeWhatItWrote();
      // named where it was to be placed: the hidden folder it was written in is gone
      const named = error instanceof BackupNotWritten ? new BackupNotWritten(join(into, relative(partial, error.file)), error.reason) : error;
      return reportError(named, options.json);
    } finally {
      process.off('SIGINT', stopped);
      process.off('SIGTERM', stopped);
    }
    const seconds = Math.round((Date.now() - started) / 100) / 10;
    const ledgerCopy = join(into, basename(ledger));
    if (options.json) return json({ folder: into, ledger: ledgerCopy, files, heldWithoutChangeSet, seconds });
    out(`Backed up ${ledger} into ${into} in ${seconds} s:`);
    const width = Math.max(...files.map((file) => relative(into, file.path).length));
    for (const file of files) {
      const size = readableSize(file.bytes).padStart(9);
      out(`  ${file.holds.padEnd(15)}  ${relative(into, file.path).padEnd(width)}  ${size}${file.syncId === undefined ? '' : `  sync ${file.syncId}`}`);
    }
    for (const syncId of heldWithoutChangeSet) {
      out(`  Warning: sync ${syncId} is held, but its change set is not beside the ledger (deleted from outside): it cannot be approved, here or in the copy; discard it and sync again`);
    }
    out(`Use it as it is with --db ${ledgerCopy}, or restore it as the README says (Backing up).`);
    out('The read models are not copied: the first command that reads the copy rebuilds them from its log (about 20 s at 100,000 students).');
  }
}

const sizeOf = (path: string): number => statSync(path).size;

/** The folder a backup writes into before it links its files into place (see BackupCommand). */
const PARTIAL_FOLDER = /^\.partial-[0-9a-f]{8}$/;

/**
 * A backup goes into a folder of its own: one with files in it (the ledger's own, say) could have
 * them overwritten. One that holds only what a killed backup left (its hidden `.partial-*`
 * folder, which `ls` does not show) is said to be that, with how to clear it.
 */
function refuseToOverwrite(folder: string): void {
  if (!existsSync(folder)) return;
  if (!statSync(folder).isDirectory()) throw new InvalidInput(`${folder} is a file: give a folder for the backup, new or empty`, {});
  const entries = readdirSync(folder);
  if (entries.length === 0) return;
  if (entries.every((entry) => PARTIAL_FOLDER.test(entry))) {
    const paths = entries.map((entry) => join(folder, entry));
    throw new InvalidInput(
      `${folder} holds only ${entries.join(', ')}, what a backup stopped before it finished (killed, or a crash) left: no backup. Remove it (rm -r ${paths.join(' ')}) and run the backup again, or give a new or empty folder`,
      {},
    );
  }
  throw new InvalidInput(`${folder} is not empty: give a new or empty folder for the backup, so that nothing in it is overwritten`, {});
}

/**
 * Nor into the ledger's own folders (`<ledger>.staged`, say, when empty), however reached (a
 * symbolic link): what runs on the ledger reads and deletes files there.
 */
function refuseBesideLedger(folder: string, ledger: string): void {
  const own = ledgerOwnPathAt(folder, ledger);
  if (own === null) return;
  const real = realPathOf(folder);
  // (named as given when it is that folder itself: "X is X" says nothing)
  const where = own !== real ? `${folder} is inside ${own}` : folder === own ? folder : `${folder} is ${own}`;
  throw new InvalidInput(`${where}, which the ledger keeps beside it: give a folder for the backup apart from those`, {});
}

/**
 * Puts a finished copy at `to` without overwriting a file there (one put there meanwhile): a hard
 * link, which fails when `to` exists, then the copy's own name removed with the partial folder;
 * on a file system without hard links, a rename once `to` is found free.
 */
function placeWithoutOverwriting(path: string, to: string): void {
  try {
    linkSync(path, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST' || existsSync(to)) throw error;
    renameSync(path, to);
  }
}

function removeIfEmpty(folder: string): void {
  try {
    rmdirSync(folder);
  } catch {
    // not there, or not empty: left as it is
  }
}

/** A file's size as people read it: 32.8 kB, 853.9 MB, 6.4 GB. */
function readableSize(bytes: number): string {
  const [unit, size] = bytes >= 1e9 ? ['GB', 1e9] : bytes >= 1e6 ? ['MB', 1e6] : ['kB', 1e3];
  return `${(bytes / size).toLocaleString('en-US', { maximumFractionDigits: 1, minimumFractionDigits: 1 })} ${unit}`;
}
