import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { Command, Option, SubCommand } from 'nest-commander';
import { LedgerCommandRunner } from './ledger-command-runner';
import {
  GetProjectionStatusQuery,
  RebuildProjectionsCommand,
  VerifyProjectionsCommand,
  type ProjectionStatus,
  type RebuildResult,
  type UnfinishedRebuild,
  type VerifyResult,
} from '@roster-ledger/ledger';
import { columnWidth } from '../output/column-width';
import { EXIT_FAILED, EXIT_USAGE, err, json, out } from '../output/cli-output';
import { ProjectionProgressBar } from '../output/projection-progress';
import { commandOnThisLedger } from '../output/next-page';
import { rebuildReport, rowsApart } from '../output/rebuild-report';
import { onCtrlC } from './on-ctrl-c';
import { reportError, type CommonOptions } from './common-options';

/** Whether a rebuild is at work, and where, or was interrupted, or is built and waits to be swapped in. */
export function rebuildState({ builder, underWay, resumedBy, position }: UnfinishedRebuild, head: number): string {
  if (underWay && builder !== null) return `under way in process ${builder.pid} on ${builder.host}`;
  // (one a dry run finished for its comparison and kept): nothing is broken, nothing is left but the swap
  if (position >= head) {
    return resumedBy === 'catch-up'
      ? 'built to the head, not live yet: swapped in when a CLI command next reads the read models, or by the next rebuild'
      : 'built to the head, not live yet: the next rebuild swaps it in';
  }
  return resumedBy === 'catch-up'
    ? 'interrupted: resumes when a CLI command next reads the read models'
    : 'interrupted: resumes on the next rebuild';
}

function printStatus(list: ProjectionStatus[]): void {
  const width = columnWidth(list.map((s) => s.name), 12);
  out(['projection'.padEnd(width), 'version', 'position'.padStart(10), 'head'.padStart(10), 'lag'.padStart(8), 'lag s'.padStart(7), 'status'].join('  '));
  for (const s of list) {
    const rebuilding = s.rebuilding ? `  (rebuild v${s.rebuilding.version} at ${s.rebuilding.position}, ${rebuildState(s.rebuilding, s.head)})` : '';
    const failure = s.failure ? `  stopped at #${s.failure.position} ${s.failure.type} on ${s.failure.streamId}: ${s.failure.message}` : '';
    out(
      [s.name.padEnd(width), `v${s.version}`.padEnd(7), String(s.position).padStart(10), String(s.head).padStart(10), String(s.lag.events).padStart(8), String(s.lag.seconds).padStart(7), s.status].join('  ') +
        failure +
        rebuilding,
    );
  }
}

@SubCommand({ name: 'list', description: "each read model's position, head, lag and status" })
export class ProjectionsListCommand extends LedgerCommandRunner {
  /** It shows how far behind the log each read model is: caught up first, it would always say 0. */
  static readonly skipsCatchUp = true;

  constructor(private readonly queries: QueryBus) {
    super();
  }
  async run(_: string[], given: CommonOptions): Promise<void> {
    const options = { ...given, json: given.json ?? (this.command?.parent?.opts()['json'] as boolean | undefined) };
    try {
      const list = await this.queries.execute<GetProjectionStatusQuery, ProjectionStatus[]>(new GetProjectionStatusQuery());
      // as GET /projections: one object, which a field added later does not break
      if (options.json) json({ items: list });
      else printStatus(list);
    } catch (error) {
      reportError(error, options.json);
    }
  }
}

@SubCommand({ name: 'verify', arguments: '[names...]', description: 'check that each live read model equals one rebuilt from the log' })
export class ProjectionsVerifyCommand extends LedgerCommandRunner {
  constructor(private readonly commands: CommandBus) {
    super();
  }
  async run(names: string[], given: CommonOptions): Promise<void> {
    // `projections` itself takes --json (for its list), so commander may hand it to the parent
    const options = { ...given, json: given.json ?? (this.command?.parent?.opts()['json'] as boolean | undefined) };
    const bar = ProjectionProgressBar.forTerminal(options.json === true, 'verifying');
    try {
      const results = await this.commands.execute<VerifyProjectionsCommand, VerifyResult[]>(new VerifyProjectionsCommand(names, bar.update));
      bar.stop();
      if (options.json) json(results);
      else {
        const width = columnWidth(results.map((r) => r.projection), 12);
        for (const r of results) {
          const diff = Object.entries(r.differences).filter(([, n]) => n > 0).map(([t, n]) => `${t}: ${rowsApart(n)}`).join(', ');
          out(`${r.projection.padEnd(width)} ${r.equal ? 'equal to a rebuild from the log' : `DIFFERS (${diff})`} at position ${r.position}`);
        }
        const differ = results.filter((r) => !r.equal).map((r) => r.projection);
        // the log is the truth: a read model that differs from it is made again from it
        if (differ.length > 0) out(`To make ${differ.length === 1 ? 'it' : 'them'} again from the log: ${commandOnThisLedger(['rebuild', ...differ])}`);
      }
      if (results.some((r) => !r.equal)) process.exitCode = EXIT_FAILED;
    } catch (error) {
      bar.stop();
      reportError(error, options.json);
    }
  }
}

@Command({ name: 'projections', description: 'the read models: list (default) or verify', subCommands: [ProjectionsListCommand, ProjectionsVerifyCommand] })
export class ProjectionsCommand extends LedgerCommandRunner {
  /** `projections` alone lists them (see ProjectionsListCommand). */
  static readonly skipsCatchUp = true;

  constructor(private readonly queries: QueryBus) {
    super();
  }
  async run(_: string[], options: CommonOptions): Promise<void> {
    await new ProjectionsListCommand(this.queries).run([], options);
  }
}

@Command({
  name: 'rebuild',
  arguments: '[names...]',
  description: 'rebuild read models from the log beside the live ones, then swap them in (a crashed rebuild resumes)',
})
export class RebuildCommand extends LedgerCommandRunner {
  constructor(private readonly commands: CommandBus) {
    super();
  }
  async run(names: string[], options: CommonOptions & { all?: boolean; dryRun?: boolean }): Promise<void> {
    if ((names.length === 0) === !options.all) {
      const message = names.length === 0 ? 'name the projections to rebuild, or pass --all' : 'name the projections to rebuild or pass --all, not both';
      // as every usage mistake: with --json, the error object on stdout
      if (options.json) json({ error: { code: 'INVALID_REQUEST', message } });
      else err(`error: ${message}`);
      process.exitCode = EXIT_USAGE;
      return;
    }
    const bar = ProjectionProgressBar.forTerminal(options.json === true, options.dryRun ? 'rebuilding (dry run)' : 'rebuilding');
    // a rebuild builds beside the live read models, noting where it got to as it commits: stopped
    // anywhere, it leaves them as they were and resumes from its last commit
    const again = commandOnThisLedger(['rebuild', ...(options.all ? ['--all'] : names), ...(options.dryRun ? ['--dry-run'] : [])]);
    const letGo = onCtrlC(`interrupted: the live read models are as they were, and what was rebuilt so far is kept: ${again} resumes where it stopped.`, () => bar.stop());
    try {
      const result = await this.commands.execute<RebuildProjectionsCommand, RebuildResult>(
        new RebuildProjectionsCommand(options.all ? [] : names, { dryRun: options.dryRun, onProgress: bar.update }),
      );
      bar.stop();
      if (options.json) return json(result);
      for (const line of rebuildReport(result)) out(line);
    } catch (error) {
      bar.stop();
      reportError(error, options.json);
    } finally {
      letGo();
    }
  }
  @Option({ flags: '--all', description: 'every projection' })
  parseAll(): boolean {
    return true;
  }
  @Option({ flags: '--dry-run', description: 'build and compare with the live read models, but do not swap' })
  parseDryRun(): boolean {
    return true;
  }
}
