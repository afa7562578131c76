import { userInfo } from 'node:os';
import { askedIdProblem, DomainError, InvalidInput } from '@roster-ledger/domain';
import { AUDIT_READERS, emptyRangeProblem, unknownListValues, MAX_PAGE_LIMIT, parseWholeNumber, VIEWER_ROLES, type Viewer, type ViewerRole } from '@roster-ledger/ledger';
import { damagedFileReport } from '@roster-ledger/read-models';
import { err, EXIT_FAILED, json } from '../output/cli-output';
import { EXIT_CODE_OF_KIND } from '../output/exit-code-of-kind';

/** Options every command shares. `--db` is read before Nest starts (see main.ts); declared for help. */
export interface CommonOptions {
  db?: string;
  json?: boolean;
}

export const DB_OPTION = {
  flags: '--db <path>',
  description: 'the ledger file (default: $LEDGER_DB, else data/roster-ledger.db)',
};
export const JSON_OPTION = { flags: '--json', description: 'print one JSON document for scripts' };

/**
 * Whether a command's output, errors included, is to be JSON: `--json`, or `--format json` (the
 * audit export's own name for it, which the README gives as the same thing).
 */
export function asksForJson(options: Readonly<Record<string, unknown>>): boolean {
  return options['json'] === true || options['format'] === 'json';
}

/** The same, read off a command line that did not parse (a usage error): `--json`, `--format json` or `--format=json`. */
export function argumentsAskForJson(args: readonly string[]): boolean {
  return args.some((arg, i) => arg === '--json' || arg === '--format=json' || (arg === '--format' && args[i + 1] === 'json'));
}
export const BY_OPTION = { flags: '--by <name>', description: 'who does this (default: your login name)' };

export const whoAmI = (): string => {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
};

/** An error as a command reports it: a domain error by its code, anything else as unexpected. */
export function problemOf(error: unknown): { code: string; message: string } {
  if (isRequestRule(error)) return { code: 'INVALID_REQUEST', message: asOptionMessage(error.rule, error.at.field) };
  // the store's own errors have a code of theirs too (EVENT_STORE_UNAVAILABLE: a file that cannot be read or written)
  const code = error instanceof DomainError ? error.code : 'UNEXPECTED_ERROR';
  return { code, message: error instanceof Error ? error.message : String(error) };
}

/**
 * A rule of the ledger's that an option broke (a cursor that is no page's `next`, a `--to` before
 * `--from`): a query names the parameter at fault and nothing else. Like the API's 400, it is the
 * request that is wrong, not a snapshot (INVALID_INPUT names the file, line or record).
 */
function isRequestRule(error: unknown): error is InvalidInput & { at: { field: string } } {
  if (!(error instanceof InvalidInput) || error.at.field === undefined) return false;
  const { file, line, record, recordId, column } = error.at;
  return [file, line, record, recordId, column].every((place) => place === undefined);
}

/**
 * The rule as the CLI's own option errors say it, the parameter (`asOf`) named as its option
 * (`--as-of`): in place of the name the rule starts with, else before it. Only the start is
 * rewritten: the rest may quote what the user typed (`got "after"`), which stays as typed.
 */
function asOptionMessage(rule: string, field: string): string {
  const option = field.startsWith('--') ? field : `--${field.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
  if (rule.startsWith(`${field} `) || rule.startsWith(`${field}:`)) return `${option}${rule.slice(field.length)}`;
  return rule.startsWith('must ') ? `${option} ${rule}` : `${option}: ${rule}`;
}

/** The ledger this process runs on (see reportErrorsOnLedger). */
let ledgerOfErrors: string | undefined;

/**
 * Names the ledger this process runs on, for reportError to say which of its files SQLite found
 * damaged, and what to do, when a command meets the damage after it started (a page of a read
 * model that start-up does not read).
 */
export function reportErrorsOnLedger(ledgerPath: string): void {
  ledgerOfErrors = ledgerPath;
}

/**
 * What to do about a file of this process's ledger that SQLite found damaged (see
 * damagedFileReport), `found` saying what came of it; null when `error` is no such damage.
 */
export function damagedOnLedger(error: unknown, found: string): string | null {
  return ledgerOfErrors === undefined ? null : damagedFileReport(error, ledgerOfErrors, found);
}

/**
 * Reports a failed command: a domain error by its code and message, anything else as unexpected.
 * `notes`: lines after the error, and keys beside it in JSON.
 */
export function reportError(error: unknown, asJson: boolean | undefined, notes: { json: Record<string, unknown>; lines: string[] } = { json: {}, lines: [] }): void {
  const damaged = damagedOnLedger(error, 'The command stopped there.');
  const { code, message } = damaged === null ? problemOf(error) : { code: 'FILE_DAMAGED', message: damaged };
  if (asJson) json({ error: { code, message }, ...notes.json });
  else err([`error (${code}): ${message}`, ...notes.lines].join('\n'));
  // a damaged file is found while the work runs: a failure of it, whatever the error's kind
  const deliberate = damaged === null && error instanceof DomainError;
  process.exitCode = deliberate ? EXIT_CODE_OF_KIND[error.kind] : EXIT_FAILED;
}

/**
 * A whole number option (`--from`, `--after`, `--port`): decimal digits alone, as the API takes
 * them; `1e2`, `0x10` or an empty value would be read by Number() as some other number.
 */
export function parseInteger(name: string, value: string): number {
  const parsed = parseWholeNumber(value);
  if (parsed === null) {
    throw new Error(`${name} must be a whole number >= 0, got "${value}"`);
  }
  return parsed;
}

/** `--limit`: how many items a read shows, 1 to 1000 as through the API (0 would answer "nothing recorded"). */
export function parsePageLimit(value: string): number {
  const parsed = parseWholeNumber(value);
  if (parsed === null || parsed < 1 || parsed > MAX_PAGE_LIMIT) {
    throw new Error(`--limit must be a whole number from 1 to ${MAX_PAGE_LIMIT}, got "${value}"`);
  }
  return parsed;
}

/**
 * The `--after` of a paged read, as given. An empty one (a script's variable left unset) is refused
 * rather than read as the first page, which has none: as through the API.
 */
export function parseCursor(name: string, value: string): string {
  if (value === '') throw new Error(`${name} is empty: leave ${name} out for the first page, or pass the one the page before ended with`);
  return value;
}

export const ROLE_OPTION = {
  flags: '--role <role>',
  description: `answer as this role sees it: ${VIEWER_ROLES.join(', ')} (default admin)`,
  choices: [...VIEWER_ROLES],
};

/** The CLI user as a viewer: their login name, the role they chose, the command as the endpoint. */
export function cliViewer(command: string, role = 'admin'): Viewer {
  if (!(VIEWER_ROLES as readonly string[]).includes(role)) {
    throw new InvalidInput(`--role must be one of ${VIEWER_ROLES.join(', ')}, got "${role}"`, { field: '--role' });
  }
  return { name: whoAmI(), role: role as ViewerRole, via: `cli ${command}` };
}

/** `--from` and `--to` that hold no moment between them: a usage mistake, said in the words given (each alone was good). */
export function refuseEmptyRange(from: unknown, to: unknown): void {
  if (typeof from !== 'string' || typeof to !== 'string') return;
  const problem = emptyRangeProblem({ parameter: '--from', text: from }, { parameter: '--to', text: to });
  if (problem !== null) throw new InvalidInput(problem, { field: '--to' });
}

/** A `--role` that may not read what is compliance's (the audit feed, the access log): the API's roles for them. */
export function refuseNonAuditReader(role: unknown, what: string): void {
  if (typeof role === 'string' && !AUDIT_READERS.includes(role as ViewerRole)) {
    throw new InvalidInput(`${what} is for ${AUDIT_READERS.join(' and ')}; --role ${role} may not read it`, { field: '--role' });
  }
}

/**
 * A `--district` as given, without the spaces a paste brings along: with them it would be another
 * district, one no record names. One with a control character inside (a newline, an escape) is no
 * id (a CSV upload's would name a new district by it, to be printed in every report), nor one of
 * more than 255 characters, as over the API. A space inside is let be: CSV districts recorded
 * before were named so.
 */
export function parseDistrictId(value: string): string {
  // the rule of every id asked for, as over the API
  return parseIdOption('--district', value.trim());
}

/** An option naming a record, a sync or a stream: refused as over the API when no ledger can hold it (see askedIdProblem). */
export function parseIdOption(name: string, value: string): string {
  const problem = askedIdProblem(value);
  if (problem !== null) throw new Error(`${name} must be ${problem}`);
  return value;
}

/**
 * A record's id given as an argument (`timeline user <id>`): an empty one is a script's variable
 * left unset, said as such rather than answered "not found"; one no ledger holds (a control
 * character, over 255 characters) is refused as over the API.
 */
export function checkIdArgument(name: string, value: string | undefined, foundBy = 'search'): void {
  if (value === undefined) return;
  if (value.trim() === '') throw new Error(`${name} is empty: give an id (${foundBy} finds one)`);
  parseIdOption(name, value);
}

/** The longest `--by` name taken: a name, recorded for good and printed on every line about the sync. */
export const MAX_BY_NAME_LENGTH = 200;

/**
 * A `--by` name as given, trimmed. It is recorded in the log for good and shown on every line
 * about the sync (and in the audit export's CSV): one with a control character (a newline, an
 * escape) would make those lines lie about what follows it, so it is refused, as over the API a
 * key's name is.
 */
export function parseByName(value: string): string {
  const name = value.trim();
  if (/[\u0000-\u001f\u007f-\u009f]/.test(name)) throw new Error(`--by must be a name, without control characters: got ${JSON.stringify(value)}`);
  // recorded for good and printed on every line about the sync: a name, not a paste of a document
  if (name.length > MAX_BY_NAME_LENGTH) throw new Error(`--by must be a name of at most ${MAX_BY_NAME_LENGTH} characters: got one of ${name.length.toLocaleString('en-US')}`);
  return name;
}

/**
 * A comma-separated option, each value one of `allowed`: a mistyped type must be refused, not
 * answered with an empty feed that reads as "nothing of that kind happened"; and an empty one, not
 * answered with every type. Given twice, it takes the values of both (`--types A --types B`), as
 * the API does with `types=A&types=B`.
 */
export function parseCommaList(option: string, value: string, allowed: readonly string[], what: string, earlier: readonly string[] = []): string[] {
  const values = value.split(',').map((s) => s.trim()).filter(Boolean);
  if (values.length === 0) throw new InvalidInput(`${option}: give at least one ${what.replace(/^an? /, '')}, or leave ${option} out for all of them`, { field: option });
  const wrong = unknownListValues(values, allowed, what);
  if (wrong !== null) throw new InvalidInput(`${option}: ${wrong}`, { field: option });
  return [...earlier, ...values];
}
