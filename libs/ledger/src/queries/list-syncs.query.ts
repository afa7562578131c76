/** Syncs, newest first, optionally of one district. */
export class ListSyncsQuery {
  constructor(
    readonly districtId?: string,
    readonly limit = 50,
  ) {}
}
