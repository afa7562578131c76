import { SingleBar } from 'cli-progress';
import type { SyncProgress } from '@roster-ledger/ledger';

/**
 * A progress bar on stderr, only when stderr is a terminal and the user did not ask for JSON:
 * scripts get clean output, people get a bar.
 */
export class ProgressBar {
  private bar: SingleBar | null = null;

  constructor(private readonly enabled: boolean) {}

  static forTerminal(json: boolean): ProgressBar {
    return new ProgressBar(!json && process.stderr.isTTY === true);
  }

  update(p: SyncProgress): void {
    if (!this.enabled) return;
    const total = Math.max(1, Math.round(p.bytesTotal / 1024));
    if (!this.bar) {
      this.bar = new SingleBar({
        stream: process.stderr,
        format: '{phase} [{bar}] {percentage}% | {records} records | {value}/{total} KiB | {duration_formatted}',
        // the terminal's cursor and line wrapping are left alone: Ctrl-C ends the process at
        // once, with no chance to give back what the bar took (it left no cursor)
        hideCursor: false,
        linewrap: true,
        clearOnComplete: true,
      });
      this.bar.start(total, 0, { phase: 'reading', records: 0 });
    }
    this.bar.setTotal(total);
    this.bar.update(Math.round(p.bytesDone / 1024), { phase: p.phase, records: p.records.toLocaleString('en-US') });
  }

  stop(): void {
    this.bar?.stop();
    this.bar = null;
  }
}
