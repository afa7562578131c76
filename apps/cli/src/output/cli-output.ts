/**
 * Characters a terminal acts on rather than shows (escape sequences that recolour or rewrite the
 * screen, a carriage return that writes over a line, a bell, bidirectional overrides that show
 * text in another order), all but the newline and the tab: names and ids come from a district's
 * files, and a value holding them must not rewrite what an engineer reads.
 */
const UNSHOWN = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** A text line with each such character written as its escape (`\x1b`, `\u202e`), to be read, not acted on. */
export function visible(text: string): string {
  return text.replace(UNSHOWN, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/**
 * One line of a record as a command lists it (a found account, a timeline entry, a roster member,
 * an event), with a line break, tab or backslash inside it written as `\n`, `\t`, `\\`, and made
 * visible: a name holding a line break would otherwise print as two lines, the second looking
 * like a record of its own (a made-up row in a search), and a grep for an id would miss its end.
 * Backslashes are doubled first, so a name holding the text `\n` is not read as a line break.
 */
export function oneLine(text: string): string {
  return visible(text.replace(/[\\\n\t]/g, (c) => (c === '\\' ? '\\\\' : c === '\n' ? '\\n' : '\\t')));
}

/** Where commands write: results to stdout, problems to stderr, exit codes set once. Text lines are made visible (see visible). */
export const out = (text: string): void => {
  process.stdout.write(`${visible(text)}\n`);
};
/** One line of a record on stdout (see oneLine): what a listing prints per account, entry, member or event. */
export const outLine = (text: string): void => {
  process.stdout.write(`${oneLine(text)}\n`);
};
export const err = (text: string): void => {
  process.stderr.write(`${visible(text)}\n`);
};
/**
 * One JSON document, with the characters of UNSHOWN that JSON leaves as they are (DEL, C1 controls,
 * bidirectional marks) written as `\u` escapes: the same strings to a JSON reader, nothing for a
 * terminal to act on. They only occur inside strings, so the document stays valid.
 */
export const json = (value: unknown): void => {
  const text = JSON.stringify(value, null, 2).replace(UNSHOWN, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  process.stdout.write(`${text}\n`);
};

/** Whether a closed stdout (EPIPE: `| head`) ends the process; `serve` goes on serving (see keepServingWhenStdoutCloses). */
let stdoutClosedEnds = true;

/**
 * For `serve`: its stdout going away (a log reader that stopped, a pipe closed) must not stop a
 * server that others query, still less with exit 0 and no word. What it would print there is
 * dropped, and stderr says so once.
 */
export function keepServingWhenStdoutCloses(): void {
  stdoutClosedEnds = false;
}

let stdoutClosedTold = false;

/** What an error writing stdout does: a reader that stopped early (`| head`) ends a command quietly; `serve` goes on. */
export function onStdoutError(error: NodeJS.ErrnoException): void {
  if (stdoutClosedEnds) {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  }
  if (stdoutClosedTold) return;
  stdoutClosedTold = true;
  err(`note: stdout is closed (${error.code ?? error.message}): serve goes on serving; what it would print there is dropped`);
}

/** Exit codes: 0 done (or held on purpose), 1 the sync or command failed, 2 the request was wrong. */
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
