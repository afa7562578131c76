import { randomUUID } from 'node:crypto';
import { Inject, Logger } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  checkMassChange,
  DomainError,
  InvalidInput,
  SnapshotDiff,
  type DiffResult,
  type SyncSummary,
} from '@roster-ledger/domain';
import type { EventStore, JsonObject, StreamAppend } from '../ports/event-store.port';
import type { PendingChangeStore } from '../ports/pending-change-store.port';
import type { SnapshotInput, SnapshotReader, SnapshotSource } from '../ports/snapshot-source.port';
import type { SyncLock } from '../ports/sync-lock.port';
import type { GuardPolicies } from '../ports/guard-policies.port';
import type { Clock } from '../ports/clock.port';
import { CLOCK, EVENT_STORE, GUARD_POLICIES, PENDING_CHANGE_STORE, SNAPSHOT_READER, SYNC_LOCK } from '../ports/tokens';
import { DistrictUnknown, HeldSyncPending } from '../errors/ledger-errors';
import { LedgerStateLoader } from '../services/ledger-state.loader';
import { SyncHistory, syncStreamId } from '../services/sync-history';
import { SyncRecorder } from '../services/sync-recorder';
import { RunSyncCommand } from './run-sync.command';

const PROGRESS_EVERY = 2_000;

/**
 * One sync: SyncStarted -> read and diff the snapshot -> mass-change guard -> append everything in
 * one atomic append (with SyncCompleted), or keep the change set and record SyncHeld. Any failure
 * records SyncFailed and changes nothing else: roster events are only written by that final append.
 */
@CommandHandler(RunSyncCommand)
export class RunSyncHandler implements ICommandHandler<RunSyncCommand, SyncSummary> {
  private readonly logger = new Logger(RunSyncHandler.name);

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PENDING_CHANGE_STORE) private readonly pending: PendingChangeStore,
    @Inject(SNAPSHOT_READER) private readonly reader: SnapshotReader,
    @Inject(SYNC_LOCK) private readonly lock: SyncLock,
    @Inject(GUARD_POLICIES) private readonly policies: GuardPolicies,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly loader: LedgerStateLoader,
    private readonly history: SyncHistory,
  ) {}

  async execute({ location, options }: RunSyncCommand): Promise<SyncSummary> {
    const syncId = options.syncId ?? randomUUID();
    const startedAt = this.clock.now().toISOString();
    // opened first, so the sync is recorded with the source's own kind and origin; a source that
    // cannot be opened is recorded as a failed sync of the location asked for
    const opened = await this.reader.open(location, { districtId: options.districtId }).then(
      (source) => ({ source, error: null }),
      (error: unknown) => ({ source: null, error }),
    );
    const sourceKind = opened.source?.source ?? 'snapshot';
    const recorder = new SyncRecorder(this.store, this.clock, syncId, sourceKind, startedAt, {
      revision: await this.store.streamRevision(syncStreamId(syncId)),
      districtId: options.districtId ?? null,
    });
    await recorder.record({
      type: 'SyncStarted',
      data: { syncId, districtId: recorder.districtId, source: sourceKind, origin: opened.source?.origin ?? location, startedAt, requestedBy: options.requestedBy },
    });
    let lockedDistrict: string | null = null;
    try {
      if (!opened.source) throw opened.error;
      const source = opened.source;
      const items = source.items()[Symbol.asyncIterator]();
      const buffered: SnapshotInput[] = [];
      const districtId = options.districtId ?? (await this.peekDistrict(items, buffered)) ?? null;
      if (districtId === null) throw new DistrictUnknown(location);
      recorder.districtId = districtId;

      const interrupted = await this.lock.acquire(districtId, syncId);
      lockedDistrict = districtId;
      if (interrupted !== null) await this.recordInterrupted(interrupted);
      const held = (await this.history.list(districtId)).find((s) => s.status === 'held');
      if (held) throw new HeldSyncPending(districtId, held.syncId);

      const result = await this.diff(source, items, buffered, districtId, syncId, options.onProgress);
      return await this.conclude(recorder, result, districtId, source);
    } catch (error) {
      await this.recordFailure(recorder, error);
      throw error;
    } finally {
      if (lockedDistrict !== null) await this.lock.release(lockedDistrict, syncId);
    }
  }

  /** Reads up to the first record to learn the district; keeps what it read for the diff. */
  private async peekDistrict(items: AsyncIterator<SnapshotInput>, buffered: SnapshotInput[]): Promise<string | undefined> {
    for (let next = await items.next(); !next.done; next = await items.next()) {
      buffered.push(next.value);
      if (next.value.type === 'record') return next.value.record.districtId;
    }
    return undefined;
  }

  private async diff(
    source: SnapshotSource,
    items: AsyncIterator<SnapshotInput>,
    buffered: SnapshotInput[],
    districtId: string,
    syncId: string,
    onProgress: RunSyncCommand['options']['onProgress'],
  ): Promise<DiffResult> {
    const state = await this.loader.load(districtId);
    const diff = new SnapshotDiff(state, { syncId, districtId, kinds: source.kinds });
    let records = 0;
    const feed = (item: SnapshotInput) => {
      if (item.type === 'skipped') diff.skip(item.reason);
      else {
        diff.add(item.record, item.origin);
        if (item.unknownValues.length > 0) diff.noteUnknownValues(item.unknownValues);
      }
      if (++records % PROGRESS_EVERY === 0 && onProgress) {
        const { done, total } = source.progress();
        onProgress({ phase: 'reading', records, bytesDone: done, bytesTotal: total });
      }
    };
    buffered.forEach(feed);
    for (let next = await items.next(); !next.done; next = await items.next()) feed(next.value);
    const { done, total } = source.progress();
    onProgress?.({ phase: 'writing', records, bytesDone: done, bytesTotal: total });
    return diff.finish();
  }

  private async conclude(
    recorder: SyncRecorder,
    result: DiffResult,
    districtId: string,
    source: SnapshotSource,
  ): Promise<SyncSummary> {
    const appends = this.toAppends(recorder, result);
    const { skipped, unresolved, unknownValues } = result.findings;
    const counts = result.counts as Record<string, number>;
    const breaches = checkMassChange(result.tally, this.policies.policyFor(districtId));
    const now = () => this.clock.now().toISOString();
    if (breaches.length > 0) {
      await this.pending.save(recorder.syncId, districtId, appends);
      await recorder.record({
        type: 'SyncHeld',
        data: { syncId: recorder.syncId, districtId, breaches, counts, pending: result.eventCount, heldAt: now(), skipped, unresolved, unknownValues },
      });
    } else {
      const lifecycle = recorder.plan({
        type: 'SyncCompleted',
        data: { syncId: recorder.syncId, districtId, counts, appended: result.eventCount, completedAt: now(), skipped, unresolved, unknownValues },
      });
      await this.store.appendToStreams([...appends, lifecycle]);
      recorder.committed(lifecycle);
    }
    this.logger.log(`sync ${recorder.syncId} of ${source.origin}: ${breaches.length ? 'held' : 'completed'}, ${result.eventCount} roster events`);
    return this.history.get(recorder.syncId);
  }

  private toAppends(recorder: SyncRecorder, result: DiffResult): StreamAppend[] {
    const base = recorder.metadata() as unknown as JsonObject;
    return result.changes.map((change) => ({
      streamId: change.streamId,
      expectedRevision: change.expectedRevision,
      events: change.events.map(({ id, type, data, cleverLastModified }) => ({
        id,
        type,
        data: data as unknown as JsonObject,
        metadata: cleverLastModified === undefined ? base : { ...base, cleverLastModified },
      })),
    }));
  }

  /** A sync whose process died holding the lock: nothing of it was applied; say so in its stream. */
  private async recordInterrupted(syncId: string): Promise<void> {
    const summary = await this.history.get(syncId).catch(() => null);
    if (summary?.status !== 'running') return;
    const revision = await this.store.streamRevision(syncStreamId(syncId));
    const recorder = new SyncRecorder(this.store, this.clock, syncId, summary.source, summary.startedAt, {
      revision,
      districtId: summary.districtId,
    });
    await recorder.record({
      type: 'SyncFailed',
      data: {
        syncId,
        code: 'INTERRUPTED',
        reason: 'the process running this sync stopped before it finished; nothing of it was applied',
        failedAt: this.clock.now().toISOString(),
      },
    });
  }

  private async recordFailure(recorder: SyncRecorder, error: unknown): Promise<void> {
    const code = error instanceof DomainError ? error.code : 'UNEXPECTED_ERROR';
    const reason = error instanceof Error ? error.message : String(error);
    try {
      await recorder.record({
        type: 'SyncFailed',
        data: {
          syncId: recorder.syncId,
          code,
          reason,
          ...(error instanceof InvalidInput ? { at: error.at } : {}),
          failedAt: this.clock.now().toISOString(),
        },
      });
    } catch (recordError) {
      this.logger.error(`could not record the failure of sync ${recorder.syncId}: ${String(recordError)}`);
    }
  }
}
