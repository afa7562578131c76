import type { CommandBus } from '@nestjs/cqrs';
import { CatchUpProjectionsCommand, type ProjectionProgress } from '@roster-ledger/ledger';
import { err, EXIT_FAILED } from '../output/cli-output';
import { problemOf } from './common-options';

/** Why the read models could not follow a sync that stands. */
export interface ReadModelsBehind {
  code: string;
  message: string;
}

/**
 * Folds a sync's events into the read models once the sync is recorded. Never throws: the sync
 * stands whatever happens here (its events are in the log), so a failure (a full disk, say) must
 * not be reported as the sync's; it is returned, for the command to say so beside the sync.
 */
export async function catchUpAfterSync(
  commands: CommandBus,
  onProgress?: (progress: ProjectionProgress) => void,
): Promise<{ projected: number; behind: ReadModelsBehind | null }> {
  try {
    return { projected: await commands.execute<CatchUpProjectionsCommand, number>(new CatchUpProjectionsCommand(onProgress)), behind: null };
  } catch (error) {
    return { projected: 0, behind: problemOf(error) };
  }
}

/**
 * Says, on stderr, that the sync stands but the read models are behind, and exits 1: the command
 * did not do all of its work. Nothing is lost: the read models catch up from the log when a
 * command next reads them, or when `serve` starts.
 */
export function reportReadModelsBehind(behind: ReadModelsBehind, asJson: boolean | undefined): void {
  if (!asJson) {
    err(
      `warning: the sync stands (its events are in the log), but the read models could not be brought up to date ` +
        `(${behind.code}): ${behind.message}. They catch up from the log when a command next reads them, or when serve starts.`,
    );
  }
  process.exitCode = EXIT_FAILED;
}
