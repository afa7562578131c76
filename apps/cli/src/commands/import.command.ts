import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { Command, CommandRunner, Option } from 'nest-commander';
import type { SyncSummary } from '@roster-ledger/domain';
import { CatchUpProjectionsCommand, GetSyncQuery, RunSyncCommand } from '@roster-ledger/ledger';
import { err, EXIT_FAILED, json, out } from '../output/cli-output';
import { ProgressBar } from '../output/progress';
import { ProjectionProgressBar } from '../output/projection-progress';
import { describeSync, syncJson } from '../output/sync-report';
import { DB_OPTION, JSON_OPTION, reportError, whoAmI, type CommonOptions } from './common-options';

interface ImportOptions extends CommonOptions {
  district?: string;
  skipProjections?: boolean;
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
    const durationMs = Date.now() - started;
    // the read models follow the log at once, so a search or a timeline right after an import is current
    let projected = 0;
    if (!options.skipProjections) {
      const bar = ProjectionProgressBar.forTerminal(options.json === true, 'updating read models');
      try {
        projected = await this.commands.execute<CatchUpProjectionsCommand, number>(new CatchUpProjectionsCommand(bar.update));
      } finally {
        bar.stop();
      }
    }
    if (options.json) json({ ...syncJson(summary, durationMs), projectedEvents: projected });
    else {
      out(describeSync(summary, durationMs));
      if (!options.skipProjections) out(`  Read models updated (${projected.toLocaleString('en-US')} events folded).`);
    }
  }

  @Option({ flags: '--skip-projections', description: 'do not update the read models now (serve or the next command will)' })
  parseSkipProjections(): boolean {
    return true;
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
