import { SingleBar } from 'cli-progress';

/**
 * A progress bar on stderr, drawn only when stderr is a terminal and the user did not ask for
 * JSON: scripts get clean output, people get a bar. Started at its first `show`, so a command that
 * has nothing to show draws nothing; cleared when it stops.
 */
export class TerminalBar {
  private bar: SingleBar | null = null;

  /** @param format cli-progress's format: `{bar}`, `{percentage}`, `{value}`, `{total}`, `{eta}`, `{duration_formatted}` and the payload's keys */
  constructor(
    private readonly enabled: boolean,
    private readonly format: string,
  ) {}

  static forTerminal(json: boolean, format: string): TerminalBar {
    return new TerminalBar(!json && process.stderr.isTTY === true, format);
  }

  show(value: number, total: number, payload: Record<string, unknown> = {}): void {
    if (!this.enabled) return;
    if (!this.bar) {
      this.bar = new SingleBar({
        stream: process.stderr,
        format: this.format,
        // the terminal's cursor and line wrapping are left alone: Ctrl-C ends the process at
        // once, with no chance to give back what the bar took (it left no cursor)
        hideCursor: false,
        linewrap: true,
        clearOnComplete: true,
      });
      this.bar.start(Math.max(1, total), 0, payload);
    }
    this.bar.setTotal(Math.max(1, total));
    this.bar.update(value, payload);
  }

  stop(): void {
    this.bar?.stop();
    this.bar = null;
  }
}
