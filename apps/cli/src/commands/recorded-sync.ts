import type { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { SyncSummary } from '@roster-ledger/domain';
import { GetProjectionStatusQuery, GetSyncQuery, SyncNotFound, type ProjectionStatus } from '@roster-ledger/ledger';
import { err, EXIT_FAILED, json, out } from '../output/cli-output';
import { ProjectionProgressBar } from '../output/projection-progress';
import { commandOnThisLedger } from '../output/next-page';
import { describeSync, heldSyncCommands, syncJson } from '../output/sync-report';
import { reportError } from './common-options';
import { catchUpAfterSync, type ReadModelsAfterSync } from './read-models-after-sync';
import { releaseSyncMemory } from './release-sync-memory';
import type { LedgerFile } from '../ledger-file';
import { idSourceChange, idSourceChangeLines } from './id-source-change';
import { recentDistrictSyncs } from './recent-district-syncs';
import { interruptedSyncLines, interruptedSyncsFound } from './interrupted-syncs-found';
import { onCtrlC } from './on-ctrl-c';

/** What a command stopped (Ctrl-C) while the read models followed its sync says. */
export const CATCH_UP_INTERRUPTED =
  'interrupted while the read models were being updated: the sync stands (its events are in the log), and queries answer from before it ' +
  'until the read models catch up from the log, when a command next reads them or when serve starts.';

/**
 * From when a sync (or an approval) stands until its read models have followed it (minutes at
 * scale): Ctrl-C ends the command as a kill would, losing nothing, and says so. Returns what
 * lets go of Ctrl-C again.
 */
export function sayWhenInterruptedAfterSync(stopProgress: () => void = () => undefined): () => void {
  return onCtrlC(CATCH_UP_INTERRUPTED, stopProgress);
}

/**
 * What Ctrl-C (or SIGTERM) says once sync `syncId` stands, with no read models to follow it
 * (`--skip-projections`): the report may not be out yet, so where to read it.
 */
export function interruptedAfterSync(syncId: string): string {
  return `interrupted after sync ${syncId} was recorded: it stands (its events are in the log); ${commandOnThisLedger(['syncs', 'show', syncId])} says what it did.`;
}

/**
 * While a sync runs, before its report: Ctrl-C ends the command at once, as a kill would, and says
 * how to learn what became of the sync. Its append is one transaction, so the log holds either
 * none of the snapshot or all of it (Ctrl-C landing as it commits, or once the sync is recorded
 * as held), and the sync's own record says which: asking it here, while the sync goes on around
 * the question, could answer before the commit. A sync stopped before it recorded its start
 * (opening the folder, finding its district, waiting up to 20 s for the district's lock) has no
 * record at all, so `syncs show` answers SYNC_NOT_FOUND: the message says what that means too.
 * Returns what lets go of Ctrl-C again.
 */
function sayWhenInterruptedDuringSync(syncId: string, stopProgress: () => void): () => void {
  return onCtrlC(interruptedDuringSync(syncId), stopProgress);
}

/** What Ctrl-C (or SIGTERM) while sync `syncId` runs says. */
export function interruptedDuringSync(syncId: string): string {
  return (
    `interrupted while sync ${syncId} ran. ${commandOnThisLedger(['syncs', 'show', syncId])} says what became of it: ` +
    'completed or held, if it had reached its commit (it stands); else none of its snapshot is recorded, and it shows as stopped ' +
    "(its process gone) until the district's next sync records it as interrupted: run the command again. " +
    'If it answers SYNC_NOT_FOUND, the sync was stopped before it recorded its start: nothing of it is in the ledger; run the command again.'
  );
}

export interface RecordedSync<T> {
  result: T;
  durationMs: number;
  /** What became of the read models after the sync; null when they were left (--skip-projections). */
  readModels: ReadModelsAfterSync | null;
  /** The JSON keys of what the report says about the ledger besides the sync (see LedgerNotes). */
  ledgerNotes: LedgerNotes;
}

/**
 * What a sync's report says about the ledger besides the sync: whether this command started the
 * ledger (there was none at --db), the syncs of the district it recorded as interrupted, and an
 * earlier sync whose ids came from another source.
 */
export interface LedgerNotes {
  /** The ledger file's path in full, so that a script sees where a relative --db went. */
  ledger: string | null;
  newLedger: boolean;
  interruptedSyncs: string[];
  /** The district's last sync that recorded changes, when its ids came from another source than this sync's (see idSourceChange). */
  idsDifferFrom: string | null;
}

/**
 * Runs one sync for a command (`import`, `sync`) the way a person expects: on failure, the
 * sync's recorded failure is shown (or the error, when nothing was recorded) and the exit code
 * set; on success, the read models follow the log at once, so a search or a timeline right after
 * it is current (a failure there is returned, not thrown: the sync stands). Returns null when the
 * sync failed (already reported).
 */
export async function runRecordedSync<T>(
  buses: { commands: CommandBus; queries: QueryBus },
  options: {
    syncId: string;
    json?: boolean;
    skipProjections?: boolean;
    stopProgress: () => void;
    /** What the command adds to a failed sync's report: keys of its JSON, and lines after its text. */
    failureNotes?: { json: Record<string, unknown>; lines: string[] };
    /**
     * Prints the sync's outcome in text, as soon as it is committed and before the read models
     * follow it: a command stopped meanwhile (Ctrl-C, a kill) has then said what it applied.
     * JSON is one document, printed by the caller at the end.
     */
    reportSync?: (result: T, durationMs: number) => void;
    /**
     * Writes to the access log what the report shows of students (see findings-access), before it
     * is shown: the command may be stopped while the read models follow it.
     */
    logShown?: (result: T) => Promise<void>;
    /** The ledger the sync went into: one this command started is named in the report (a mistyped --db, say). */
    ledger?: LedgerFile;
  },
  run: () => Promise<T>,
): Promise<RecordedSync<T> | null> {
  const started = Date.now();
  // what the report adds about the ledger: syncs this one found dead, and a ledger it started
  const besidesTheSync = async (failed: boolean): Promise<{ json: LedgerNotes; lines: string[] }> => {
    const around = await recentDistrictSyncs(buses.queries, options.syncId);
    const interrupted = interruptedSyncsFound(around);
    const idsChanged = failed ? null : idSourceChange(around);
    const newLedger = options.ledger?.newLedgerLine(failed);
    return {
      json: { ledger: options.ledger?.fullPath ?? null, newLedger: options.ledger?.isNew ?? false, interruptedSyncs: interrupted.map((s) => s.syncId), idsDifferFrom: idsChanged?.last.syncId ?? null },
      lines: [...idSourceChangeLines(idsChanged), ...interruptedSyncLines(interrupted), ...(newLedger == null ? [] : [newLedger])],
    };
  };
  let result: T;
  const letGoWhileSyncing = sayWhenInterruptedDuringSync(options.syncId, options.stopProgress);
  try {
    result = await run();
  } catch (error) {
    options.stopProgress();
    let failed: SyncSummary | null = null;
    let refused = false;
    try {
      failed = await buses.queries.execute<GetSyncQuery, SyncSummary>(new GetSyncQuery(options.syncId));
    } catch (lookup) {
      // no record: refused before it was recorded; a record that cannot be read now (the file
      // busy, say) may exist, so the error is told and nothing is claimed of the ledger
      refused = lookup instanceof SyncNotFound;
    }
    if (failed === null) {
      // refused before it was recorded: the ledger file this command may have made holds nothing
      const emptyLedger = refused ? (options.ledger?.emptyLedgerLine() ?? null) : null;
      // a sync refused because another is held (an events sync, say): the commands that decide it, on this ledger
      const lines = [...heldSyncCommands(error), ...(emptyLedger === null ? [] : [emptyLedger])];
      reportError(error, options.json, lines.length === 0 ? undefined : { json: emptyLedger === null ? {} : { ledger: options.ledger?.fullPath ?? null, newLedger: true }, lines });
      return null;
    }
    const notes = options.failureNotes ?? { json: {}, lines: [] };
    const besides = await besidesTheSync(true);
    if (options.json) json({ ...syncJson(failed, Date.now() - started), ...notes.json, ...besides.json });
    else err([describeSync(failed, Date.now() - started), ...heldSyncCommands(error), ...notes.lines, ...besides.lines].join('\n'));
    process.exitCode = EXIT_FAILED;
    // its SyncStarted and SyncFailed are in the log as a completed sync's events are: folded the
    // same way, so that `projections` and /health/ready show no lag after a failed import; quietly,
    // as the failure is what the command reports. Only when that is all there is to fold: read
    // models far behind (an import made with --skip-projections before) are left to the next
    // command that reads them, which says so, rather than folded here without a word for minutes
    if (!options.skipProjections && (await lagOf(buses.queries)) <= FAILED_SYNC_FOLDED_UP_TO) await catchUpAfterSync(buses.commands);
    return null;
  } finally {
    letGoWhileSyncing();
  }
  options.stopProgress();
  const durationMs = Date.now() - started;
  const bar = ProjectionProgressBar.forTerminal(options.json === true, 'updating read models');
  // from here the sync stands
  // (a Ctrl-C that came during the sync's commit is told here, by what is set now: see onCtrlC)
  const letGo = options.skipProjections ? onCtrlC(interruptedAfterSync(options.syncId)) : sayWhenInterruptedAfterSync(() => bar.stop());
  try {
    const besides = await besidesTheSync(false);
    await options.logShown?.(result);
    if (!options.json) {
      options.reportSync?.(result, durationMs);
      for (const line of besides.lines) out(line);
    }
    const ledgerNotes = besides.json;
    if (options.skipProjections) return { result, durationMs, readModels: null, ledgerNotes };
    releaseSyncMemory(await lagOf(buses.queries));
    const readModels = await catchUpAfterSync(buses.commands, bar.update).finally(() => bar.stop());
    return { result, durationMs, readModels, ledgerNotes };
  } finally {
    letGo();
  }
}

/** The most events a failed sync's command folds into the read models (its own two, and a few more another process appended). */
const FAILED_SYNC_FOLDED_UP_TO = 1_000;

/** How far behind the log the read models are, in events: the most of any read model (0 when that cannot be read). */
async function lagOf(queries: QueryBus): Promise<number> {
  const status = await queries.execute<GetProjectionStatusQuery, ProjectionStatus[]>(new GetProjectionStatusQuery()).catch(() => []);
  return Math.max(0, ...status.map((p) => p.lag.events));
}
