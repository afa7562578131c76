import type { Viewer } from '../access/viewer';
import type { RecordedEvent } from '../ports/event-store.port';

/** A page of the event log: the whole log, or one stream, from a position on, as a viewer may see it. */
export class ReadEventsQuery {
  constructor(
    readonly viewer: Viewer,
    readonly options: {
      stream?: string;
      /** Exclusive log position to start after (whole log) or inclusive revision (one stream). */
      from?: number;
      limit: number;
    },
  ) {}
}

/** A page of events, and where the next starts: the `from` that reads it, or null on the last page. */
export interface EventsPage {
  items: RecordedEvent[];
  /** The `from` of the next page, null on the last: text, as every page's `next` (see Page). */
  next: string | null;
}
