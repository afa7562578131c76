import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { InvalidInput, redactEventData } from '@roster-ledger/domain';
import { personalAccessOf } from '../access/viewer';
import { recordAccess } from '../access/record-access';
import { HeldSyncOutdated, SyncNotHeld } from '../errors/ledger-errors';
import type { AccessLog, ReadModels } from '../ports/read-models.port';
import type { Clock } from '../ports/clock.port';
import type { PendingChangeStore } from '../ports/pending-change-store.port';
import { ACCESS_LOG, CLOCK, PENDING_CHANGE_STORE, READ_MODELS } from '../ports/tokens';
import { SyncHistory } from '../services/sync-history';
import { GetPendingChangesQuery, type PendingChange, type PendingChangesPage } from './pending-changes.query';
import { studentsShown } from './read-answers';
import { relatedRecords } from './timeline-related';

/** Events of a change set read between two turns of the server's other requests. */
const SCAN_SLICE = 10_000;

/** Events between two starts of appends remembered (see `starts`): 7,700 of a million-student rollover's set, a page reading 500 events before its own at most on average. */
const START_EVERY = 1_000;

/** Where an append of a held sync's change set starts: the index of the event before its first, and its place among the appends. */
interface AppendStart {
  index: number;
  append: number;
}

/**
 * A held sync's change set, read from where it is staged, a page at a time: each change cut for
 * the role as the audit feed cuts it, and the records it names by their names now (a removal
 * carries the id alone: who it would remove is who the accounts hold). The students a page shows
 * go to the access log, as with every read of their data.
 */
@QueryHandler(GetPendingChangesQuery)
export class GetPendingChangesHandler implements IQueryHandler<GetPendingChangesQuery, PendingChangesPage> {
  /**
   * Of each held sync read here, where an append starts every START_EVERY events or so, in order:
   * a page deep in a large set (a rollover's millions of events) starts reading from the nearest
   * one before it, not from the first event, so paging through a set reads it once. A held set
   * never changes; one no longer held is forgotten when it is asked for again.
   */
  private readonly starts = new Map<string, AppendStart[]>();

  constructor(
    private readonly history: SyncHistory,
    @Inject(PENDING_CHANGE_STORE) private readonly pending: PendingChangeStore,
    @Inject(READ_MODELS) private readonly models: ReadModels,
    @Inject(ACCESS_LOG) private readonly log: AccessLog,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * @throws SyncNotFound
   * @throws SyncNotHeld for a sync that is not held (a completed one's changes are in the log: the audit feed of the sync)
   * @throws HeldSyncOutdated for a held sync whose change set is not beside the ledger
   */
  async execute({ syncId, viewer, options }: GetPendingChangesQuery): Promise<PendingChangesPage> {
    const sync = await this.history.get(syncId);
    if (sync.status !== 'held') {
      this.starts.delete(syncId);
      const why = sync.status === 'completed' ? 'its changes are in the log: the audit feed of the sync shows them' : 'only a held sync has changes waiting';
      throw new SyncNotHeld(syncId, sync.status, why);
    }
    if (!(await this.pending.has(syncId))) throw new HeldSyncOutdated(syncId, 'its pending change set is missing');
    const access = personalAccessOf(viewer.role);
    const types = options.types === undefined ? null : new Set(options.types);
    const after = options.after ?? 0;
    const found: Omit<PendingChange, 'related'>[] = [];
    let more = false;
    const starts = this.starts.get(syncId) ?? [];
    this.starts.set(syncId, starts);
    const from = starts.findLast((start) => start.index <= after) ?? { index: 0, append: 0 };
    let index = from.index;
    let place = from.append;
    // the set is read a page of appends at a time and left as soon as the page is full; a page
    // deeper than any read here before reads through those before it, so the server's other
    // requests are let through every SCAN_SLICE events read
    read: for (const append of this.pending.read(syncId, from.append)) {
      if (index >= (starts.at(-1)?.index ?? 0) + START_EVERY) starts.push({ index, append: place });
      place++;
      for (const event of append.events) {
        index++;
        if (index % SCAN_SLICE === 0) await new Promise((resolve) => setImmediate(resolve));
        if (index <= after || (types !== null && !types.has(event.type))) continue;
        if (found.length === options.limit) {
          more = true;
          break read;
        }
        found.push({ index, type: event.type, streamId: append.streamId, data: redactEventData(event.data, access) });
      }
    }
    // nothing found, the set was read to its end: an index past it ends no page of this set (a next of
    // another held sync's, or one made up), and an empty page would read as nothing more pending
    if (found.length === 0 && after > index) {
      throw new InvalidInput(`${after} is past the last change of held sync ${syncId} (its index is ${index}): give the next of one of its pages, or leave it out for the first`, { field: 'after' });
    }
    const { related, studentsNamed } = await relatedRecords(this.models, found, null, access);
    await recordAccess(this.log, this.clock, viewer, [...new Set([...(await studentsShown(found, this.models)), ...studentsNamed])]);
    return {
      syncId,
      districtId: sync.districtId,
      pending: sync.pending,
      items: found.map((change, i) => ({ ...change, related: related[i] ?? [] })),
      next: more ? String(found[found.length - 1]!.index) : null,
    };
  }
}
