import type { CommandBus } from '@nestjs/cqrs';
import { CatchUpProjectionsCommand, type CatchUpResult, type ProjectionProgress } from '@roster-ledger/ledger';
import { err, EXIT_FAILED } from '../output/cli-output';
import { damagedOnLedger, problemOf } from './common-options';

/** Why the read models could not follow a sync that stands. */
export interface ReadModelsBehind {
  code: string;
  message: string;
}

/** What became of the read models after a sync. */
export interface ReadModelsAfterSync {
  /** Events folded into them here. */
  projected: number;
  /** Why they could not follow the sync, which stands (see reportReadModelsBehind); null when nothing failed. */
  behind: ReadModelsBehind | null;
  /** Another process (serve's runner) was folding them, and was left to fold this sync's events too. */
  foldedElsewhere: boolean;
  /** Read models so far behind that they were rebuilt from the log and swapped in (`projected` counts the log they read). */
  rebuilt: string[];
}

/**
 * Folds a sync's events into the read models once the sync is recorded. Never throws: the sync
 * stands whatever happens here (its events are in the log), so a failure (a full disk, say) must
 * not be reported as the sync's; it is returned, for the command to say so beside the sync.
 */
export async function catchUpAfterSync(commands: CommandBus, onProgress?: (progress: ProjectionProgress) => void): Promise<ReadModelsAfterSync> {
  try {
    const { folded, foldedElsewhere, rebuilt } = await commands.execute<CatchUpProjectionsCommand, CatchUpResult>(new CatchUpProjectionsCommand(onProgress));
    return { projected: folded, behind: null, foldedElsewhere, rebuilt };
  } catch (error) {
    // a damaged read-model file does not catch up by itself: which file, and what to do
    const damaged = damagedOnLedger(error, 'The read models stopped there.');
    return { projected: 0, behind: damaged === null ? problemOf(error) : { code: 'FILE_DAMAGED', message: damaged }, foldedElsewhere: false, rebuilt: [] };
  }
}

/** A sync's JSON keys about its read models (none folded, nothing behind, when they were left). */
export function readModelsJson(after: ReadModelsAfterSync | null): Record<string, unknown> {
  return {
    projectedEvents: after?.projected ?? 0,
    readModelsBehind: after?.behind ?? null,
    readModelsFoldedElsewhere: after?.foldedElsewhere ?? false,
    readModelsRebuilt: after?.rebuilt ?? [],
  };
}

/**
 * The line a sync's report ends with about its read models (`after` null: left, with
 * --skip-projections); null when there is nothing to say (a failure is reported apart).
 */
export function readModelsLine(after: ReadModelsAfterSync | null): string | null {
  if (after === null) {
    return (
      '  Read models not updated (--skip-projections): serve, or the next command that reads them, folds these events; ' +
      'until then, queries answer from before this sync.'
    );
  }
  if (after.behind !== null) return null;
  if (after.foldedElsewhere) {
    return (
      '  Read models: another process (serve, say) is folding into them, so these events are left to it or to the next command that reads them; ' +
      'until then, queries answer from before this sync (roster-ledger projections shows how far they are).'
    );
  }
  // every sync appends events of its own: none left to fold here means another process (serve's
  // runner) folded them while this one finished the sync, and "0 events folded" would read as none reaching them
  if (after.projected === 0 && after.rebuilt.length === 0) return "  Read models up to date: another process (serve, say) had already folded this sync's events.";
  const events = `${after.projected.toLocaleString('en-US')} ${after.projected === 1 ? 'event' : 'events'}`;
  if (after.rebuilt.length === 0) return `  Read models updated (${events} folded).`;
  // a rebuild reads the whole log: its count is not what this sync added, so it is not called folded
  return `  Read models updated (${events} read): ${after.rebuilt.join(', ')} far behind the log, so rebuilt from it and swapped in.`;
}

/**
 * Says, on stderr, that the sync stands but the read models are behind, and exits 1: the command
 * did not do all of its work. Nothing is lost: the read models catch up from the log when a
 * command next reads them, or when `serve` starts.
 */
export function reportReadModelsBehind(behind: ReadModelsBehind, asJson: boolean | undefined): void {
  if (!asJson) {
    // a damaged file says what to do itself: it does not catch up by itself
    const then = behind.code === 'FILE_DAMAGED' ? '' : '. They catch up from the log when a command next reads them, or when serve starts.';
    err(`warning: the sync stands (its events are in the log), but the read models could not be brought up to date (${behind.code}): ${behind.message}${then}`);
  }
  process.exitCode = EXIT_FAILED;
}
