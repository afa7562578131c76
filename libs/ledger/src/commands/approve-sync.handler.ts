import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { recordedFindings, type StateKey, type SyncSummary } from '@roster-ledger/domain';
import type { AppendResult, JsonObject, StreamAppend } from '../ports/event-store.port';
import { concat } from '../services/iterables';
import { ConcurrencyConflict } from '../ports/event-store.errors';
import { HeldSyncOutdated } from '../errors/ledger-errors';
import { SyncRecordPorts } from '../services/sync-record-ports';
import { LedgerStateLoader } from '../services/ledger-state.loader';
import { ApproveSyncCommand } from './approve-sync.command';
import { decideHeldSync } from './held-sync';
import { inBulk } from '../services/in-bulk';
import { withMetadata } from '../ports/serialized-event';

/**
 * Applies a held sync's pending change set together with SyncApproved and SyncCompleted, in one
 * append. Each stream is expected at the revision it had when the sync was held: if the ledger
 * moved on, nothing is applied and the person is told to discard and sync again.
 */
@CommandHandler(ApproveSyncCommand)
export class ApproveSyncHandler implements ICommandHandler<ApproveSyncCommand, SyncSummary> {
  constructor(
    private readonly ports: SyncRecordPorts,
    private readonly loader: LedgerStateLoader,
  ) {}

  async execute({ syncId, by, via }: ApproveSyncCommand): Promise<SyncSummary> {
    return decideHeldSync(syncId, this.ports, async ({ summary, recorder }) => {
      if ((await this.ports.pending.size(syncId)) === 0) throw new HeldSyncOutdated(syncId, 'its pending change set is missing');
      const recordedAt = this.ports.clock.now().toISOString();
      // the district's state, to move its snapshot past the approved changes (else the next sync
      // would fold them all from the log: minutes after a million-student rollover)
      const loaded = await this.loader.load(summary.districtId);
      const touched = new Map<string, StateKey>();
      // read from the pending change set as the append goes: a term rollover's set never sits in memory whole
      const { loader } = this;
      const store = this.ports.pending;
      let written = 0;
      let folded = true;
      function* approved(): Iterable<StreamAppend> {
        for (const a of store.read(syncId)) {
          folded = folded && loader.fold(loaded, [a], touched);
          written += a.events.length;
          // events that shared one metadata object share the approved one (one row of the log's metadata)
          let from: JsonObject | null = null;
          let approvedMetadata: JsonObject = {};
          const events = a.events.map((e) => {
            if (e.metadata !== from) {
              from = e.metadata;
              approvedMetadata = { ...e.metadata, recordedAt, approvedBy: by };
            }
            return withMetadata(e, approvedMetadata);
          });
          yield { ...a, events };
        }
      }
      const { counts, pending, contents, settledUnder, eventsCursor } = summary;
      const lifecycle = recorder.planDecision(
        recordedAt,
        { type: 'SyncApproved', data: { syncId, by, via, approvedAt: recordedAt } },
        {
          type: 'SyncCompleted',
          data: { syncId, districtId: summary.districtId, counts, appended: pending, completedAt: recordedAt, ...recordedFindings(summary), approvedBy: by,
            ...(contents ? { contents } : {}), ...(settledUnder !== null ? { settledUnder } : {}), ...(eventsCursor !== null ? { eventsCursor } : {}) },
        },
      );
      let results: AppendResult[];
      try {
        // one transaction: a term rollover's approval appends nearly every enrollment of the district again
        results = await inBulk(this.ports.store, () => this.ports.store.appendToStreams(concat(approved(), [lifecycle])));
      } catch (error) {
        if (error instanceof ConcurrencyConflict) throw new HeldSyncOutdated(syncId, `${error.streamId} changed since`);
        throw error;
      }
      // after the commit, best effort: rows left are dropped by the district's next sync, a snapshot left behind is caught up by it
      await this.ports.pending.delete(syncId).catch(() => undefined);
      if (folded) await this.loader.remember(loaded, { results, written: written + lifecycle.events.length, touched });
      return this.ports.history.get(syncId);
    });
  }
}
