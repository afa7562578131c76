import type { IncrementalChange, InputLocation, PartialCoverage } from '@roster-ledger/domain';

/** One Clever event, read and normalized: what changed, and which event said so. */
export interface CleverChange {
  /** The Clever event's id: the cursor after it, and the `cleverEventId` of the ledger events it yields. */
  cleverEventId: string;
  /** Clever's `created` of the event: order is the feed's; it tells a record shared again from a stale event (see IncrementalDiff). */
  created?: string;
  change: IncrementalChange;
  /** Where it was read (the events page and the index in it), for errors. */
  origin: InputLocation;
  /**
   * True for an event Clever listed again (an id already read, or at or below the cursor): its
   * change is a skip, counted in the sync's findings so that what was passed over leaves a trace,
   * and the cursor does not move to it.
   */
  listedAgain?: true;
}

/** Whether an events cursor can still be read after, and why not. */
export type CursorCheck = { usable: true } | { usable: false; reason: string };

/**
 * A district's Clever Events API feed, for incremental syncs. Each method takes the district
 * (its token and connection are the adapter's business). Errors of the feed's client cross this
 * port as DomainErrors with stable codes (token rejected, Clever unavailable, a bad response).
 */
export interface CleverEventsFeed {
  /** Where the feed is read, for the sync record (an URL and the district; never a token). */
  origin(districtId: string): string;

  /**
   * The fields the district's feed does not give at all (those of a later API version than it is
   * read at): its events leave them as the ledger has them, rather than clear them. Undefined when
   * it gives every field the ledger records.
   */
  coverage(districtId: string): PartialCoverage | undefined;

  /**
   * The id of the newest event in the feed, or null when it is empty: the cursor to keep before a
   * full sync, so that events during and after the full sync are read by the next events sync.
   */
  latestEventId(districtId: string): Promise<string | null>;

  /**
   * Whether Clever still knows `cursor`: when it does not, events after it may have been lost, and
   * only a full sync can make up for them. (How long ago the ledger read the feed up to the cursor
   * is checked by the ledger, against how long Clever keeps events.)
   */
  knows(districtId: string, cursor: string): Promise<CursorCheck>;

  /**
   * The changes after `cursor` (null: from the oldest event Clever keeps), oldest first, page by
   * page as they are consumed.
   * @throws InvalidInput for an event that breaks a rule (naming the page, the index and the field),
   * including a record of another district.
   */
  changesAfter(districtId: string, cursor: string | null): AsyncIterable<CleverChange>;
}
