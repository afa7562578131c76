import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { CatchUpProjectionsCommand, type CatchUpResult, type ProjectionControl } from '@roster-ledger/ledger';
import { err } from './output/cli-output';
import { ProjectionProgressBar } from './output/projection-progress';

/**
 * How far behind the log a read model must be for the catch-up before a command to be said on
 * stderr: about a second of folding and more (minutes at a million students, in bulk).
 */
export const NOTED_LAG_EVENTS = 20_000;

/**
 * Brings the read models up to the log before any command runs, so a search or a timeline never
 * answers from behind an import made with --skip-projections (or by another process). When
 * nothing is new, it costs one look at the log's head; otherwise a terminal shows its progress
 * (drawn and cleared in a moment for a few events, the minutes a read model started over takes).
 */
@Injectable()
export class ReadModelsFreshness implements OnApplicationBootstrap {
  constructor(
    private readonly commands: CommandBus,
    private readonly control: ProjectionControl,
    private readonly json: boolean,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const noted = await this.noteLongCatchUp();
    const bar = ProjectionProgressBar.forTerminal(this.json, 'bringing the read models up to the log');
    let caughtUp: CatchUpResult;
    try {
      caughtUp = await this.commands.execute<CatchUpProjectionsCommand, CatchUpResult>(new CatchUpProjectionsCommand(bar.update));
    } finally {
      bar.stop();
    }
    // the note said it would fold them: another process (serve) was, and this command answers from before them
    if (noted && caughtUp.foldedElsewhere) {
      err('note: another process (serve, say) is folding those events into the read models: this command answers from before them');
    }
  }

  /**
   * Says why the command is about to wait, where it will wait long: without a terminal (a script,
   * `--json` piped to another program) there is no progress bar, and a search that sat silent for
   * the minutes a large import made with --skip-projections takes to fold would look hung. Read
   * models started over were noted already (see ReadModelRestarts).
   */
  private async noteLongCatchUp(): Promise<boolean> {
    const restarted = new Set(this.control.startedOver().map((r) => r.name));
    const behind = (await this.control.status()).filter((s) => s.status === 'running' && s.lag.events >= NOTED_LAG_EVENTS && !restarted.has(s.name));
    if (behind.length === 0) return false;
    const most = Math.max(...behind.map((s) => s.lag.events));
    const names = behind.map((s) => s.name).join(', ');
    err(`note: read model${behind.length === 1 ? '' : 's'} ${names} ${behind.length === 1 ? 'is' : 'are'} ${behind.length === 1 ? '' : 'up to '}${most.toLocaleString('en-US')} events behind the log: folding them before this command answers`);
    return true;
  }
}
