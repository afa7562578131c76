import type { Viewer } from '../access/viewer';

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
