import { err, json } from '../output/cli-output';

/** A process ended by a signal exits 128 + its number, as a shell reports it: 130 for SIGINT, 143 for SIGTERM. */
const EXIT_BY_SIGNAL: Record<'SIGINT' | 'SIGTERM', number> = { SIGINT: 130, SIGTERM: 143 };

/** The command was asked for JSON (`--json`): its interruption is told on stdout too, as an error object. */
let toldAsJson = false;

/** Tells a command's interruption by Ctrl-C also as `{"error": {"code": "INTERRUPTED", ...}}` on stdout, for a script that parses it. */
export function reportInterruptionsAsJson(): void {
  toldAsJson = true;
}

/**
 * Until the returned function is called, Ctrl-C ends the command at once, as a kill would (what
 * it does is safe to stop anywhere), after stopping its progress bar and saying `message`: what
 * became of the work, and what to do. SIGTERM does the same: it is how a service manager, a
 * scheduler or `timeout` stops a command, and its operator deserves the same word. Returns what
 * lets go of both again.
 */
export function onCtrlC(message: string, stopProgress: () => void = () => undefined): () => void {
  const interrupted = (signal: NodeJS.Signals) => {
    stopProgress();
    err(`\n${message}`);
    if (toldAsJson) json({ error: { code: 'INTERRUPTED', message } });
    process.exit(EXIT_BY_SIGNAL[signal as keyof typeof EXIT_BY_SIGNAL]);
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  return () => {
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
  };
}
