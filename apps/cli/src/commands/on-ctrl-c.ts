import { err } from '../output/cli-output';

/** A process ended by SIGINT exits 128 + 2, as a shell reports it. */
const EXIT_INTERRUPTED = 130;

/**
 * Until the returned function is called, Ctrl-C ends the command at once, as a kill would (what
 * it does is safe to stop anywhere), after stopping its progress bar and saying `message`: what
 * became of the work, and what to do. Returns what lets go of Ctrl-C again.
 */
export function onCtrlC(message: string, stopProgress: () => void = () => undefined): () => void {
  const interrupted = () => {
    stopProgress();
    err(`\n${message}`);
    process.exit(EXIT_INTERRUPTED);
  };
  process.once('SIGINT', interrupted);
  return () => process.off('SIGINT', interrupted);
}
