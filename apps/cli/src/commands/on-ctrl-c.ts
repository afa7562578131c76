import { err, json } from '../output/cli-output';

/** A process ended by a signal exits 128 + its number, as a shell reports it: 130 for SIGINT, 143 for SIGTERM. */
const EXIT_BY_SIGNAL: Record<'SIGINT' | 'SIGTERM', number> = { SIGINT: 130, SIGTERM: 143 };

/** The command was asked for JSON (`--json`): its interruption is told on stdout too, as an error object. */
let toldAsJson = false;

/** Tells a command's interruption by Ctrl-C also as `{"error": {"code": "INTERRUPTED", ...}}` on stdout, for a script that parses it. */
export function reportInterruptionsAsJson(): void {
  toldAsJson = true;
}

/** The handlers of the phases the command is in (see onCtrlC), the innermost last; none: a signal ends the command as it would unhandled. */
const handlers: ((signal: NodeJS.Signals) => void)[] = [];
let listening = false;

/**
 * The one listener of each signal, kept for the whole command once set. Node closes its watcher of
 * a signal with the signal's last listener, and a signal that came while the main thread was busy
 * (a sync's commit, a read model's batch: long SQLite calls) and was not dispatched yet goes with
 * it: a command that handed over from one phase's handler to the next as that call returned lost
 * the Ctrl-C pressed during it, went on and exited 0. With no handler, the signal is raised again
 * without the listener, and ends the process as it would have.
 */
function dispatch(signal: NodeJS.Signals): void {
  const current = handlers.at(-1);
  if (current !== undefined) return current(signal);
  process.off('SIGINT', dispatch);
  process.off('SIGTERM', dispatch);
  listening = false;
  process.kill(process.pid, signal);
}

/**
 * Until the returned function is called, Ctrl-C ends the command at once, as a kill would (what
 * it does is safe to stop anywhere), after stopping its progress bar and saying `message`: what
 * became of the work, and what to do. SIGTERM does the same: it is how a service manager, a
 * scheduler or `timeout` stops a command, and its operator deserves the same word. Returns what
 * lets go of both again (the handler set before it and not let go, if any, takes them back). A signal that came
 * before the returned function was called, while the main thread was busy, is told by the handler
 * that is set when it is dispatched: the next phase's, when the command has moved on to it.
 */
export function onCtrlC(message: string, stopProgress: () => void = () => undefined): () => void {
  const interrupted = (signal: NodeJS.Signals) => {
    stopProgress();
    err(`\n${message}`);
    if (toldAsJson) json({ error: { code: 'INTERRUPTED', message } });
    process.exit(EXIT_BY_SIGNAL[signal as keyof typeof EXIT_BY_SIGNAL]);
  };
  handlers.push(interrupted);
  if (!listening) {
    process.on('SIGINT', dispatch);
    process.on('SIGTERM', dispatch);
    listening = true;
  }
  return () => {
    // its own entry, wherever it stands: phases let go in any order never bring back one let go
    const at = handlers.lastIndexOf(interrupted);
    if (at >= 0) handlers.splice(at, 1);
  };
}
