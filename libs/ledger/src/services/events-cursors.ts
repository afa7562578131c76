import { Inject, Injectable } from '@nestjs/common';
import { cursorAfter, cursorStreamId, deterministicEventId, type CursorEvent, type EventsCursor } from '@roster-ledger/domain';
import type { EventStore, JsonObject, StreamAppend } from '../ports/event-store.port';
import { EVENT_STORE } from '../ports/tokens';
import type { SyncRecorder } from './sync-recorder';

/** A district's events cursor as the ledger holds it, with the revision of its stream (for the next append's check). */
export interface HeldCursor {
  cursor: EventsCursor;
  revision: number;
}

/** Reads districts' events cursors (stream `cursor-{districtId}`); a sync moves one with {@link cursorAppend}. */
@Injectable()
export class EventsCursors {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  /** The cursor, or null when the district never had one (no full sync through the Clever API yet). */
  async current(districtId: string): Promise<HeldCursor | null> {
    for await (const event of this.store.readStream(cursorStreamId(districtId), { direction: 'backwards', maxCount: 1 })) {
      return { cursor: cursorAfter({ type: event.type, data: event.data } as unknown as CursorEvent), revision: event.revision };
    }
    return null;
  }

  /** The revision of the district's cursor stream, or null when it has none. */
  revision(districtId: string): Promise<number | null> {
    return this.store.streamRevision(cursorStreamId(districtId));
  }
}

/**
 * The append that moves a district's cursor, with the sync's metadata, expected at `revision`
 * (null: the first cursor of the district). Joined to the sync's final atomic append, so that the
 * cursor never moves without the events it produced, nor they without it.
 */
export function cursorAppend(recorder: SyncRecorder, revision: number | null, event: CursorEvent): StreamAppend {
  const streamId = cursorStreamId(event.data.districtId);
  const next = revision === null ? 0 : revision + 1;
  return {
    streamId,
    expectedRevision: revision ?? 'no_stream',
    events: [
      {
        id: deterministicEventId(recorder.syncId, streamId, next, event.type),
        type: event.type,
        data: event.data as unknown as JsonObject,
        metadata: recorder.metadata() as unknown as JsonObject,
      },
    ],
  };
}
