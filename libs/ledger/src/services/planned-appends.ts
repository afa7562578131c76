import type { StreamChange } from '@roster-ledger/domain';
import type { JsonObject, StreamAppend } from '../ports/event-store.port';
import type { SyncRecorder } from './sync-recorder';

/**
 * The appends that record a diff's planned events, each stream expected at the revision the diff
 * read. Metadata: the sync's (`metadata`: pass the same one for every part of a change set
 * staged in parts, so its events carry one `recordedAt`, when the sync planned them), plus Clever's `last_modified` of the record and the Clever event
 * that reported the change, where there is one (an events sync), and the `removedAsOf` of a removal
 * a full sync's complete view implied (the record's clock from then on: see LedgerState).
 */
export function plannedAppends(recorder: SyncRecorder, changes: readonly StreamChange[], metadata = recorder.metadata()): StreamAppend[] {
  const base = metadata as unknown as JsonObject;
  return changes.map((change) => {
    // a record's events nearly always have the same metadata: one object for a run of them
    let last: { cleverLastModified?: string; cleverEventId?: string; removedAsOf?: string; metadata: JsonObject } | null = null;
    return {
      streamId: change.streamId,
      expectedRevision: change.expectedRevision,
      events: change.events.map(({ id, type, data, cleverLastModified, cleverEventId, removedAsOf }) => {
        if (last === null || last.cleverLastModified !== cleverLastModified || last.cleverEventId !== cleverEventId || last.removedAsOf !== removedAsOf) {
          const metadata: JsonObject = { ...base };
          if (cleverLastModified !== undefined) metadata['cleverLastModified'] = cleverLastModified;
          if (removedAsOf !== undefined) metadata['removedAsOf'] = removedAsOf;
          if (cleverEventId !== undefined) metadata['cleverEventId'] = cleverEventId;
          last = { cleverLastModified, cleverEventId, removedAsOf, metadata };
        }
        return { id, type, data: data as unknown as JsonObject, metadata: last.metadata };
      }),
    };
  });
}
