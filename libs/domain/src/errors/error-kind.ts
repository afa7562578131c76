/**
 * What a deliberate error means to whoever asked: the one fact each edge answers it from (the
 * CLI's exit code, the API's HTTP status), so that the two agree on every code. Every error class
 * says its kind beside its code; neither edge keeps a list of codes.
 *
 * - `invalid`: the request breaks a rule; changed, it can be asked again (exit 2, HTTP 400).
 * - `not-found`: it names what the ledger, or its configuration, does not hold (exit 2, 404).
 * - `conflict`: the ledger's present state turns it down, and nothing was done: another writer
 *   got there first, or a held sync waits, is no longer held, or can no longer be applied
 *   (exit 2, 409).
 * - `misconfigured`: the configuration of the process that runs it lacks something: whoever runs
 *   that process fixes it (exit 2 on the CLI, whose user does; a 500 over HTTP, whose client
 *   cannot).
 * - `unavailable`: the ledger is busy or cannot be reached; worth a retry (exit 1, 503).
 * - `failed`: the work itself failed (exit 1; a 500 over HTTP).
 */
export type ErrorKind = 'invalid' | 'not-found' | 'conflict' | 'misconfigured' | 'unavailable' | 'failed';
