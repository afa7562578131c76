import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { Command, CommandRunner, Option, SubCommand } from 'nest-commander';
import { LedgerCommandRunner } from './ledger-command-runner';
import { ROSTER_EVENT_TYPES, type SyncStatus, type SyncSummary } from '@roster-ledger/domain';
import { ApproveSyncCommand, DiscardSyncCommand, GetPendingChangesQuery, GetSyncQuery, ListSyncsQuery, UnlockSyncCommand, type Page, type PendingChangesPage, type UnlockResult } from '@roster-ledger/ledger';
import { json, out, outLine } from '../output/cli-output';
import { nextPageLine } from '../output/next-page';
import { describeSync, syncJson, syncLine } from '../output/sync-report';
import { BY_OPTION, checkIdArgument, cliViewer, parseIdOption, parseByName, parseCommaList, parseCursor, parseInteger, parsePageLimit, reportError, ROLE_OPTION, whoAmI, type CommonOptions, parseDistrictId } from './common-options';
import { describeTimelineEntry } from '../output/timeline-line';
import { catchUpAfterSync, readModelsJson, readModelsLine, reportReadModelsBehind } from './read-models-after-sync';
import { sayWhenInterruptedAfterSync } from './recorded-sync';
import { logStudentsInFindings } from './findings-access';

/** What the `syncs` sub-commands share: printing a sync as text or JSON. */
abstract class SyncsSubCommand extends LedgerCommandRunner {
  /** The `<syncId>` of show, pending, approve, discard and unlock, checked before the ledger is opened (list takes none). */
  static checkArguments([syncId]: readonly string[]): void {
    checkIdArgument('<syncId>', syncId, 'syncs list');
  }

  protected print(summary: SyncSummary, options: CommonOptions): void {
    if (options.json) json(syncJson(summary));
    else out(describeSync(summary));
  }
}

@SubCommand({ name: 'list', description: 'list syncs, newest first' })
export class SyncsListCommand extends SyncsSubCommand {
  constructor(
    private readonly queries: QueryBus,
    private readonly commands: CommandBus,
  ) {
    super();
  }

  async run(_: string[], options: CommonOptions & { district?: string; status?: SyncStatus; limit?: number; after?: string }): Promise<void> {
    try {
      const page = await this.queries.execute<ListSyncsQuery, Page<SyncSummary>>(new ListSyncsQuery(options.district, options.limit ?? 50, options.after, options.status));
      // as every paged read, and as GET /syncs: `next` is the --after of the next page, null on the last
      if (options.json) {
        // (the lines of the text list show no finding's place)
        await logStudentsInFindings(this.commands, 'syncs list', page.items);
        return json({ items: page.items, next: page.next ?? null });
      }
      // a --district with no sync was refused by the query (not found): nothing listed means an empty ledger
      if (page.items.length === 0 && options.after !== undefined) return out(`No syncs before ${options.after}.`);
      if (page.items.length === 0 && options.status !== undefined) return out(`No ${options.status} syncs${options.district === undefined ? '' : ` of district ${options.district}`}.`);
      if (page.items.length === 0) return out('No syncs recorded yet. Record one with: roster-ledger import <folder>');
      out(['sync id'.padEnd(36), 'status   ', 'started'.padEnd(24), 'district'.padEnd(24), 'roster events'.padStart(17), 'origin'].join('  '));
      for (const s of page.items) outLine(syncLine(s));
      if (page.next) out(nextPageLine('--after', page.next));
    } catch (error) {
      reportError(error, options.json);
    }
  }

  @Option({ flags: '--district <id>', description: 'only this district' })
  parseDistrict(value: string): string {
    return parseDistrictId(value);
  }

  @Option({ flags: '--limit <n>', description: 'at most this many (default 50)' })
  parseLimit(value: string): number {
    return parsePageLimit(value);
  }

  @Option({ flags: '--status <status>', description: 'only syncs of this status (held: the decisions pending)', choices: ['running', 'completed', 'failed', 'held', 'discarded'] })
  parseStatus(value: string): string {
    return value;
  }

  @Option({ flags: '--after <syncId>', description: 'the next page: the syncs older than this one ("More: --after ...")' })
  parseAfter(value: string): string {
    return parseIdOption('--after', parseCursor('--after', value));
  }
}

@SubCommand({ name: 'show', arguments: '<syncId>', description: 'what one sync did: counts, findings, holds, failures' })
export class SyncsShowCommand extends SyncsSubCommand {
  constructor(
    private readonly queries: QueryBus,
    private readonly commands: CommandBus,
  ) {
    super();
  }

  async run([syncId]: string[], options: CommonOptions): Promise<void> {
    try {
      const summary = await this.queries.execute<GetSyncQuery, SyncSummary>(new GetSyncQuery(syncId!));
      await logStudentsInFindings(this.commands, 'syncs show', [summary]);
      this.print(summary, options);
    } catch (error) {
      reportError(error, options.json);
    }
  }
}

@SubCommand({ name: 'pending', arguments: '<syncId>', description: 'the changes a held sync would append, one a line: what approving it would do' })
export class SyncsPendingCommand extends SyncsSubCommand {
  constructor(private readonly queries: QueryBus) {
    super();
  }

  async run([syncId]: string[], options: CommonOptions & { role?: string; types?: string[]; limit?: number; after?: number }): Promise<void> {
    try {
      const page = await this.queries.execute<GetPendingChangesQuery, PendingChangesPage>(
        new GetPendingChangesQuery(syncId!, cliViewer('syncs pending', options.role), { types: options.types, after: options.after, limit: options.limit ?? 100 }),
      );
      if (options.json) return json(page);
      const only = options.types === undefined ? '' : ` (listed: ${options.types.join(', ')})`;
      out(`Sync ${page.syncId} of district ${page.districtId ?? '-'} is held: ${page.pending.toLocaleString('en-US')} roster events pending${only}.`);
      if (page.items.length === 0) return out(`  No ${options.types === undefined ? 'change' : options.types.join(' or ')} pending${options.after === undefined ? '' : ` after #${options.after}`}.`);
      const width = `#${page.items[page.items.length - 1]!.index}`.length;
      for (const change of page.items) outLine(`  ${`#${change.index}`.padStart(width)}  ${change.type.padEnd(22)} ${describeTimelineEntry(change, null)}`);
      if (page.next) out(nextPageLine('--after', page.next));
    } catch (error) {
      reportError(error, options.json);
    }
  }

  @Option(ROLE_OPTION)
  parseRole(value: string): string {
    return value;
  }

  @Option({ flags: '--types <list>', description: 'only these event types, comma-separated (e.g. StudentRemoved,TeacherRemoved)' })
  parseTypes(value: string, earlier?: string[]): string[] {
    return parseCommaList('--types', value, ROSTER_EVENT_TYPES, 'a roster event type', earlier);
  }

  @Option({ flags: '--limit <n>', description: 'at most this many (default 100)' })
  parseLimit(value: string): number {
    return parsePageLimit(value);
  }

  @Option({ flags: '--after <n>', description: 'the next page: the changes after this one ("More: ... --after <n>")' })
  parseAfter(value: string): number {
    return parseInteger('--after', parseCursor('--after', value));
  }
}

@SubCommand({ name: 'approve', arguments: '<syncId>', description: 'apply a held sync exactly as previewed' })
export class SyncsApproveCommand extends SyncsSubCommand {
  constructor(private readonly commands: CommandBus) {
    super();
  }

  async run([syncId]: string[], options: CommonOptions & { by?: string }): Promise<void> {
    try {
      const summary = await this.commands.execute<ApproveSyncCommand, SyncSummary>(new ApproveSyncCommand(syncId!, options.by ?? whoAmI(), 'cli'));
      // like import: the read models follow the approved events at once (the approval stands if they cannot)
      const letGo = sayWhenInterruptedAfterSync();
      const readModels = await catchUpAfterSync(this.commands).finally(letGo);
      await logStudentsInFindings(this.commands, 'syncs approve', [summary]);
      if (options.json) json({ ...syncJson(summary), ...readModelsJson(readModels) });
      else {
        out(describeSync(summary));
        const line = readModelsLine(readModels);
        if (line !== null) out(line);
      }
      if (readModels.behind !== null) reportReadModelsBehind(readModels.behind, options.json);
    } catch (error) {
      reportError(error, options.json);
    }
  }

  @Option(BY_OPTION)
  parseBy(value: string): string {
    return parseByName(value);
  }
}

/** Said after an events sync is discarded: the district's cursor did not move, so its events come again. */
export const EVENTS_DISCARDED =
  "The district's events cursor stays where it was: the next events sync reads the same events again, and is held again if they still cross the guard. " +
  'A full sync (roster-ledger sync --district <id>) records the district as Clever shows it now, and sets a new cursor.';

@SubCommand({ name: 'discard', arguments: '<syncId>', description: 'drop a held sync; the ledger stays as it was' })
export class SyncsDiscardCommand extends SyncsSubCommand {
  constructor(private readonly commands: CommandBus) {
    super();
  }

  async run([syncId]: string[], options: CommonOptions & { by?: string }): Promise<void> {
    try {
      const discarded = await this.commands.execute<DiscardSyncCommand, SyncSummary>(new DiscardSyncCommand(syncId!, options.by ?? whoAmI(), 'cli'));
      await logStudentsInFindings(this.commands, 'syncs discard', [discarded]);
      this.print(discarded, options);
      // its events stay unread past the cursor: the next events sync meets them again
      if (!options.json && discarded.source === 'clever-events') out(EVENTS_DISCARDED);
    } catch (error) {
      reportError(error, options.json);
    }
  }

  @Option(BY_OPTION)
  parseBy(value: string): string {
    return parseByName(value);
  }
}

@SubCommand({
  name: 'unlock',
  arguments: '<syncId>',
  description: "release the district lock of a sync whose process is gone (the district's next sync does this too), recording it as interrupted if it was running",
})
export class SyncsUnlockCommand extends SyncsSubCommand {
  /** It reads the sync's stream and the district's lock: an emergency tool waits for no catch-up. */
  static readonly skipsCatchUp = true;

  constructor(private readonly commands: CommandBus) {
    super();
  }

  async run([syncId]: string[], options: CommonOptions & { by?: string }): Promise<void> {
    try {
      const result = await this.commands.execute<UnlockSyncCommand, UnlockResult>(new UnlockSyncCommand(syncId!, options.by ?? whoAmI()));
      if (options.json) return json(result);
      if (result.released === null) return out(`Sync ${syncId} holds no lock${result.districtId === null ? '' : ` of district ${result.districtId}`}: nothing to release.`);
      const { owner } = result.released;
      out(`Released the lock of district ${result.districtId} held by sync ${syncId} (process ${owner.pid} on ${owner.host}, found gone).`);
      out(result.interrupted ? `Sync ${syncId} is recorded as interrupted: nothing of it was applied.` : `Sync ${syncId} was not running: its record stays as it was.`);
    } catch (error) {
      reportError(error, options.json);
    }
  }

  @Option(BY_OPTION)
  parseBy(value: string): string {
    return parseByName(value);
  }
}

@Command({
  name: 'syncs',
  description: 'list and show syncs, read the changes of a held one, approve, discard or unlock syncs',
  subCommands: [SyncsListCommand, SyncsShowCommand, SyncsPendingCommand, SyncsApproveCommand, SyncsDiscardCommand, SyncsUnlockCommand],
})
export class SyncsCommand extends CommandRunner {
  /** `syncs` alone, or with an unknown command, is a usage error (see checkUsage). */
  static readonly subCommandRequired = true;

  async run(): Promise<void> {
    this.command.help();
  }
}
