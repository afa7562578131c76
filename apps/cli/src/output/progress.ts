import type { SyncProgress } from '@roster-ledger/ledger';
import { TerminalBar } from './terminal-bar';

/** A snapshot folder's import: the bytes of its files read, and the records. */
export class ProgressBar {
  constructor(private readonly bar: TerminalBar) {}

  static forTerminal(json: boolean): ProgressBar {
    return new ProgressBar(TerminalBar.forTerminal(json, '{phase} [{bar}] {percentage}% | {records} records | {value}/{total} KiB | {duration_formatted}'));
  }

  update(p: SyncProgress): void {
    this.bar.show(Math.round(p.bytesDone / 1024), Math.round(p.bytesTotal / 1024), { phase: p.phase, records: p.records.toLocaleString('en-US') });
  }

  stop(): void {
    this.bar.stop();
  }
}
