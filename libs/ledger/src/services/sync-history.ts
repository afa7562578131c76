import { Inject, Injectable, Logger } from '@nestjs/common';
import { evolveSyncSummary, summarizeSync, type RecordedSyncEvent, type SyncSource, type SyncStatus, type SyncSummary } from '@roster-ledger/domain';
import type { EventStore, RecordedEvent } from '../ports/event-store.port';
import type { IndexedSync, IndexedSyncQuery, ReadModels } from '../ports/read-models.port';
import { EVENT_STORE, READ_MODELS } from '../ports/tokens';
import { SyncNotFound } from '../errors/ledger-errors';

export const syncStreamId = (syncId: string): string => `sync-${syncId}`;

const asSyncEvent = (e: RecordedEvent) => ({ type: e.type, data: e.data, recordedAt: e.recordedAt }) as unknown as RecordedSyncEvent;

/** Which syncs a list holds: every condition given holds. */
export interface SyncListQuery {
  districtId?: string;
  statuses?: readonly SyncStatus[];
  source?: SyncSource;
  /** At most this many, the newest. */
  limit?: number;
}

/** The syncs recorded past the syncs read model's checkpoint, each as the log has it now. */
type Fresh = Map<string, IndexedSync>;

/**
 * The syncs as the log has them, read as summaries. A list is read from the syncs read model,
 * whose indexes answer what a sync asks (the held sync of its district, the syncs still running,
 * the district's last completed sync) in a few rows, with the sync events the log holds past the
 * read model's checkpoint folded on top: so it is the log's, however far behind the read model
 * is, and a question costs about a millisecond at 100,000 syncs (a district synced from Clever's
 * events every 30 seconds records 2,900 a day; each sync read them all, seconds at that size,
 * before the read model was asked). A read model that cannot be read (a damaged file) costs the
 * whole sync category's read instead: a sync depends on the log alone.
 */
@Injectable()
export class SyncHistory {
  private readonly logger = new Logger(SyncHistory.name);
  /** The syncs past the read model's checkpoint as last read (see `fresh`). */
  private kept: { foldedUpTo: number; readUpTo: number; fresh: Fresh } | null = null;
  /** The read model's failure last logged: logged once, not on every list. */
  private lastIndexFailure: string | null = null;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_MODELS) private readonly readModels: ReadModels,
  ) {}

  /** @throws SyncNotFound */
  async get(syncId: string): Promise<SyncSummary> {
    const events: RecordedSyncEvent[] = [];
    for await (const e of this.store.readStream(syncStreamId(syncId))) events.push(asSyncEvent(e));
    const summary = summarizeSync(events);
    if (!summary) throw new SyncNotFound(syncId);
    return summary;
  }

  /** The syncs that match `query`, newest first (by when their first event was recorded). */
  async list(query: SyncListQuery = {}): Promise<SyncSummary[]> {
    return (await this.listAfter(query, undefined))!;
  }

  /** The district's held sync, waiting for approval or discard, if one is. */
  async heldOf(districtId: string): Promise<SyncSummary | undefined> {
    return (await this.list({ districtId, statuses: ['held'], limit: 1 }))[0];
  }

  /**
   * The syncs that match `query`, newest first, from the one after the sync `after` (the last one
   * of the page before); null when `after` is no sync of that list's district and source. Its
   * status is not asked of it: a sync's status moves on (a held one approved or discarded, a
   * running one ended) between a page of the held or running ones and the next, and it still
   * marks where that page ended.
   */
  listAfter(query: SyncListQuery, after: string | undefined): Promise<SyncSummary[] | null> {
    return this.read(async (index) => {
      const fresh = await this.fresh(index);
      let before: number | undefined;
      if (after !== undefined) {
        const place = fresh.get(after) ?? (await index.syncs({ ids: [after] }))[0];
        if (place === undefined || !matches(place, { ...query, statuses: undefined })) return null;
        before = place.firstPosition;
      }
      return (await this.select(index, fresh, query, before)).map((s) => s.summary);
    });
  }

  /** The districts of the syncs of these statuses, each with its newest sync of them. */
  lastOfEachDistrict(statuses: readonly SyncStatus[]): Promise<Map<string, SyncSummary>> {
    return this.read(async (index) => {
      const fresh = await this.fresh(index);
      const districts = new Set(await index.districts(statuses));
      for (const { summary } of fresh.values()) if (summary.districtId !== null) districts.add(summary.districtId);
      const last = new Map<string, SyncSummary>();
      for (const districtId of [...districts].sort()) {
        const [newest] = await this.select(index, fresh, { districtId, statuses, limit: 1 }, undefined);
        if (newest !== undefined) last.set(districtId, newest.summary);
      }
      return last;
    });
  }

  /**
   * The read model's syncs that match, with those recorded past its checkpoint in their place:
   * as many more are asked of it as may be replaced (a sync that moved on since may no longer match).
   */
  private async select(index: SyncIndex, fresh: Fresh, query: SyncListQuery, before: number | undefined): Promise<IndexedSync[]> {
    const { limit } = query;
    const indexed = await index.syncs({
      ...(query.districtId === undefined ? {} : { districtId: query.districtId }),
      ...(query.statuses === undefined ? {} : { statuses: query.statuses }),
      ...(query.source === undefined ? {} : { source: query.source }),
      ...(before === undefined ? {} : { before }),
      ...(limit === undefined ? {} : { limit: limit + fresh.size }),
    });
    const merged = indexed.filter((s) => !fresh.has(s.summary.syncId));
    for (const s of fresh.values()) if (matches(s, query) && (before === undefined || s.firstPosition < before)) merged.push(s);
    merged.sort((a, b) => b.firstPosition - a.firstPosition);
    return limit === undefined ? merged : merged.slice(0, limit);
  }

  /**
   * Each sync with an event past the read model's checkpoint, folded from its row (which may be
   * later than the checkpoint: its events at or before the row's position are in it already).
   * Kept, and caught up from where it was read while the checkpoint stays where it was: a read
   * model left behind (a ledger whose syncs skip the catch-up, or one upgraded to a release that
   * folds it again) costs a process one read of what it has not folded, not one per question.
   */
  private async fresh(index: SyncIndex): Promise<Fresh> {
    const foldedUpTo = await index.foldedUpTo();
    const kept = this.kept?.foldedUpTo === foldedUpTo ? this.kept : { foldedUpTo, readUpTo: foldedUpTo, fresh: new Map() as Fresh };
    const events = new Map<string, RecordedEvent[]>();
    let readUpTo = kept.readUpTo;
    for await (const e of this.store.readCategory('sync', { after: kept.readUpTo })) {
      const id = e.streamId.slice('sync-'.length);
      const of = events.get(id);
      if (of === undefined) events.set(id, [e]);
      else of.push(e);
      readUpTo = e.position;
    }
    if (events.size === 0) return kept.fresh;
    const fresh: Fresh = new Map(kept.fresh);
    const unknown = [...events.keys()].filter((id) => !fresh.has(id));
    const rows = new Map(unknown.length === 0 ? [] : (await index.syncs({ ids: unknown })).map((s) => [s.summary.syncId, s]));
    for (const [id, of] of events) {
      const from = fresh.get(id) ?? rows.get(id);
      // folded into a copy: a summary handed out never changes under its holder
      let summary = from === undefined ? null : { ...from.summary };
      let firstPosition = from?.firstPosition ?? 0;
      let position = from?.position ?? 0;
      for (const e of of) {
        if (e.position <= position) continue;
        // where the read model's row starts too: at the event that began its summary
        if (summary === null) firstPosition = e.position;
        summary = evolveSyncSummary(summary, asSyncEvent(e));
        position = e.position;
      }
      if (summary !== null) fresh.set(id, { summary, firstPosition, position });
    }
    this.kept = { foldedUpTo, readUpTo, fresh };
    return fresh;
  }

  /**
   * Runs `work` on the syncs read model, every answer checked to be of the checkpoint `work`
   * started from or later: a rebuild may swap in a version behind the one it replaced (another
   * process folded the old one on meanwhile), whose rows would lack syncs the log past the first
   * checkpoint was not read for. `work` then runs again, from the new checkpoint. A read model
   * that cannot be read (a damaged or missing file), or keeps moving back, is replaced by an
   * empty one at the log's start: the whole sync category is folded, as the log alone has it.
   */
  private async read<T>(work: (index: SyncIndex) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const unreadable = new Set<unknown>();
      try {
        const answer = await work(this.checkedIndex(unreadable));
        this.lastIndexFailure = null;
        return answer;
      } catch (error) {
        const movedBack = error instanceof ReadModelMovedBack;
        if (movedBack && attempt < MOVED_BACK_ATTEMPTS) continue;
        if (!movedBack && !unreadable.has(error)) throw error;
        const message = error instanceof Error ? error.message : String(error);
        if (message !== this.lastIndexFailure) this.logger.warn(`the syncs read model could not be read (${message}): syncs are read from the log instead`);
        this.lastIndexFailure = message;
        return work(EMPTY_INDEX);
      }
    }
  }

  /** The read model's answers, its failures marked `unreadable`, and each checked against the checkpoint first read. */
  private checkedIndex(unreadable: Set<unknown>): SyncIndex {
    const models = this.readModels;
    let from: number | null = null;
    const asked = <T>(answer: Promise<T>): Promise<T> => answer.catch((error: unknown) => Promise.reject(mark(unreadable, error)));
    const checked = <T>(answer: { foldedUpTo: number } & T): T => {
      if (from !== null && answer.foldedUpTo < from) throw new ReadModelMovedBack(from, answer.foldedUpTo);
      return answer;
    };
    return {
      foldedUpTo: async () => (from = await asked(models.syncsFoldedUpTo())),
      syncs: async (query) => checked(await asked(models.indexedSyncs(query))).syncs,
      districts: async (statuses) => checked(await asked(models.syncDistricts(statuses))).districts,
    };
  }
}

/** The syncs read model as one call of SyncHistory sees it (see `checkedIndex`). */
interface SyncIndex {
  /** Its checkpoint: asked first, and the least every later answer must be of. */
  foldedUpTo(): Promise<number>;
  syncs(query: IndexedSyncQuery): Promise<IndexedSync[]>;
  districts(statuses: readonly SyncStatus[]): Promise<string[]>;
}

/** A read model that has folded nothing: every sync is read from the log. */
const EMPTY_INDEX: SyncIndex = { foldedUpTo: async () => 0, syncs: async () => [], districts: async () => [] };

/** How many times a call starts again when the read model moved back under it, before it reads the log instead. */
const MOVED_BACK_ATTEMPTS = 3;

class ReadModelMovedBack extends Error {
  constructor(from: number, to: number) {
    super(`the syncs read model moved back from position ${from} to ${to} (a rebuild swapped in)`);
  }
}

function mark(unreadable: Set<unknown>, error: unknown): unknown {
  unreadable.add(error);
  return error;
}

function matches({ summary }: IndexedSync, query: SyncListQuery): boolean {
  return (
    (query.districtId === undefined || summary.districtId === query.districtId) &&
    (query.statuses === undefined || query.statuses.includes(summary.status)) &&
    (query.source === undefined || summary.source === query.source)
  );
}
