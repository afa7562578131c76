import { SingleBar } from 'cli-progress';
import type { SyncProgress } from '@roster-ledger/ledger';

/**
 * A progress line for a sync read from Clever's API, on stderr when it is a terminal and JSON was
 * not asked for: records (or Clever events) read so far and the time taken. No bar: an API does
 * not say in advance how many records there are.
 */
export class RecordsProgress {
  private bar: SingleBar | null = null;

  constructor(
    private readonly enabled: boolean,
    private readonly label: string,
  ) {}

  static forTerminal(json: boolean, label: string): RecordsProgress {
    return new RecordsProgress(!json && process.stderr.isTTY === true, label);
  }

  update = (p: SyncProgress): void => {
    if (!this.enabled) return;
    if (!this.bar) {
      this.bar = new SingleBar({ stream: process.stderr, format: `${this.label}: {phase} | {records} read | {duration_formatted}`, hideCursor: true, clearOnComplete: true });
      this.bar.start(1, 0, { phase: 'reading', records: '0' });
    }
    this.bar.update(0, { phase: p.phase, records: p.records.toLocaleString('en-US') });
  };

  stop(): void {
    this.bar?.stop();
    this.bar = null;
  }
}
