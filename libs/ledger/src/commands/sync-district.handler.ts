import { randomUUID } from 'node:crypto';
import { Inject, Logger } from '@nestjs/common';
import { CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { RequestChannel, SyncSummary } from '@roster-ledger/domain';
import type { EventStore } from '../ports/event-store.port';
import type { SyncLock } from '../ports/sync-lock.port';
import type { Clock } from '../ports/clock.port';
import type { CleverEventsFeed } from '../ports/clever-events-feed.port';
import { CLEVER_EVENTS_FEED, CLOCK, EVENT_STORE, PENDING_CHANGE_STORE, SYNC_LOCK } from '../ports/tokens';
import type { PendingChangeStore } from '../ports/pending-change-store.port';
import { EventsCursorGap, HeldSyncPending } from '../errors/ledger-errors';
import { EventsCursors } from '../services/events-cursors';
import { recordInterruptedSyncs } from '../services/sync-failures';
import { acquireDistrict } from '../services/district-lock';
import { SyncHistory } from '../services/sync-history';
import { RunEventsSyncCommand } from './run-events-sync.command';
import { RunSyncCommand } from './run-sync.command';
import { cleverApiLocation, SyncDistrictCommand, type SyncDistrictOptions, type SyncDistrictResult, type SyncMode } from './sync-district.command';

/**
 * Runs one sync of a district connected to Clever, whatever asked for it (the CLI, the API, the
 * schedule), so that every path ends in the same events, guard and sync record. It takes the
 * district's lock first, with the id of the sync it will run (the inner command takes the same
 * lock again under the same id, which is allowed), so a second sync of the district is refused
 * before anything is recorded, and a fallback from events to a full sync keeps the district.
 */
@CommandHandler(SyncDistrictCommand)
export class SyncDistrictHandler implements ICommandHandler<SyncDistrictCommand, SyncDistrictResult> {
  private readonly logger = new Logger(SyncDistrictHandler.name);

  constructor(
    private readonly commands: CommandBus,
    @Inject(CLEVER_EVENTS_FEED) private readonly feed: CleverEventsFeed,
    @Inject(SYNC_LOCK) private readonly lock: SyncLock,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(PENDING_CHANGE_STORE) private readonly pending: PendingChangeStore,
    private readonly history: SyncHistory,
    private readonly cursors: EventsCursors,
  ) {}

  /** @throws SyncAlreadyRunning, HeldSyncPending before anything is recorded; a failed sync's error after recording it. */
  async execute({ districtId, options }: SyncDistrictCommand): Promise<SyncDistrictResult> {
    const syncId = options.syncId ?? randomUUID();
    const interrupted = await acquireDistrict(this.lock, this.history, districtId, syncId);
    try {
      // A refused sync is never recorded, so the dead syncs it found do not name it as their finder.
      // They are recorded all the same: one whose lock it took over may have no owner to be found by
      // later, once this sync lets go of the lock.
      const held = await this.history.heldOf(districtId);
      const ports = { store: this.store, clock: this.clock, history: this.history, lock: this.lock, pending: this.pending };
      await recordInterruptedSyncs(ports, interrupted, syncId, held ? null : syncId);
      if (held) throw new HeldSyncPending(districtId, held.syncId);
      options.onAccepted?.(syncId);
      if (options.mode === 'events') {
        try {
          const summary = await this.commands.execute<RunEventsSyncCommand, SyncSummary>(
            new RunEventsSyncCommand(districtId, { requestedBy: options.requestedBy, ...viaOf(options), ...startOf(options), syncId, onProgress: options.onProgress }),
          );
          return await this.result(districtId, options.mode, 'events', summary, null, null);
        } catch (error) {
          if (!(error instanceof EventsCursorGap)) throw error;
          this.logger.warn(`sync ${syncId}: the events sync of district ${districtId} falls back to a full sync: ${error.reason}`);
          return await this.fullSync(districtId, syncId, options, error.reason);
        }
      }
      return await this.fullSync(districtId, syncId, options, null);
    } finally {
      await this.lock.release(districtId, syncId);
    }
  }

  private async fullSync(districtId: string, syncId: string, options: SyncDistrictCommand['options'], fallback: string | null): Promise<SyncDistrictResult> {
    // the cursor is read BEFORE the snapshot: a change made while the snapshot is read is then
    // read again by the next events sync (and recorded once: the diff sees it is already there)
    let cursor: string | null | undefined;
    let cursorProblem: string | null = null;
    try {
      cursor = await this.feed.latestEventId(districtId);
    } catch (error) {
      // a district whose app has no events enabled can still be synced in full
      cursorProblem = `the newest Clever event could not be read, so this sync set no events cursor (an events sync goes on from the cursor an earlier sync set, if there is one, else runs in full): ${error instanceof Error ? error.message : String(error)}`;
      this.logger.warn(`sync ${syncId} of district ${districtId}: ${cursorProblem}`);
    }
    const eventsCursor = cursor === undefined ? undefined : { cursor, reason: fallback === null ? ('full-sync' as const) : ('fallback' as const), ...(fallback === null ? {} : { detail: fallback }) };
    const summary = await this.commands.execute<RunSyncCommand, SyncSummary>(
      new RunSyncCommand(cleverApiLocation(districtId), {
        districtId,
        requestedBy: options.requestedBy,
        ...viaOf(options),
        ...startOf(options),
        syncId,
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
        ...(eventsCursor ? { eventsCursor } : {}),
        ...(fallback === null ? {} : { fallback }),
        ...(cursorProblem === null ? {} : { cursorNotSet: cursorProblem }),
      }),
    );
    return this.result(districtId, options.mode, 'full', summary, fallback, cursorProblem);
  }

  private async result(
    districtId: string,
    mode: SyncMode,
    ran: SyncMode,
    summary: SyncSummary,
    fallback: string | null,
    cursorProblem: string | null,
  ): Promise<SyncDistrictResult> {
    const held = await this.cursors.current(districtId);
    return {
      syncId: summary.syncId,
      districtId,
      mode,
      ran,
      fallback,
      summary,
      cursor: held === null ? null : { value: held.cursor.cursor, at: held.cursor.at },
      cursorProblem,
    };
  }
}

/** When the sync was accepted, to pass on: left out when the caller gave none (the inner command takes now). */
function startOf({ startedAt }: SyncDistrictOptions): { startedAt?: string } {
  return startedAt === undefined ? {} : { startedAt };
}

/** The channel a request named, to pass on: left out when it named none. */
function viaOf({ requestedVia }: SyncDistrictOptions): { requestedVia?: RequestChannel } {
  return requestedVia === undefined ? {} : { requestedVia };
}
