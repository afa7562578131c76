type Event<Type extends string, Data> = { type: Type; data: Data };

/**
 * Where a district's Clever Events API feed was last read, kept in the ledger itself (stream
 * `cursor-{districtId}`) so that it moves in the same atomic append as the roster events it
 * produced: a crash can neither lose events nor apply them twice.
 */

/** Why a cursor was set rather than advanced. */
export type EventsCursorSetReason =
  /** Read before a full sync (the bootstrap): events after it are what the full sync may not have seen. */
  | 'full-sync'
  /** An events sync could not go on from its cursor (none yet, too old, unknown to Clever) and a full sync ran instead. */
  | 'fallback';

export interface EventsCursorSetData {
  districtId: string;
  /** The newest Clever event id before the full sync; null when Clever's feed was empty (read from its start). */
  cursor: string | null;
  reason: EventsCursorSetReason;
  /** For a fallback: why the events sync could not go on, in words. */
  detail?: string;
  /** The full sync this cursor belongs to. */
  syncId: string;
  /** When the cursor was read (the sync's view time). */
  setAt: string;
}

export interface EventsCursorAdvancedData {
  districtId: string;
  /** The cursor the events sync read after (null: from the start of Clever's feed). */
  from: string | null;
  /** The id of the last Clever event the sync applied. */
  cursor: string;
  /** Clever events read, skipped and unchanged ones included. */
  cleverEvents: number;
  syncId: string;
  advancedAt: string;
}

export type CursorEvent = Event<'EventsCursorSet', EventsCursorSetData> | Event<'EventsCursorAdvanced', EventsCursorAdvancedData>;
export type CursorEventType = CursorEvent['type'];
export const CURSOR_EVENT_TYPES: readonly CursorEventType[] = ['EventsCursorSet', 'EventsCursorAdvanced'];

/** A district's events cursor: the Clever event id to read after (null: from the start), and since when. */
export interface EventsCursor {
  districtId: string;
  cursor: string | null;
  /** When it was set or last advanced (ISO-8601). */
  at: string;
}

/** Clever keeps events this many days (older ones fall off the front of the feed). */
export const CLEVER_EVENTS_RETENTION_DAYS = 30;
/** A cursor older than this may have lost events: a day's margin under the retention, for clocks and slow syncs. */
export const EVENTS_CURSOR_MAX_AGE_DAYS = CLEVER_EVENTS_RETENTION_DAYS - 1;

/** The stream of a district's events cursor. */
export const cursorStreamId = (districtId: string): string => `cursor-${districtId}`;

/** The cursor after one cursor event: each event carries the whole cursor, so the last one decides. */
export function cursorAfter(event: CursorEvent): EventsCursor {
  if (event.type === 'EventsCursorSet') {
    return { districtId: event.data.districtId, cursor: event.data.cursor, at: event.data.setAt };
  }
  return { districtId: event.data.districtId, cursor: event.data.cursor, at: event.data.advancedAt };
}
