import { Module, type DynamicModule } from '@nestjs/common';
import type { LedgerConfig } from '@roster-ledger/config';
import { LedgerRuntimeModule } from './ledger-runtime.module';
import { ImportCommand } from './commands/import.command';
import { EventsCommand } from './commands/events.command';
import {
  SyncsApproveCommand,
  SyncsCommand,
  SyncsDiscardCommand,
  SyncsListCommand,
  SyncsShowCommand,
} from './commands/syncs.command';

@Module({})
export class CliModule {
  static forRoot(config: LedgerConfig): DynamicModule {
    return {
      module: CliModule,
      imports: [LedgerRuntimeModule.forRoot(config)],
      providers: [
        ImportCommand,
        EventsCommand,
        SyncsCommand,
        SyncsListCommand,
        SyncsShowCommand,
        SyncsApproveCommand,
        SyncsDiscardCommand,
      ],
    };
  }
}
