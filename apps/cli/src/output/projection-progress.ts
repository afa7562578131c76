import { SingleBar } from 'cli-progress';
import type { ProjectionProgress } from '@roster-ledger/ledger';

/** A progress bar for folding the log into read models: position of head, events/s, ETA. */
export class ProjectionProgressBar {
  private bar: SingleBar | null = null;

  constructor(
    private readonly enabled: boolean,
    private readonly label: string,
  ) {}

  static forTerminal(json: boolean, label: string): ProjectionProgressBar {
    return new ProjectionProgressBar(!json && process.stderr.isTTY === true, label);
  }

  update = (p: ProjectionProgress): void => {
    if (!this.enabled) return;
    if (!this.bar) {
      this.bar = new SingleBar({
        stream: process.stderr,
        // value and total are log positions (the log's head), not a count of this fold's events
        format: `${this.label} [{bar}] {percentage}% | log position {value} of {total} | {rate} events/s | ETA {eta_text}`,
        // the terminal's cursor and line wrapping are left alone: Ctrl-C ends the process at
        // once, with no chance to give back what the bar took (it left no cursor)
        hideCursor: false,
        linewrap: true,
        clearOnComplete: true,
      });
      this.bar.start(Math.max(1, p.head), 0, { rate: 0, eta_text: '-' });
    }
    this.bar.setTotal(Math.max(1, p.head));
    this.bar.update(p.position, { rate: p.eventsPerSecond.toLocaleString('en-US'), eta_text: p.etaSeconds === null ? '-' : `${p.etaSeconds}s` });
  };

  stop(): void {
    this.bar?.stop();
    this.bar = null;
  }
}
