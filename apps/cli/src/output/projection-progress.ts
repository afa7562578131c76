import type { ProjectionProgress } from '@roster-ledger/ledger';
import { TerminalBar } from './terminal-bar';

/** Folding the log into read models: position of head, events/s, ETA. */
export class ProjectionProgressBar {
  constructor(private readonly bar: TerminalBar) {}

  static forTerminal(json: boolean, label: string): ProjectionProgressBar {
    // value and total are log positions (the log's head), not a count of this fold's events
    return new ProjectionProgressBar(TerminalBar.forTerminal(json, `${label} [{bar}] {percentage}% | log position {value} of {total} | {rate} events/s | ETA {eta_text}`));
  }

  update = (p: ProjectionProgress): void => {
    this.bar.show(p.position, p.head, { rate: p.eventsPerSecond.toLocaleString('en-US'), eta_text: p.etaSeconds === null ? '-' : `${p.etaSeconds}s` });
  };

  stop(): void {
    this.bar.stop();
  }
}
