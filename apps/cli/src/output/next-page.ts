import { dbOption } from '../db-option';

/**
 * The line that ends a page which is not the last: the whole command that reads the next page,
 * as typed (its filters, --limit, --db and --role kept) with the cursor option set to where the
 * next page starts, ready to copy. `More: roster-ledger search ada --limit 2 --after <cursor>`.
 */
export function nextPageLine(option: '--after' | '--from', cursor: string | number, argv: readonly string[] = process.argv.slice(2)): string {
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === option) i++; // and its value
    else if (!arg.startsWith(`${option}=`)) args.push(arg);
  }
  return `More: ${['roster-ledger', ...args, option, String(cursor)].map(shellWord).join(' ')}`;
}

/**
 * A command to run next, on the ledger this one ran on: with the `--db` it was given (copied as
 * printed, it must not act on the default ledger), as the shell reads it back.
 */
export function commandOnThisLedger(words: readonly string[], argv: readonly string[] = process.argv.slice(2)): string {
  const db = dbOption(argv);
  return ['roster-ledger', ...words, ...(db === undefined ? [] : ['--db', db])].map(shellWord).join(' ');
}

/** A word as a POSIX shell reads it back: as it is when it has nothing the shell would act on, else in single quotes. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
