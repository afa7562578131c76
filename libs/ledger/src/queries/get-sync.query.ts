/** One sync's summary. */
export class GetSyncQuery {
  constructor(readonly syncId: string) {}
}
