import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { PROJECTION_CONTROL, type ProjectionControl } from '@roster-ledger/ledger';
import { err } from './output/cli-output';

/**
 * Tells the user, before the command goes on, of each read model the ledger started over from
 * the log as it opened it (after an upgrade that stores one differently, say): folding a large
 * log again takes minutes, and a command that waited for it without a word would look hung.
 * On stderr, so that stdout keeps what the command prints (`--json` is one document).
 */
@Injectable()
export class ReadModelRestarts implements OnModuleInit {
  constructor(@Inject(PROJECTION_CONTROL) private readonly control: ProjectionControl) {}

  async onModuleInit(): Promise<void> {
    const restarts = this.control.startedOver();
    if (restarts.length === 0) return;
    const head = Math.max(0, ...(await this.control.status()).map((s) => s.head));
    for (const { name, reason, category } of restarts) {
      // (folded by this command, or by the next one that reads the read models after an import with --skip-projections)
      const what =
        category === undefined
          ? `all ${head.toLocaleString('en-US')} events of the log are to be folded into it again`
          : `the events of its ${category}-… streams are to be folded into it again, and the rest of the log's ${head.toLocaleString('en-US')} events passed over`;
      err(`note: read model ${name} starts over from the log (${reason}): ${what}`);
    }
  }
}
