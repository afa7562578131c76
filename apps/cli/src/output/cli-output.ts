/** Where commands write: results to stdout, problems to stderr, exit codes set once. */
export const out = (text: string): void => {
  process.stdout.write(`${text}\n`);
};
export const err = (text: string): void => {
  process.stderr.write(`${text}\n`);
};
export const json = (value: unknown): void => out(JSON.stringify(value, null, 2));

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
