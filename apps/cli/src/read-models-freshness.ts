import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { CatchUpProjectionsCommand } from '@roster-ledger/ledger';
import { ProjectionProgressBar } from './output/projection-progress';

/**
 * Brings the read models up to the log before any command runs, so a search or a timeline never
 * answers from behind an import made with --skip-projections (or by another process). When
 * nothing is new, it costs one look at the log's head; otherwise a terminal shows its progress
 * (drawn and cleared in a moment for a few events, the minutes a read model started over takes).
 */
@Injectable()
export class ReadModelsFreshness implements OnApplicationBootstrap {
  constructor(
    private readonly commands: CommandBus,
    private readonly json: boolean,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const bar = ProjectionProgressBar.forTerminal(this.json, 'bringing the read models up to the log');
    try {
      await this.commands.execute(new CatchUpProjectionsCommand(bar.update));
    } finally {
      bar.stop();
    }
  }
}
