import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { Command, CommandRunner, Option } from 'nest-commander';
import type { SyncSummary } from '@roster-ledger/domain';
import { GetSyncQuery, RunSyncCommand } from '@roster-ledger/ledger';
import { err, EXIT_FAILED, json, out } from '../output/cli-output';
import { ProgressBar } from '../output/progress';
import { describeSync, syncJson } from '../output/sync-report';
import { DB_OPTION, JSON_OPTION, reportError, whoAmI, type CommonOptions } from './common-options';

interface ImportOptions extends CommonOptions {
  district?: string;
}

@Command({
  name: 'import',
  arguments: '<folder>',
  description:
    'record a Clever JSON snapshot folder (districts.json, schools.json, terms.json, courses.json, users.json, sections.json) as a sync',
  argsDescription: { folder: 'folder of Clever Data API JSON files, in the API envelope or as plain arrays' },
})
export class ImportCommand extends CommandRunner {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {
    super();
  }

  async run([folder]: string[], options: ImportOptions): Promise<void> {
    const syncId = randomUUID();
    const started = Date.now();
    const progress = ProgressBar.forTerminal(options.json === true);
    let summary: SyncSummary;
    try {
      summary = await this.commands.execute(
        new RunSyncCommand(resolve(folder!), {
          districtId: options.district,
          requestedBy: whoAmI(),
          syncId,
          onProgress: (p) => progress.update(p),
        }),
      );
    } catch (error) {
      progress.stop();
      const failed = await this.queries.execute<GetSyncQuery, SyncSummary>(new GetSyncQuery(syncId)).catch(() => null);
      if (!failed) return reportError(error, options.json);
      if (options.json) json(syncJson(failed, Date.now() - started));
      else err(describeSync(failed, Date.now() - started));
      process.exitCode = EXIT_FAILED;
      return;
    }
    progress.stop();
    if (options.json) json(syncJson(summary, Date.now() - started));
    else out(describeSync(summary, Date.now() - started));
  }

  @Option({ flags: '--district <id>', description: 'the Clever district id (default: the district the records name)' })
  parseDistrict(value: string): string {
    return value;
  }

  @Option(DB_OPTION)
  parseDb(value: string): string {
    return value;
  }

  @Option(JSON_OPTION)
  parseJson(): boolean {
    return true;
  }
}
