import { Module, type DynamicModule, type Provider, type Type } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { EVENT_STORE, PROJECTION_CONTROL, type EventStore, type ProjectionControl } from '@roster-ledger/ledger';
import type { LedgerConfig } from '@roster-ledger/config';
import { LedgerRuntimeModule } from './ledger-runtime.module';
import { ReadModelRestarts } from './read-model-restarts';
import { ReadModelsFreshness } from './read-models-freshness';
import { LedgerFile } from './ledger-file';
import { withSubCommands } from './usage-check';
import { ImportCommand } from './commands/import.command';
import { EventsCommand } from './commands/events.command';
import { ClassesCommand, RosterCommand, SearchCommand, TimelineCommand } from './commands/read.commands';
import { AuditCommand } from './commands/audit.command';
import { ProjectionsCommand, RebuildCommand } from './commands/projections.command';
import { ServeCommand } from './commands/serve.command';
import { BackupCommand } from './commands/backup.command';
import { AccessLogCommand } from './commands/access-log.command';
import { SyncCommand } from './commands/sync.command';
import { SyncsCommand } from './commands/syncs.command';
import { VerifyLogCommand } from './commands/verify-log.command';

/** The top-level commands (each brings its sub-commands): what `roster-ledger` accepts. */
export const CLI_COMMANDS = [
  ImportCommand,
  SyncCommand,
  SyncsCommand,
  EventsCommand,
  SearchCommand,
  TimelineCommand,
  RosterCommand,
  ClassesCommand,
  AuditCommand,
  AccessLogCommand,
  ProjectionsCommand,
  RebuildCommand,
  BackupCommand,
  VerifyLogCommand,
  ServeCommand,
] as const;

@Module({})
export class CliModule {
  /**
   * @param command the command about to run: commands that write (import, sync), rebuild and
   *   serve fold the log into the read models themselves, so only the others catch up first;
   *   serve opens the ledger in its server alone.
   * @param json whether the command was asked for `--json` (no progress bar then)
   * @param skipsCatchUp whether the command runs without the catch-up: it reads none of the read
   *   models (the log, a sync's stream, a lock), so it must not wait minutes for read models
   *   behind a large import (an emergency unlock), or it reports how far behind they are
   * @param newLedger whether there was no ledger file at the configured path when the command began
   */
  static forRoot(config: LedgerConfig, command?: string, json = false, skipsCatchUp = false, newLedger = false): DynamicModule {
    // serve starts an application of its own (the API server, which opens the ledger and the read
    // models as a server does): the CLI's would be a second set of connections, idle for as long as
    // the server runs, holding open the read-model versions a rebuild replaced, and their disk space
    if (command === 'serve') return { module: CliModule, providers: [ServeCommand.provider(config)] };
    const catchUpFirst = !skipsCatchUp && (command === undefined || !['import', 'sync', 'serve', 'rebuild'].includes(command));
    // commands built from the configuration; every other one (and each sub-command) is provided as its class
    const configured = new Map<unknown, Provider>([[ServeCommand, ServeCommand.provider(config)]]);
    return {
      module: CliModule,
      imports: [LedgerRuntimeModule.forRoot(config)],
      providers: [
        ReadModelRestarts,
        // new: no file there when the command began, or one in which nothing was recorded (left by a refused command)
        { provide: LedgerFile, useFactory: async (store: EventStore) => new LedgerFile(config.dbPath, newLedger || (await store.headPosition()) === 0), inject: [EVENT_STORE] },
        ...(catchUpFirst ? [{ provide: ReadModelsFreshness, useFactory: (commands: CommandBus, control: ProjectionControl) => new ReadModelsFreshness(commands, control, json), inject: [CommandBus, PROJECTION_CONTROL] }] : []),
        ...withSubCommands(CLI_COMMANDS).map((command) => configured.get(command) ?? (command as Type)),
      ],
    };
  }
}
