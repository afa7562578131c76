import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { LedgerConfig } from '@roster-ledger/config';
import { DomainError, type SyncSummary } from '@roster-ledger/domain';
import { SyncAlreadyRunning, type SyncDistrictResult, type SyncMode, type SyncProgress } from '@roster-ledger/ledger';
import { ServerStopping } from '../errors/api-errors';
import { runLedgerCommandInThread } from './ledger-command-thread';

/** A sync this process runs in the background, with its latest progress. */
export interface BackgroundSync {
  syncId: string;
  districtId: string;
  mode: SyncMode;
  requestedBy: string;
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
  private readonly running = new Map<string, { sync: BackgroundSync; done: Promise<SyncDistrictResult | null> }>();
  private readonly approvals = new Set<Promise<unknown>>();
  private closing = false;

  constructor(private readonly config: LedgerConfig) {}

  /**
   * Starts a sync and resolves once it runs (the district's lock is taken): refusals reject.
   * @throws DistrictNotConfigured, CleverTokenMissing (the configuration), SyncAlreadyRunning,
   * HeldSyncPending, ServerStopping
   */
  async start(districtId: string, mode: SyncMode, requestedBy: string): Promise<StartedSync> {
    if (this.closing) throw new ServerStopping();
    // a district that cannot sync is refused now, not recorded as a failed sync
    this.config.cleverTokenFor(districtId);
    const inProcess = this.running.get(districtId);
    if (inProcess) throw new SyncAlreadyRunning(districtId, inProcess.sync.syncId);
    const sync: BackgroundSync = { syncId: randomUUID(), districtId, mode, requestedBy, startedAt: new Date().toISOString(), progress: null, progressAt: null };
    let accept: () => void = () => undefined;
    let refuse: (error: unknown) => void = () => undefined;
    const accepted = new Promise<void>((resolve, reject) => {
      accept = resolve;
      refuse = reject;
    });
    let running = false;
    const done = runLedgerCommandInThread<SyncDistrictResult>(
      this.config,
      { kind: 'sync', districtId, mode, requestedBy, syncId: sync.syncId },
      {
        onAccepted: () => {
          running = true;
          accept();
        },
        onProgress: (progress) => {
          sync.progress = progress;
          sync.progressAt = new Date().toISOString();
        },
      },
    )
      .then(
        (result) => {
          accept(); // already accepted on the way; this only guards a caller against waiting forever
          const fallback = result.fallback === null ? '' : ` (fell back to a full sync: ${result.fallback})`;
          this.logger.log(`sync ${result.syncId} of district ${districtId} (${mode}) ${result.summary.status}${fallback}: ${result.summary.appended} roster events`);
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
    this.running.set(districtId, { sync, done });
    await accepted;
    return { syncId: sync.syncId, done };
  }

  /**
   * Applies a held sync exactly as previewed, recording who approved it.
   * @throws SyncNotFound, SyncNotHeld, HeldSyncOutdated, SyncAlreadyRunning (by their codes), ServerStopping
   */
  async approve(syncId: string, by: string): Promise<SyncSummary> {
    if (this.closing) throw new ServerStopping();
    const approval = runLedgerCommandInThread<SyncSummary>(this.config, { kind: 'approve', syncId, by });
    const settled = approval.then(
      () => undefined,
      () => undefined,
    );
    this.approvals.add(settled);
    void settled.finally(() => this.approvals.delete(settled));
    return approval;
  }

  /** The sync's latest progress while this process runs it; undefined otherwise. */
  progressOf(syncId: string): BackgroundSync | undefined {
    for (const { sync } of this.running.values()) if (sync.syncId === syncId) return { ...sync };
    return undefined;
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.closing = true;
    const pending = [...this.running.values()];
    const approvals = [...this.approvals];
    if (pending.length > 0) this.logger.log(`waiting for ${pending.length} running sync(s) to finish: ${pending.map((p) => p.sync.syncId).join(', ')}`);
    if (approvals.length > 0) this.logger.log(`waiting for ${approvals.length} approval(s) to finish`);
    await Promise.all([...pending.map((p) => p.done), ...approvals]);
  }
}

/** A failure as the log shows it: a deliberate error by its code and message, anything else with its stack. */
function describe(error: unknown): string {
  if (error instanceof DomainError) return `${error.code}: ${error.message}`;
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
