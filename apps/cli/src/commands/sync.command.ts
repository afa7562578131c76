import { randomUUID } from 'node:crypto';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { Command, Option } from 'nest-commander';
import { LedgerCommandRunner } from './ledger-command-runner';
import type { LedgerConfig } from '@roster-ledger/config';
import { InvalidInput } from '@roster-ledger/domain';
import { SyncDistrictCommand, type SyncDistrictResult } from '@roster-ledger/ledger';
import { json, out } from '../output/cli-output';
import { RecordsProgress } from '../output/records-progress';
import { describeEventsCursor, describeSync, syncJson } from '../output/sync-report';
import { whoAmI, type CommonOptions, parseDistrictId } from './common-options';
import { readModelsJson, readModelsLine, reportReadModelsBehind } from './read-models-after-sync';
import { runRecordedSync } from './recorded-sync';
import { logStudentsInFindings } from './findings-access';
import { LedgerFile } from '../ledger-file';

const DISTRICT_REQUIRED = '--district <id> is required: the Clever id of a district connected in the configuration';

interface SyncOptions extends CommonOptions {
  district?: string;
  events?: boolean;
  skipProjections?: boolean;
}

/**
 * `roster-ledger sync --district <id> [--events]`: one sync of a district connected to Clever,
 * through the same command as the API and the schedule, then the read models caught up.
 */
@Command({
  name: 'sync',
  description:
    'sync a district connected to Clever: the whole district from the Data API (and a new events cursor), or with --events the Events API after its cursor (a full sync when there is no usable cursor)',
})
export class SyncCommand extends LedgerCommandRunner {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly ledger: LedgerFile,
  ) {
    super();
  }

  /** Checked with the options, before the ledger is opened (a sync of no district must not create one). */
  static checkArguments(_: readonly string[], options: Readonly<SyncOptions>): void {
    if (options.district === undefined) throw new InvalidInput(DISTRICT_REQUIRED, { field: '--district' });
  }

  /**
   * A district that cannot sync is a configuration problem, told once the configuration is loaded
   * and before the ledger is opened (a sync that cannot run must not create one, nor record anything).
   * @throws DistrictNotConfigured, CleverTokenMissing
   */
  static checkConfiguration(_: readonly string[], options: Readonly<SyncOptions>, config: LedgerConfig): void {
    if (options.district !== undefined) config.cleverTokenFor(options.district);
  }

  async run(_: string[], options: SyncOptions): Promise<void> {
    // given: a sync without --district, or of a district the configuration cannot sync, was refused
    // before the ledger was opened (see checkArguments and checkConfiguration)
    const districtId = options.district!;
    const mode = options.events ? 'events' : 'full';
    const syncId = randomUUID();
    const progress = RecordsProgress.forTerminal(options.json === true, `${mode} sync of ${districtId}`);
    const reportSync = ({ summary, cursor, cursorProblem }: SyncDistrictResult, durationMs: number) => {
      // (a fallback, and an events cursor not set, are said by the report itself: the sync's record has them)
      out(describeSync(summary, durationMs));
      if (cursorProblem !== null) {
        if (summary.cursorNotSet === null) out(`  Events cursor not set: ${cursorProblem}`);
      } else if (cursor === null) out('  No events cursor yet.');
      // a cursor this sync moved is said by the report itself, from the sync's record
      else if (summary.eventsCursor === null || summary.status !== 'completed') out(`  Events cursor: ${describeEventsCursor(cursor.value)} (since ${cursor.at})`);
    };
    const done = await runRecordedSync({ commands: this.commands, queries: this.queries }, {
        ...options,
        syncId,
        ledger: this.ledger,
        stopProgress: () => progress.stop(),
        reportSync,
        logShown: (result) => logStudentsInFindings(this.commands, 'sync', [result.summary]),
        failureNotes: { json: { mode }, lines: [] },
      }, () =>
      this.commands.execute<SyncDistrictCommand, SyncDistrictResult>(
        new SyncDistrictCommand(districtId, { mode, requestedBy: whoAmI(), requestedVia: 'cli', syncId, onProgress: progress.update }),
      ),
    );
    if (!done) return;
    const { result, durationMs, readModels, ledgerNotes } = done;
    const behind = readModels?.behind ?? null;
    const { mode: asked, ran, fallback, cursor, cursorProblem } = result;
    if (options.json) {
      json({ ...syncJson(result.summary, durationMs), mode: asked, ran, fallback, cursor, cursorProblem, ...readModelsJson(readModels), ...ledgerNotes });
      if (behind !== null) reportReadModelsBehind(behind, options.json);
      return;
    }
    const line = readModelsLine(readModels);
    if (line !== null) out(line);
    if (behind !== null) reportReadModelsBehind(behind, options.json);
  }

  @Option({ flags: '--district <id>', description: 'the Clever id of a district connected in the configuration (LEDGER_CONFIG districts or LEDGER_DISTRICTS)' })
  parseDistrict(value: string): string {
    return parseDistrictId(value);
  }

  @Option({ flags: '--events', description: "read Clever's Events API after the district's cursor instead of the whole district" })
  parseEvents(): boolean {
    return true;
  }

  @Option({ flags: '--skip-projections', description: 'do not update the read models now (serve or the next command will)' })
  parseSkipProjections(): boolean {
    return true;
  }

}
