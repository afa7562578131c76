import { Module, type DynamicModule } from '@nestjs/common';
import type { LedgerConfig } from '@roster-ledger/config';
import { LedgerRuntimeModule } from './ledger-runtime.module';
import { ReadModelsFreshness } from './read-models-freshness';
import { ImportCommand } from './commands/import.command';
import { EventsCommand } from './commands/events.command';
import { RosterCommand, SearchCommand, TimelineCommand } from './commands/read.commands';
import { AuditCommand, AuditExportCommand } from './commands/audit.command';
import { ProjectionsCommand, ProjectionsListCommand, ProjectionsVerifyCommand, RebuildCommand } from './commands/projections.command';
import { ServeCommand } from './commands/serve.command';
import { SyncCommand } from './commands/sync.command';
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
        ReadModelsFreshness,
        ImportCommand,
        SyncCommand.provider(config),
        EventsCommand,
        SyncsCommand,
        SyncsListCommand,
        SyncsShowCommand,
        SyncsApproveCommand,
        SyncsDiscardCommand,
        SearchCommand,
        TimelineCommand,
        RosterCommand,
        AuditCommand,
        AuditExportCommand,
        ProjectionsCommand,
        ProjectionsListCommand,
        ProjectionsVerifyCommand,
        RebuildCommand,
        ServeCommand.provider(config),
      ],
    };
  }
}
