import type { SyncProgress } from '@roster-ledger/ledger';
import { TerminalBar } from './terminal-bar';

/**
 * A sync read from Clever's API: records (or Clever events) read so far and the time taken. No
 * bar: an API does not say in advance how many records there are.
 */
export class RecordsProgress {
  constructor(private readonly bar: TerminalBar) {}

  static forTerminal(json: boolean, label: string): RecordsProgress {
    return new RecordsProgress(TerminalBar.forTerminal(json, `${label}: {phase} | {records} read | {duration_formatted}`));
  }

  update = (p: SyncProgress): void => {
    this.bar.show(0, 1, { phase: p.phase, records: p.records.toLocaleString('en-US') });
  };

  stop(): void {
    this.bar.stop();
  }
}
