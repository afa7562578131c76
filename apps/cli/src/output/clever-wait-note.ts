import type { CleverWait } from '@roster-ledger/clever';

/** Waits shorter than this pass without a word, but a retry's: a progress bar or the next line follows soon enough. */
export const NOTED_WAIT_MS = 2_000;

/**
 * The one line a command prints on stderr when a sync waits on Clever long enough to look stuck
 * (outside a terminal nothing else moves): how long, and why. Undefined for a short wait. The URL
 * is the transport's display form (no token, no credentials).
 */
export function cleverWaitNote(wait: CleverWait): string | undefined {
  // a retry follows a failure, however short the wait after it: a request that timed out took a
  // minute already, and five of them in a row, unsaid, look like a sync that hangs
  if (wait.ms < NOTED_WAIT_MS && wait.reason !== 'retry') return undefined;
  const seconds = wait.ms < 1_000 ? `${(wait.ms / 1000).toFixed(1)} s` : `${Math.round(wait.ms / 1000)} s`;
  switch (wait.reason) {
    case 'rate-limit':
      return `Waiting ${seconds} for Clever's rate limit (this district's requests for the minute are spent) before GET ${wait.url}`;
    case 'too-many-requests':
      return `Waiting ${seconds}: Clever answered 429 Too Many Requests to GET ${wait.url}`;
    case 'retry':
      return `Waiting ${seconds} to retry GET ${wait.url} after ${wait.problem ?? 'a failure'}${wait.attempt === undefined ? '' : ` (attempt ${wait.attempt} failed)`}`;
  }
}
