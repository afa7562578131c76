/** Syncs, newest first, optionally of one district, a page at a time (`after`: the id of the last sync of the page before). */
export class ListSyncsQuery {
  constructor(
    readonly districtId?: string,
    readonly limit = 50,
    readonly after?: string,
  ) {}
}
