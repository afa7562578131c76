import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  LedgerState,
  notesSource,
  RECORD_KINDS,
  stateKeyOf,
  type PlannedStreamEvents,
  type SourcedRecord,
  type StateEntry,
  type StateKey,
  type StreamChange,
} from '@roster-ledger/domain';
import type { AppendResult, EventStore } from '../ports/event-store.port';
import type { DistrictStateStore } from '../ports/district-state-store.port';
import { DISTRICT_STATE_STORE, EVENT_STORE } from '../ports/tokens';

/** A stream's planned events, as a diff plans them or as a sync stages them. */
export interface FoldableChange {
  streamId: string;
  expectedRevision: number | string;
  events: readonly { type: string; data: unknown }[];
}

/** A district's ledger state and the log position it is folded up to. */
export interface LoadedState {
  districtId: string;
  state: LedgerState;
  position: number;
}

/**
 * What the ledger knows of one district, for a sync's diff: the district's saved state snapshot,
 * plus the district's events recorded after it, folded in. The snapshot is moved on as it goes
 * (after a load that folded events, and after each completed sync), so a sync folds only what
 * was recorded since the last one, not the district's whole log.
 *
 * The snapshot is a cache of the log: when it is missing, unreadable or of another format, the
 * whole log is folded (and a snapshot saved); when saving fails, the sync goes on and the next
 * load folds more.
 */
@Injectable()
export class LedgerStateLoader {
  private readonly logger = new Logger(LedgerStateLoader.name);

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(DISTRICT_STATE_STORE) private readonly snapshots: DistrictStateStore,
  ) {}

  async load(districtId: string): Promise<LoadedState> {
    // every event up to this position is folded, none after: the result is exactly the log's state there
    const head = await this.store.headPosition();
    const snapshot = await this.snapshots.load(districtId);
    // (a snapshot another process saved after `head` was read already holds everything up to its own position)
    const loaded: LoadedState = { districtId, state: snapshot?.state ?? new LedgerState(), position: Math.max(head, snapshot?.position ?? head) };
    const touched = await this.foldLog(loaded.state, districtId, snapshot?.position, head);
    if (snapshot === null) await this.save(districtId, { basePosition: null, position: head, entries: loaded.state.entries() });
    else if (head > snapshot.position) await this.save(districtId, { basePosition: snapshot.position, position: head, entries: entriesOf(loaded.state, touched) });
    return loaded;
  }

  /**
   * Folds a sync's planned changes (as its diff plans them, or as staged) into `loaded.state` as the
   * sync stages or appends them (its diff never reads a record again once diffed), noting the
   * records they change for {@link remember}. Returns false, folding nothing, for a change whose
   * events' revisions cannot be known (expected at `any` or `stream_exists`: never planned so).
   */
  fold(loaded: LoadedState, changes: readonly FoldableChange[], touched: Map<string, StateKey>): boolean {
    if (changes.some((change) => typeof change.expectedRevision !== 'number' && change.expectedRevision !== 'no_stream')) return false;
    for (const change of changes) {
      for (const key of loaded.state.applyChange(change as PlannedStreamEvents)) touched.set(keyOf(key), key);
    }
    return true;
  }

  /**
   * Notes in `loaded.state` the bytes each record's state is now made from (a diff's
   * `takeSources`, once the events taken with them are folded in, and only where the state is a
   * fixed point of them: see notesSource), noting the records for {@link remember}: the next
   * sync need not parse those bytes again. Returns how many records their events did not settle.
   */
  noteSources(loaded: LoadedState, sourced: readonly SourcedRecord[], touched: Map<string, StateKey>): number {
    let unsettled = 0;
    for (const record of sourced) {
      if (notesSource(loaded.state, record)) touched.set(keyOf(record.key), record.key);
      else unsettled += 1;
    }
    return unsettled;
  }

  /**
   * Writes the users and sections among `keys` to the district's saved state ahead of the sync's
   * append (see DistrictStateStore.writeAhead), and keeps only their summaries in memory: a read
   * reads them back. For a district's first import, whose state would otherwise hold every user
   * and section (with its members) as objects to its end (a million students: gigabytes, and
   * most of the collector's work). False, with nothing written, when the saved state moved on
   * meanwhile: the states stay in memory.
   */
  async writeAhead(loaded: LoadedState, keys: Iterable<StateKey>): Promise<boolean> {
    const entries: StateEntry[] = [];
    for (const key of keys) {
      const entry = key.category === 'user' || key.category === 'section' ? loaded.state.entry(key) : undefined;
      if (entry) entries.push(entry);
    }
    if (entries.length === 0) return true;
    if (!(await this.snapshots.writeAhead(loaded.districtId, loaded.position, entries))) return false;
    const { state, districtId } = loaded;
    state.users.readWith(this.snapshots.stateReader(districtId, 'user'));
    state.sections.readWith(this.snapshots.stateReader(districtId, 'section'));
    state.sections.findListedWith(this.snapshots.listedUsersFinder(districtId));
    for (const entry of entries) state.keepWrittenAhead(entry);
    return true;
  }

  /** Notes the records `changes` are about, for changes a diff has folded into the state itself. */
  note(changes: readonly StreamChange[], touched: Map<string, StateKey>): void {
    for (const change of changes) {
      const key = change.events.length > 0 ? stateKeyOf({ streamId: change.streamId, data: change.events[0]!.data }) : undefined;
      if (key) touched.set(keyOf(key), key);
    }
  }

  /**
   * Moves the district's snapshot past a committed append of its sync: `loaded.state` must already
   * hold the append's roster events (folded as the sync staged them), `touched` the records they
   * changed, `written` and `results` how many events the append wrote and where.
   *
   * Nothing is saved (the next load folds from the log instead) when part of the append was a
   * retried no-op, or when another writer recorded events of the district between the load and
   * the append (the district lock prevents that; this does not rely on it). Never throws: the
   * sync is committed whatever happens here.
   */
  async remember(loaded: LoadedState, committed: { results: readonly AppendResult[]; written: number; touched: ReadonlyMap<string, StateKey> }): Promise<void> {
    const { results, written, touched } = committed;
    if (results.length === 0 || results.some((r) => !r.appended)) return;
    try {
      // one append is one transaction of the single writer: its events hold consecutive positions
      const last = results.reduce((max, r) => Math.max(max, r.position), 0);
      const first = last - written + 1;
      if (await this.snapshots.recordedBetween(loaded.districtId, loaded.position, first - 1)) return;
      await this.save(loaded.districtId, { basePosition: loaded.position, position: last, entries: entriesOf(loaded.state, touched) });
      loaded.position = last;
    } catch (error) {
      this.logger.warn(`district ${loaded.districtId}: could not move its state snapshot past the sync (the next sync folds more of the log): ${String(error)}`);
    }
  }

  /** Folds the district's roster events with positions in (after, upTo] into `state`; returns the records they changed. */
  private async foldLog(state: LedgerState, districtId: string, after: number | undefined, upTo: number): Promise<Map<string, StateKey>> {
    const touched = new Map<string, StateKey>();
    if (after !== undefined && after >= upTo) return touched;
    for (const category of RECORD_KINDS) {
      for await (const event of this.store.readCategory(category, after === undefined ? {} : { after })) {
        if (event.position > upTo) break;
        if (event.metadata['districtId'] !== districtId) continue;
        const key = state.apply(event);
        if (key) touched.set(keyOf(key), key);
      }
    }
    return touched;
  }

  private async save(districtId: string, change: Parameters<DistrictStateStore['save']>[1]): Promise<void> {
    try {
      const saved = await this.snapshots.save(districtId, change);
      if (!saved) this.logger.log(`district ${districtId}: its saved state snapshot is not the one this sync started from (moved on by another process, or of another format); left as it is`);
    } catch (error) {
      this.logger.warn(`district ${districtId}: could not save its state snapshot (the next sync folds more of the log): ${String(error)}`);
    }
  }
}

function keyOf({ category, id }: StateKey): string {
  return `${category}\u0000${id}`;
}

/** The states of the records touched, but those known by summary only: theirs are saved already (written ahead, or never changed). */
function* entriesOf(state: LedgerState, touched: ReadonlyMap<string, StateKey>): IterableIterator<StateEntry> {
  for (const key of touched.values()) {
    if (!state.isInMemory(key)) continue;
    const entry = state.entry(key);
    if (entry) yield entry;
  }
}
