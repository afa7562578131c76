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

/** The top-level commands (each brings its sub-commands): what `roster-ledger` accepts. */
export const CLI_COMMANDS = [
  ImportCommand,
  SyncCommand,
  SyncsCommand,
  EventsCommand,
  SearchCommand,
  TimelineCommand,
  RosterCommand,
  AuditCommand,
  ProjectionsCommand,
  RebuildCommand,
  ServeCommand,
] as const;

@Module({})
export class CliModule {
  /**
   * @param command the command about to run: commands that write (import, sync), rebuild and
   *   serve fold the log into the read models themselves, so only the others catch up first.
   */
  static forRoot(config: LedgerConfig, command?: string): DynamicModule {
    const catchUpFirst = command === undefined || !['import', 'sync', 'serve', 'rebuild'].includes(command);
    return {
      module: CliModule,
      imports: [LedgerRuntimeModule.forRoot(config)],
      providers: [
        ...(catchUpFirst ? [ReadModelsFreshness] : []),
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
