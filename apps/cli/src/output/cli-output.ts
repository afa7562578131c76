/** Where commands write: results to stdout, problems to stderr, exit codes set once. */
export const out = (text: string): void => {
  process.stdout.write(`${text}\n`);
};
export const err = (text: string): void => {
  process.stderr.write(`${text}\n`);
};
export const json = (value: unknown): void => out(JSON.stringify(value, null, 2));

/** Exit codes: 0 done (or held on purpose), 1 the sync or command failed, 2 the request was wrong. */
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
