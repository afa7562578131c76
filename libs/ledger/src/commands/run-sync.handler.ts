import { randomUUID } from 'node:crypto';
import { Inject, Logger } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { describeLocation, LEDGER_STATE_FORMAT, recordedFindings, SnapshotDiff, type DiffResult, type StateKey, type StreamChange, type SyncEvent, type SyncSummary } from '@roster-ledger/domain';
import type { EventStore, StreamAppend } from '../ports/event-store.port';
import type { PendingChangeStore } from '../ports/pending-change-store.port';
import type { SnapshotInput, SnapshotReader, SnapshotSource } from '../ports/snapshot-source.port';
import type { SyncLock } from '../ports/sync-lock.port';
import type { GuardPolicies } from '../ports/guard-policies.port';
import type { Clock } from '../ports/clock.port';
import { CLOCK, CSV_ID_KEY_STORE, EVENT_STORE, GUARD_POLICIES, PENDING_CHANGE_STORE, SNAPSHOT_READER, SYNC_LOCK } from '../ports/tokens';
import type { CsvIdKeyStore } from '../ports/csv-id-key.port';
import { DistrictUnknown } from '../errors/ledger-errors';
import { LedgerStateLoader, type LoadedState } from '../services/ledger-state.loader';
import { EventsCursors, cursorAppend } from '../services/events-cursors';
import { plannedAppends } from '../services/planned-appends';
import { concludeSync } from '../services/sync-conclusion';
import { recordSyncFailure, syncFailed } from '../services/sync-failures';
import { clearDistrictForSync } from '../services/sync-start';
import { acquireDistrict } from '../services/district-lock';
import { SyncHistory, syncStreamId } from '../services/sync-history';
import { SameFiles } from '../services/same-files';
import { SyncRecorder } from '../services/sync-recorder';
import { RunSyncCommand, type RunSyncOptions } from './run-sync.command';

const PROGRESS_EVERY = 2_000;
/** Records diffed between two stagings of the planned appends. */
const STAGE_EVERY = 5_000;

/** A finished diff whose planned appends are staged in the pending change store. */
interface StagedDiff {
  loaded: LoadedState;
  result: DiffResult;
  /** The records whose state the staged appends change (already folded into `loaded.state`). */
  touched: Map<string, StateKey>;
  /**
   * Whether each record read was checked to be settled by its events (diffed again against the
   * state they made, planning nothing; see notesSource): records without a fingerprint (a CSV
   * row) are not checked.
   */
  settled: boolean;
}

/**
 * One sync: SyncStarted -> read and diff the snapshot -> mass-change guard -> append everything in
 * one atomic append (with SyncCompleted), or keep the change set and record SyncHeld. Any failure
 * records SyncFailed and changes nothing else: roster events are only written by that final append.
 * With `eventsCursor`, that append (or the held change set) also sets the district's events
 * cursor, so the cursor is set exactly when the full sync's view is recorded.
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
    @Inject(CSV_ID_KEY_STORE) private readonly csvIdKeys: CsvIdKeyStore,
    private readonly loader: LedgerStateLoader,
    private readonly history: SyncHistory,
    private readonly cursors: EventsCursors,
    private readonly sameFiles: SameFiles,
  ) {}

  async execute({ location, options }: RunSyncCommand): Promise<SyncSummary> {
    const syncId = options.syncId ?? randomUUID();
    const startedAt = options.startedAt ?? this.clock.now().toISOString();
    // opened first, so the sync is recorded with the source's own kind and origin; a source that
    // cannot be opened is recorded as a failed sync of the location asked for
    // a CSV upload's records get ids under the ledger's key (made the first time). Given to every
    // source: the reader alone tells a CSV upload from JSON files, as it opens them, so a folder
    // that changes in between is never read as CSV without the key
    const csvIdKey = await this.csvIdKeys.csvIdKey();
    const hints = { importedOn: startedAt.slice(0, 10), ...(options.districtId === undefined ? {} : { districtId: options.districtId }), ...(csvIdKey === null ? {} : { csvIdKey }) };
    const opened = await this.reader.open(location, hints).then(
      (source) => ({ source, error: null }),
      (error: unknown) => ({ source: null, error }),
    );
    // the district is learnt before SyncStarted, so the sync (even a failed one) is on its
    // district's history and audit feed; a failure while peeking is recorded like any other
    const items = opened.source?.items()[Symbol.asyncIterator]();
    const buffered: SnapshotInput[] = [];
    let peekError: unknown = null;
    let peeked: string | null = options.districtId ?? null;
    if (items && peeked === null) peeked = (await this.peekDistrict(items, buffered).catch((e: unknown) => ((peekError = e), undefined))) ?? null;
    if (opened.source && items && peekError === null && peeked === null) {
      // read to its end without a record, and no district given: a sync of it would be of no
      // district, on no district's history, and tell nothing. Refused before anything is
      // recorded, as a usage mistake: the person gives --district and runs it again
      await items.return?.(undefined);
      throw new DistrictUnknown(opened.source.origin);
    }
    const first = buffered.find((input) => input.type === 'record');
    const districtFrom = options.districtId === undefined && first !== undefined ? `taken from the first record read, ${describeLocation(first.origin)}` : undefined;
    const sourceKind = opened.source?.source ?? this.reader.sourceOf(location);
    const recorder = new SyncRecorder(this.store, this.clock, syncId, sourceKind, startedAt, {
      revision: await this.store.streamRevision(syncStreamId(syncId)),
      districtId: peeked,
    });
    // the district is taken before the sync is recorded as running: a running sync holds its
    // district throughout, so one whose process died (in whichever container) is known by the
    // district's lock (see SyncLock); a refusal is recorded as the sync's failure all the same
    let lockedDistrict: string | null = null;
    let interrupted: string | null = null;
    let refusal: unknown = null;
    if (opened.source && items && peekError === null && peeked !== null) {
      try {
        interrupted = await acquireDistrict(this.lock, this.history, peeked, syncId);
        lockedDistrict = peeked;
      } catch (error) {
        refusal = error;
      }
    }
    const started: SyncEvent = {
      type: 'SyncStarted',
      data: {
        syncId,
        owner: this.lock.self(),
        districtId: recorder.districtId,
        source: sourceKind,
        origin: opened.source?.origin ?? this.reader.originOf(location),
        startedAt,
        requestedBy: options.requestedBy,
        ...(options.requestedVia === undefined ? {} : { requestedVia: options.requestedVia }),
        ...(options.fallback === undefined ? {} : { fallback: options.fallback }),
        ...(options.cursorNotSet === undefined ? {} : { cursorNotSet: options.cursorNotSet }),
      },
    };
    // a sync that fails before any work (its source, a refusal) is recorded started and failed in
    // one append: never seen running without the district it would hold
    const early = !opened.source || !items ? (opened.error ?? new Error(`${location} could not be opened`)) : (peekError ?? refusal);
    if (early !== null) {
      try {
        await recorder.record(started, syncFailed(recorder, this.clock, early));
      } finally {
        await items?.return?.(undefined);
      }
      throw early;
    }
    try {
      await recorder.record(started);
    } catch (error) {
      if (lockedDistrict !== null) await this.lock.release(lockedDistrict, syncId);
      await items?.return?.(undefined);
      throw error;
    }
    try {
      // (all there: else `early` above)
      const source = opened.source!;
      const districtId = peeked!;

      await clearDistrictForSync({ store: this.store, clock: this.clock, history: this.history, lock: this.lock, pending: this.pending }, districtId, syncId, interrupted);
      // (a sync that sets the events cursor records what it read from Clever's API: never files)
      const same = options.eventsCursor === undefined && !options.readAll ? await this.sameFiles.asLastSync(source, districtId) : null;
      if (same) return await this.concludeSame(recorder, source, districtId, same);
      const staged = await this.diff(recorder, source, items!, buffered, districtId, districtFrom, options.onProgress);
      return await this.conclude(recorder, staged, source, options);
    } catch (error) {
      // (before recording: once the outcome is recorded, what is staged may be a held change set)
      if (lockedDistrict !== null && !recorder.concluded) await this.pending.delete(syncId).catch(() => undefined);
      await recordSyncFailure(recorder, this.clock, error, this.logger);
      throw error;
    } finally {
      if (lockedDistrict !== null) await this.lock.release(lockedDistrict, syncId);
      // a reading left unfinished (the sync failed) lets go of what it holds: files, threads
      await items?.return?.(undefined);
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

  /**
   * Feeds every record to the diff, staging the planned appends in the pending change store every
   * few thousand records (and folding them into the loaded state, for the state snapshot), so a
   * district of any size is never in memory as one change set.
   */
  private async diff(
    recorder: SyncRecorder,
    source: SnapshotSource,
    items: AsyncIterator<SnapshotInput>,
    buffered: SnapshotInput[],
    districtId: string,
    districtFrom: string | undefined,
    onProgress: RunSyncCommand['options']['onProgress'],
  ): Promise<StagedDiff> {
    const loaded = await this.loader.load(districtId);
    // records whose bytes made their state are not parsed again (see SnapshotSource.recognise)
    source.recognise?.({ districtId, recognise: (kind, id, fingerprint) => loaded.state.recognise(kind, id, fingerprint) });
    const diff = new SnapshotDiff(loaded.state, { syncId: recorder.syncId, districtId, districtFrom, kinds: source.kinds, ...(source.partial ? { partial: source.partial } : {}) });
    const touched = new Map<string, StateKey>();
    const metadata = recorder.metadata();
    // a district's first import writes its users' and sections' states as it goes rather than hold them all (a
    // sync that writes ahead and then fails or is held leaves the next load to fold the log: cheap
    // here, as the log holds nothing of the district yet, and dear for any later sync)
    let writesAhead = loaded.state.users.size === 0;
    let settled = true;
    const stage = async (changes: StreamChange[]) => {
      const sourced = diff.takeSources();
      const part = new Map<string, StateKey>();
      if (changes.length > 0) this.loader.fold(loaded, changes, part);
      // after the fold: folding a record's events drops the source its state had
      if (this.loader.noteSources(loaded, sourced, part) > 0) settled = false;
      if (writesAhead) writesAhead = await this.loader.writeAhead(loaded, part.values());
      // users and sections written ahead are saved already, and the snapshot's save passes over
      // them: noting them would keep a million keys to the end of a first import for nothing
      for (const [name, key] of part) if (loaded.state.isInMemory(key)) touched.set(name, key);
      if (changes.length > 0) await this.pending.add(recorder.syncId, districtId, plannedAppends(recorder, changes, metadata));
    };
    let records = 0;
    const feed = (item: SnapshotInput) => {
      if (item.type === 'skipped') diff.skip(item.reason, item.origin);
      else if (item.type === 'mismatch') diff.noteMismatch(item.what, item.origin);
      else if (item.type === 'unnamed') diff.noteUnnamed(item.kind, item.origin);
      else if (item.type === 'unpaired') diff.noteUnpaired(item.what, item.origin);
      else if (item.type === 'endsBeforeStart') diff.noteEndsBeforeStart(item.kind, item.origin);
      else if (item.type === 'unchanged') diff.addUnchanged(item.kind, item.id, item.origin);
      else {
        const { fingerprint, unknownValues } = item;
        const recordSource = fingerprint === undefined ? undefined : unknownValues.length > 0 ? { fingerprint, unknownValues } : { fingerprint };
        if (fingerprint === undefined) settled = false;
        diff.add(item.record, item.origin, recordSource, item.partial);
        if (unknownValues.length > 0) diff.noteUnknownValues(unknownValues, { ...item.origin, recordId: item.record.id });
      }
      if (++records % PROGRESS_EVERY === 0 && onProgress) {
        const { done, total } = source.progress();
        onProgress({ phase: 'reading', records, bytesDone: done, bytesTotal: total });
      }
    };
    buffered.forEach(feed);
    for (let next = await items.next(); !next.done; next = await items.next()) {
      feed(next.value);
      if (records % STAGE_EVERY === 0) await stage(diff.takePlanned());
    }
    const { done, total } = source.progress();
    onProgress?.({ phase: 'writing', records, bytesDone: done, bytesTotal: total });
    await stage(diff.takePlanned());
    // Clever's view is complete now (its last page read): a record absent from it is removed as of
    // this time, its clock from then on, so that the events overlapping this sync (the cursor was
    // read before it) cannot share it again with an older version. Only for Clever's own Data API:
    // a file's view is of another time, and of no clock comparable with Clever's last_modified.
    const result = diff.finish(source.source === 'clever-api' ? { removedAsOf: this.clock.now().toISOString() } : {});
    await stage(result.changes);
    return { loaded, result, touched, settled };
  }

  /**
   * A sync of the very files `same` read, with nothing recorded of the district since (see
   * SameFiles): it would append nothing, so it reads nothing. Its findings are that sync's, found
   * in the same bytes.
   */
  private async concludeSame(recorder: SyncRecorder, source: SnapshotSource, districtId: string, same: SyncSummary): Promise<SyncSummary> {
    const { contents, settledUnder } = same;
    await recorder.record({
      type: 'SyncCompleted',
      data: {
        syncId: recorder.syncId, districtId, counts: {}, appended: 0, completedAt: this.clock.now().toISOString(),
        ...recordedFindings(same), contents: contents!, settledUnder: settledUnder!, sameFilesAs: same.syncId,
      },
    });
    this.logger.log(`sync ${recorder.syncId} of ${source.origin}: completed, the files of sync ${same.syncId} byte for byte, nothing read`);
    return this.history.get(recorder.syncId);
  }

  private async conclude(recorder: SyncRecorder, staged: StagedDiff, source: SnapshotSource, options: RunSyncOptions): Promise<SyncSummary> {
    const { loaded, result, touched, settled } = staged;
    const { districtId } = loaded;
    const tail: StreamAppend[] = [];
    if (options.eventsCursor !== undefined) {
      const { cursor, reason, detail } = options.eventsCursor;
      tail.push(
        cursorAppend(recorder, await this.cursors.revision(districtId), {
          type: 'EventsCursorSet',
          data: { districtId, cursor, reason, ...(detail === undefined ? {} : { detail }), syncId: recorder.syncId, setAt: recorder.observedAt },
        }),
      );
    }
    // the files' digests, hashed beside the reading: what lets the next sync of the same files skip it
    // (a sync of good records never fails for want of them: it is recorded without)
    const contents =
      (await source.contents?.().catch((error: unknown) => {
        this.logger.warn(`sync ${recorder.syncId}: the files' digests could not be taken, so the next sync of the same files reads them: ${String(error)}`);
        return null;
      })) ?? undefined;
    // a sync that appended nothing left the state as it found it, which its files then make
    const read = {
      ...(contents === undefined ? {} : { contents, ...(settled || result.eventCount === 0 ? { settledUnder: LEDGER_STATE_FORMAT } : {}) }),
      ...(options.eventsCursor === undefined ? {} : { eventsCursor: { value: options.eventsCursor.cursor, at: recorder.observedAt } }),
    };
    const conclusion = await concludeSync(this.conclusionPorts(), recorder, districtId, result, tail, read);
    if (conclusion.outcome === 'completed') await this.loader.remember(loaded, { ...conclusion, touched });
    this.logger.log(`sync ${recorder.syncId} of ${source.origin}: ${conclusion.outcome}, ${result.eventCount} roster events`);
    return this.history.get(recorder.syncId);
  }

  private conclusionPorts() {
    return { store: this.store, pending: this.pending, policies: this.policies, clock: this.clock };
  }
}
