import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { CatchUpProjectionsCommand } from '@roster-ledger/ledger';

/**
 * Brings the read models up to the log before any command runs, so a search or a timeline never
 * answers from behind an import made with --skip-projections (or by another process). When
 * nothing is new, it costs one look at the log's head.
 */
@Injectable()
export class ReadModelsFreshness implements OnApplicationBootstrap {
  constructor(private readonly commands: CommandBus) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.commands.execute(new CatchUpProjectionsCommand());
  }
}
