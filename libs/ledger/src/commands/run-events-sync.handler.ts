import { randomUUID } from 'node:crypto';
import { Inject, Logger } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CLEVER_EVENTS_RETENTION_DAYS, EVENTS_CURSOR_MAX_AGE_DAYS, IncrementalDiff, InvalidInput, type DiffResult, type StateKey, type SyncEvent, type SyncSummary } from '@roster-ledger/domain';
import type { EventStore, StreamAppend } from '../ports/event-store.port';
import type { PendingChangeStore } from '../ports/pending-change-store.port';
import type { SyncLock } from '../ports/sync-lock.port';
import type { GuardPolicies } from '../ports/guard-policies.port';
import type { Clock } from '../ports/clock.port';
import type { CleverEventsFeed } from '../ports/clever-events-feed.port';
import { CLEVER_EVENTS_FEED, CLOCK, EVENT_STORE, GUARD_POLICIES, PENDING_CHANGE_STORE, SYNC_LOCK } from '../ports/tokens';
import { EventsCursorGap } from '../errors/ledger-errors';
import { LedgerStateLoader } from '../services/ledger-state.loader';
import { EventsCursors, cursorAppend, type HeldCursor } from '../services/events-cursors';
import { plannedAppends } from '../services/planned-appends';
import { concludeSync } from '../services/sync-conclusion';
import { recordSyncFailure, syncFailed } from '../services/sync-failures';
import { clearDistrictForSync } from '../services/sync-start';
import { acquireDistrict } from '../services/district-lock';
import { SyncHistory, syncStreamId } from '../services/sync-history';
import { SyncRecorder } from '../services/sync-recorder';
import { RunEventsSyncCommand } from './run-events-sync.command';

const PROGRESS_EVERY = 500;

/**
 * An incremental sync from Clever's Events API:
 *
 * 1. check that the district's cursor can be read on from (none, too old, or unknown to Clever:
 *    EventsCursorGap, before anything is recorded, for the caller to run a full sync instead);
 * 2. SyncStarted (source `clever-events`), the district's lock, no held sync waiting;
 * 3. each Clever event after the cursor, in feed order, diffed against the ledger state as the
 *    earlier events of the batch left it (IncrementalDiff): a change the ledger already shows
 *    (the same event twice, or one a full sync recorded first) records nothing;
 * 4. the mass-change guard on the batch, then ONE atomic append of the roster events (each with
 *    its `cleverEventId`), EventsCursorAdvanced and SyncCompleted; or all of it held.
 *
 * Any failure records SyncFailed; the cursor stays where it was, so the next sync reads the same
 * events again.
 */
@CommandHandler(RunEventsSyncCommand)
export class RunEventsSyncHandler implements ICommandHandler<RunEventsSyncCommand, SyncSummary> {
  private readonly logger = new Logger(RunEventsSyncHandler.name);

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PENDING_CHANGE_STORE) private readonly pending: PendingChangeStore,
    @Inject(CLEVER_EVENTS_FEED) private readonly feed: CleverEventsFeed,
    @Inject(SYNC_LOCK) private readonly lock: SyncLock,
    @Inject(GUARD_POLICIES) private readonly policies: GuardPolicies,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly loader: LedgerStateLoader,
    private readonly history: SyncHistory,
    private readonly cursors: EventsCursors,
  ) {}

  async execute({ districtId, options }: RunEventsSyncCommand): Promise<SyncSummary> {
    const syncId = options.syncId ?? randomUUID();
    const recorder = new SyncRecorder(this.store, this.clock, syncId, 'clever-events', options.startedAt ?? this.clock.now().toISOString(), {
      revision: await this.store.streamRevision(syncStreamId(syncId)),
      districtId,
    });
    // a sync that fails before any work is recorded started and failed in one append, as a full
    // sync's is (see RunSyncHandler): never seen running without the district it would hold
    const failEarly = async (error: unknown, origin = this.feed.origin(districtId)): Promise<never> => {
      await recorder.record(this.started(recorder, districtId, origin, options), syncFailed(recorder, this.clock, error));
      throw error;
    };
    let checked: HeldCursor;
    try {
      checked = await this.usableCursor(districtId);
    } catch (error) {
      // a gap is the caller's cue for a full sync, not a failed sync; anything else is recorded
      if (error instanceof EventsCursorGap) throw error;
      return failEarly(error);
    }
    // the district is taken before the sync is recorded as running: a running sync holds its
    // district throughout, so that one whose process died is known by the district's lock
    const origin = `${this.feed.origin(districtId)} after ${describeCursor(checked.cursor.cursor)}`;
    let interrupted: string | null;
    try {
      interrupted = await acquireDistrict(this.lock, this.history, districtId, syncId);
    } catch (refusal) {
      return failEarly(refusal, origin);
    }
    try {
      await recorder.record(this.started(recorder, districtId, origin, options));
      try {
        await clearDistrictForSync({ store: this.store, clock: this.clock, history: this.history, lock: this.lock, pending: this.pending }, districtId, syncId, interrupted);
        // another sync may have moved the cursor since it was checked (it can only move forwards)
        const cursor = (await this.cursors.current(districtId)) ?? checked;
        return await this.readAndRecord(recorder, districtId, cursor, options);
      } catch (error) {
        if (!recorder.concluded) await this.pending.delete(syncId).catch(() => undefined);
        await recordSyncFailure(recorder, this.clock, error, this.logger);
        throw error;
      }
    } finally {
      await this.lock.release(districtId, syncId);
    }
  }

  /** @throws EventsCursorGap when there is no cursor, or events after it may be lost */
  private async usableCursor(districtId: string): Promise<HeldCursor> {
    const held = await this.cursors.current(districtId);
    if (held === null) throw new EventsCursorGap(districtId, 'it has no events cursor yet (no full sync through the Clever API has set one)');
    const { cursor } = held.cursor;
    // what counts is when the ledger last read the feed up to its cursor, not the age of the cursor's
    // event: every event after it came later, so a quiet district's old cursor loses nothing
    const readAt = await this.lastReadUpTo(districtId, held.cursor.at);
    const ageDays = (this.clock.now().getTime() - Date.parse(readAt)) / 86_400_000;
    if (ageDays > EVENTS_CURSOR_MAX_AGE_DAYS) {
      const upTo = cursor === null ? 'the start of the feed' : `Clever event ${cursor}`;
      throw new EventsCursorGap(districtId, `the feed was last read up to its cursor (${upTo}) on ${readAt}, more than ${EVENTS_CURSOR_MAX_AGE_DAYS} days ago, and Clever keeps events ${CLEVER_EVENTS_RETENTION_DAYS} days`);
    }
    if (cursor === null) return held; // the start of the feed: nothing to ask Clever
    const check = await this.feed.knows(districtId, cursor);
    if (!check.usable) throw new EventsCursorGap(districtId, check.reason);
    return held;
  }

  /**
   * When the ledger last read the feed up to the cursor it holds: when the cursor was set or
   * advanced, or the start of a later events sync that completed without moving it (it read the
   * feed to its end and found nothing after the cursor), whichever is later.
   */
  private async lastReadUpTo(districtId: string, cursorAt: string): Promise<string> {
    // the newest in the log's order: a sync's start is stamped before it is recorded, so two
    // syncs of one district may be stamped in the other order, by a clock skewed between
    // processes; then the answer is the earlier moment, which can only make the cursor look older
    const later = (await this.history.list({ districtId, source: 'clever-events', statuses: ['completed'], limit: 1 })).find((s) => s.startedAt > cursorAt);
    return later?.startedAt ?? cursorAt;
  }

  private started(recorder: SyncRecorder, districtId: string, origin: string, { requestedBy, requestedVia }: RunEventsSyncCommand['options']): SyncEvent {
    return {
      type: 'SyncStarted',
      data: { syncId: recorder.syncId, owner: this.lock.self(), districtId, source: 'clever-events', origin, startedAt: recorder.observedAt, requestedBy, ...(requestedVia === undefined ? {} : { requestedVia }) },
    };
  }

  private async readAndRecord(recorder: SyncRecorder, districtId: string, from: HeldCursor, options: RunEventsSyncCommand['options']): Promise<SyncSummary> {
    const loaded = await this.loader.load(districtId);
    const partial = this.feed.coverage(districtId);
    const diff = new IncrementalDiff(loaded.state, { syncId: recorder.syncId, districtId, ...(partial === undefined ? {} : { partial }) });
    let read = 0;
    let last: string | null = null;
    const progress = (phase: 'reading' | 'writing') => options.onProgress?.({ phase, records: read, bytesDone: read, bytesTotal: 0 });
    try {
      for await (const { cleverEventId, created, change, origin, listedAgain } of this.feed.changesAfter(districtId, from.cursor.cursor)) {
        diff.apply(change, { cleverEventId, origin, ...(created === undefined ? {} : { at: created }) });
        // an event listed again is behind the cursor already: counted, never a place to go back to
        if (listedAgain !== true) last = cleverEventId;
        if (++read % PROGRESS_EVERY === 0) progress('reading');
      }
    } catch (error) {
      throw withFullSyncWayOut(error);
    }
    progress('writing');
    const result: DiffResult = diff.finish();
    // staged like a full sync's change set; small (one batch of Clever events), so in one go
    await this.pending.add(recorder.syncId, districtId, plannedAppends(recorder, result.changes));
    const tail: StreamAppend[] = [];
    if (last !== null) {
      tail.push(
        cursorAppend(recorder, from.revision, {
          type: 'EventsCursorAdvanced',
          data: { districtId, from: from.cursor.cursor, cursor: last, cleverEvents: read, syncId: recorder.syncId, advancedAt: recorder.observedAt },
        }),
      );
    }
    const moved = last === null ? {} : { eventsCursor: { value: last, at: recorder.observedAt } };
    const conclusion = await concludeSync({ store: this.store, pending: this.pending, policies: this.policies, clock: this.clock }, recorder, districtId, result, tail, moved);
    if (conclusion.outcome === 'completed') {
      // the incremental diff folded its events into the state itself
      const touched = new Map<string, StateKey>();
      this.loader.note(result.changes, touched);
      await this.loader.remember(loaded, { ...conclusion, touched });
    }
    this.logger.log(`events sync ${recorder.syncId} of district ${districtId}: ${conclusion.outcome}, ${read} Clever events, ${result.eventCount} roster events`);
    return this.history.get(recorder.syncId);
  }
}

function describeCursor(cursor: string | null): string {
  return cursor === null ? 'the start of the feed' : `event ${cursor}`;
}

/**
 * An event the ledger refuses stays after the cursor, so every events sync after this one reads it
 * again and fails the same way: the error says what gets past it (a full sync records the district
 * as Clever shows it and moves the cursor to the newest event), unless it says so already. In the
 * words of neither the CLI nor the API: the reason is kept with the sync, and read through both.
 */
function withFullSyncWayOut(error: unknown): unknown {
  // only an event's own fault: one read off an events page (not a missing token, say)
  if (!(error instanceof InvalidInput) || !/events page/.test(error.at.file ?? '') || error.rule.includes('full sync')) return error;
  return new InvalidInput(
    `${error.rule}; every events sync reads this event again and fails the same way, until a full sync (not an events sync) records the district as Clever shows it now and moves the cursor past it (should the record still break the rule, the full sync names it too)`,
    error.at,
  );
}
