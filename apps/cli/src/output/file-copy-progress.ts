import { SingleBar } from 'cli-progress';

/** A progress bar for copying a database file, in pages: drawn on a terminal only. */
export class FileCopyProgressBar {
  private bar: SingleBar | null = null;

  constructor(
    private readonly enabled: boolean,
    private readonly label: string,
  ) {}

  static forTerminal(json: boolean, label: string): FileCopyProgressBar {
    return new FileCopyProgressBar(!json && process.stderr.isTTY === true, label);
  }

  update = (copiedPages: number, totalPages: number): void => {
    if (!this.enabled) return;
    if (!this.bar) {
      this.bar = new SingleBar({ stream: process.stderr, format: `${this.label} [{bar}] {percentage}% | ETA {eta}s`, hideCursor: false, clearOnComplete: true });
      this.bar.start(Math.max(1, totalPages), 0);
    }
    this.bar.setTotal(Math.max(1, totalPages));
    this.bar.update(copiedPages);
  };

  stop(): void {
    this.bar?.stop();
    this.bar = null;
  }
}
