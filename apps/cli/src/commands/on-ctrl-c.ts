import { err, json } from '../output/cli-output';

/** A process ended by SIGINT exits 128 + 2, as a shell reports it. */
const EXIT_INTERRUPTED = 130;

/** The command was asked for JSON (`--json`): its interruption is told on stdout too, as an error object. */
let toldAsJson = false;

/** Tells a command's interruption by Ctrl-C also as `{"error": {"code": "INTERRUPTED", ...}}` on stdout, for a script that parses it. */
export function reportInterruptionsAsJson(): void {
  toldAsJson = true;
}

/**
 * Until the returned function is called, Ctrl-C ends the command at once, as a kill would (what
 * it does is safe to stop anywhere), after stopping its progress bar and saying `message`: what
 * became of the work, and what to do. Returns what lets go of Ctrl-C again.
 */
export function onCtrlC(message: string, stopProgress: () => void = () => undefined): () => void {
  const interrupted = () => {
    stopProgress();
    err(`\n${message}`);
    if (toldAsJson) json({ error: { code: 'INTERRUPTED', message } });
    process.exit(EXIT_INTERRUPTED);
  };
  process.once('SIGINT', interrupted);
  return () => process.off('SIGINT', interrupted);
}
