import { TERMINAL_ACTIVE, terminalSafeJson } from '@roster-ledger/ledger';

/** A text line with each character of TERMINAL_ACTIVE written as its escape (`\x1b`, `\u202e`), to be read, not acted on. */
export function visible(text: string): string {
  return text.replace(TERMINAL_ACTIVE, (c) => {
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
/** One JSON document, terminal-safe (see terminalSafeJson). */
export const json = (value: unknown): void => {
  process.stdout.write(`${terminalSafeJson(value, 2)}\n`);
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

/** What the running command says when its output cannot be written to the end (see whenOutputFails). */
let outputFailedNote: string | null = null;

/**
 * For a command whose output is whole only at its end (an export): what it says on stderr when
 * that output cannot be written to the end, a reader that stopped early included, so that a cut
 * export is never taken for a whole one.
 */
export function whenOutputFails(note: string): void {
  outputFailedNote = note;
}

/**
 * What an error writing stdout does. A reader that stopped early (`| head`, EPIPE) ends a command
 * with the exit code of a tool killed by SIGPIPE (see EXIT_OUTPUT_CLOSED), saying nothing unless
 * the command's output is whole only at its end. Any other (a full disk under `> file`, ENOSPC)
 * ends it with one line saying why and exit 1, never a stack trace. `serve` goes on.
 */
export function onStdoutError(error: NodeJS.ErrnoException): void {
  if (stdoutClosedEnds) {
    const note = outputFailedNote === null ? '' : `: ${outputFailedNote}`;
    if (error.code === 'EPIPE') {
      if (outputFailedNote !== null) err(`note: the output was closed by its reader before the end${note}`);
      process.exit(EXIT_OUTPUT_CLOSED);
    }
    err(`error: writing the output failed (${error.code === 'ENOSPC' ? 'the disk is full, ENOSPC' : (error.code ?? error.message)})${note}`);
    process.exit(EXIT_FAILED);
  }
  if (stdoutClosedTold) return;
  stdoutClosedTold = true;
  err(`note: stdout is closed (${error.code ?? error.message}): serve goes on serving; what it would print there is dropped`);
}

/** Exit codes: 0 done (or held on purpose), 1 the sync or command failed, 2 the request was wrong. */
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
/**
 * A command whose output's reader stopped early: what a tool killed by SIGPIPE exits with (128 +
 * 13), as `grep | head` does, so that a script under `set -o pipefail` tells a cut output from a
 * whole one. (Node ignores SIGPIPE: without this a cut export would end with 0.)
 */
export const EXIT_OUTPUT_CLOSED = 141;
