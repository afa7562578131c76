/** A page of the event log: the whole log, or one stream, from a position on. */
export class ReadEventsQuery {
  constructor(
    readonly options: {
      stream?: string;
      /** Exclusive log position to start after (whole log) or inclusive revision (one stream). */
      from?: number;
      limit: number;
    },
  ) {}
}
