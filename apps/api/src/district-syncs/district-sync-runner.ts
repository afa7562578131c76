import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { LedgerConfig } from '@roster-ledger/config';
import { describeBreach, DomainError, type SyncSummary } from '@roster-ledger/domain';
import { EndStoppedSyncCommand, SyncAlreadyRunning, SyncHistory, SyncNotHeld, type SyncDistrictResult, type SyncMode, type SyncProgress } from '@roster-ledger/ledger';
import { ApprovalUnderWay, ServerStopping } from '../errors/api-errors';
import { LedgerThreadStopped, runLedgerCommandInThread, type LedgerCommandHandlers, type LedgerCommandRequest } from './ledger-command-thread';

/** A sync this process runs in the background, with its latest progress. */
export interface BackgroundSync {
  syncId: string;
  districtId: string;
  mode: SyncMode;
  requestedBy: string;
  /** An API request's (by its key's name) or the schedule's. */
  requestedVia: 'api' | 'schedule';
  startedAt: string;
  progress: SyncProgress | null;
  /** When the latest progress arrived. */
  progressAt: string | null;
}

/** A started sync: its id, and its end (never rejects: a failure is recorded in the sync and logged here). */
export interface StartedSync {
  syncId: string;
  done: Promise<SyncDistrictResult | null>;
}

/**
 * Runs district syncs in the background of the server, for the API (POST /districts/:id/syncs)
 * and the schedule alike: one at a time per district in this process (and across processes, by
 * the ledger's lock), progress kept in memory for the sync detail, failures logged with the sync
 * id and never thrown at anyone. Approvals of held syncs (POST /syncs/:id/approve) run here too.
 * Each runs in a worker thread of its own, so the server goes on answering while a sync reads,
 * diffs and appends a whole district. On shutdown it starts nothing more and waits for the
 * running syncs and approvals, so none is cut off with the server.
 */
@Injectable()
export class DistrictSyncRunner implements BeforeApplicationShutdown {
  private readonly logger = new Logger('DistrictSyncs');
  /** `accepted`: whether its thread has taken the district's lock (a sync refused then, 409, was never one to list). */
  private readonly running = new Map<string, { sync: BackgroundSync; done: Promise<SyncDistrictResult | null>; accepted: () => boolean }>();
  /** The end of every thread started, for a shutdown to wait for (a thread ends a little after its result). */
  private readonly threads = new Set<Promise<void>>();
  /** Held syncs an approval runs for in this process. */
  private readonly approving = new Set<string>();
  private closing = false;

  constructor(
    private readonly config: LedgerConfig,
    private readonly commands: CommandBus,
    private readonly history: SyncHistory,
  ) {}

  /**
   * Starts a sync and resolves once it runs (the district's lock is taken): refusals reject.
   * @throws DistrictNotConfigured, CleverTokenMissing (the configuration), SyncAlreadyRunning,
   * HeldSyncPending, ServerStopping
   */
  async start(districtId: string, mode: SyncMode, requestedBy: string, requestedVia: BackgroundSync['requestedVia']): Promise<StartedSync> {
    if (this.closing) throw new ServerStopping();
    // a district that cannot sync is refused now, not recorded as a failed sync
    this.config.cleverTokenFor(districtId);
    const inProcess = this.running.get(districtId);
    if (inProcess) throw new SyncAlreadyRunning(districtId, inProcess.sync.syncId);
    const sync: BackgroundSync = { syncId: randomUUID(), districtId, mode, requestedBy, requestedVia, startedAt: new Date().toISOString(), progress: null, progressAt: null };
    let accept: () => void = () => undefined;
    let refuse: (error: unknown) => void = () => undefined;
    const accepted = new Promise<void>((resolve, reject) => {
      accept = resolve;
      refuse = reject;
    });
    let running = false;
    const thread = this.inThread<SyncDistrictResult>({ kind: 'sync', districtId, mode, requestedBy, requestedVia, syncId: sync.syncId, startedAt: sync.startedAt }, districtId, {
      onAccepted: () => {
        running = true;
        accept();
      },
      onProgress: (progress) => {
        sync.progress = progress;
        sync.progressAt = new Date().toISOString();
      },
    });
    const done = thread
      .then(
        (result) => {
          accept(); // already accepted on the way; this only guards a caller against waiting forever
          const fallback = result.fallback === null ? '' : ` (fell back to a full sync: ${result.fallback})`;
          const { summary } = result;
          if (summary.status === 'held') {
            // a person must decide, and until then the district syncs no more: said as a warning, with what to do
            this.logger.warn(
              `sync ${result.syncId} of district ${districtId} (${mode}) held by the mass-change guard${fallback}: ${summary.pending} roster events pending (${summary.breaches.map(describeBreach).join('; ')}); ` +
                `the district syncs no more until it is approved or discarded (GET /syncs/${result.syncId}/pending lists what it would change): POST /syncs/${result.syncId}/approve or /discard, or roster-ledger syncs approve|discard ${result.syncId} --by <name>`,
            );
          } else {
            this.logger.log(`sync ${result.syncId} of district ${districtId} (${mode}) ${summary.status}${fallback}: ${summary.appended} roster events`);
          }
          void this.logInterruptedFoundBy(result.syncId, districtId);
          return result;
        },
        (error: unknown) => {
          if (!running) refuse(error);
          else this.logger.error(`sync ${sync.syncId} of district ${districtId} (${mode}) failed: ${describe(error)}`);
          return null;
        },
      )
      .finally(() => {
        if (this.running.get(districtId)?.sync === sync) this.running.delete(districtId);
      });
    this.running.set(districtId, { sync, done, accepted: () => running });
    await accepted;
    return { syncId: sync.syncId, done };
  }

  /**
   * Says on the log which syncs of the district a sync found dead and recorded as interrupted (it
   * took the district over from them), as the CLI's report does: otherwise only the dead sync's
   * own record tells. A look-up that fails leaves the log without it, and nothing else.
   */
  private async logInterruptedFoundBy(syncId: string, districtId: string): Promise<void> {
    try {
      for (const found of await this.history.list({ districtId, limit: 10 })) {
        if (found.status !== 'failed' || found.failure?.code !== 'INTERRUPTED' || found.failure.foundBy !== syncId) continue;
        this.logger.warn(`sync ${found.syncId} of district ${districtId} (started ${found.startedAt} by ${found.requestedBy}) had stopped unfinished, its process gone: recorded as interrupted by sync ${syncId}; nothing of it was applied`);
      }
    } catch (error) {
      this.logger.warn(`could not look up the syncs sync ${syncId} found interrupted: ${describe(error)}`);
    }
  }

  /**
   * Applies a held sync exactly as previewed, recording who approved it.
   * @throws SyncNotFound, SyncNotHeld (before a thread starts, and by their codes from it), HeldSyncOutdated,
   *   SyncAlreadyRunning (by their codes), ApprovalUnderWay, ServerStopping
   */
  async approve(syncId: string, by: string): Promise<SyncSummary> {
    if (this.closing) throw new ServerStopping();
    // its threads share this process's lock: a second request for the same sync waits for nothing
    if (this.approving.has(syncId)) throw new ApprovalUnderWay(syncId);
    this.approving.add(syncId);
    try {
      // a sync this server runs (which may not have recorded its start yet) may be held and still
      // letting go of its lock, which an approval of it in this process would share and then lose
      // with it: let it end first
      const holding = [...this.running.values()].find((r) => r.sync.syncId === syncId);
      if (holding) await holding.done;
      // a sync that does not exist or is not held is refused from its record here, without a
      // thread (about a second and tens of MB each: a burst of wrong ids would pile them up);
      // the thread checks again under the district's lock
      const before = await this.history.get(syncId);
      if (before.status !== 'held') throw new SyncNotHeld(syncId, before.status);
      const after = await this.inThread<SyncSummary>({ kind: 'approve', syncId, by }, null, {}, (after) => after?.status === 'completed');
      // a decision is said on the log, as the sync it decides was: the request line alone names no sync
      this.logger.log(`held sync ${syncId} of district ${after.districtId ?? '-'} approved by ${by}: ${after.appended} roster events appended`);
      return after;
    } finally {
      this.approving.delete(syncId);
    }
  }

  /**
   * Runs a sync or an approval in a thread, resolving with its result as soon as the thread tells
   * it. A thread that ended without telling (a crash) leaves its sync running in the record and
   * its district locked by this live process: both are ended here, so the district syncs again.
   * @param stoppedAfterItsWork whether the sync's record, as a crashed thread left it, is the
   *   command's result all the same (an approval that crashed once its append had committed)
   */
  private inThread<T>(
    request: LedgerCommandRequest,
    districtId: string | null,
    handlers: LedgerCommandHandlers = {},
    stoppedAfterItsWork: (after: SyncSummary | null) => boolean = () => false,
  ): Promise<T> {
    const { result, exited } = runLedgerCommandInThread<T>(this.config, request, handlers);
    this.threads.add(exited);
    void exited.then(() => this.threads.delete(exited));
    return result.catch(async (error: unknown) => {
      if (!(error instanceof LedgerThreadStopped)) throw error;
      const after = await this.commands.execute<EndStoppedSyncCommand, SyncSummary | null>(new EndStoppedSyncCommand(request.syncId, districtId)).catch((cleanup: unknown) => {
        this.logger.error(`sync ${request.syncId} stays locked until the server restarts: ${describe(cleanup)}`);
        return null;
      });
      if (stoppedAfterItsWork(after)) return after as T;
      throw error;
    });
  }

  /** The syncs this process runs now and has accepted (answered 202), newest first. */
  runningSyncs(): BackgroundSync[] {
    return [...this.running.values()]
      .filter((entry) => entry.accepted())
      .map(({ sync }) => ({ ...sync }))
      .sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  }

  /** The sync's latest progress while this process runs it; undefined otherwise. */
  progressOf(syncId: string): BackgroundSync | undefined {
    for (const { sync } of this.running.values()) if (sync.syncId === syncId) return { ...sync };
    return undefined;
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.closing = true;
    const pending = [...this.running.values()];
    if (pending.length > 0) this.logger.log(`waiting for ${pending.length} running sync(s) to finish: ${pending.map((p) => p.sync.syncId).join(', ')}`);
    else if (this.threads.size > 0) this.logger.log(`waiting for ${this.threads.size} sync or approval thread(s) to finish`);
    await Promise.all([...pending.map((p) => p.done), ...this.threads]);
  }
}

/** A failure as the log shows it: a deliberate error by its code and message, anything else with its stack. */
function describe(error: unknown): string {
  if (error instanceof DomainError) return `${error.code}: ${error.message}`;
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
