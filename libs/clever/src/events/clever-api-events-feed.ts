import { InvalidInput, type PartialCoverage } from '@roster-ledger/domain';
import type { CleverChange, CleverEventsFeed, CursorCheck } from '@roster-ledger/ledger';
import { CleverApiClient, DEFAULT_CLEVER_BASE_URL, DEFAULT_EVENTS_LIMIT } from '../api/clever-api-client';
import type { CleverApiClientOptions } from '../api/clever-api-client';
import { CleverRequestFailed } from '../api/clever-api-errors';
import { CLEVER_EVENT_ID } from '../api/clever-event';
import { connectionOptions, type CleverDistrictResolvers } from '../api/district-connection';
import { displayUrl } from '../api/safe-text';
import { coverageOfVersion } from '../api/version-coverage';
import { cleverChangeOf, eventOrigin, LISTED_AGAIN } from './clever-event-changes';

export interface CleverEventsFeedOptions extends Omit<CleverApiClientOptions, 'token'>, CleverDistrictResolvers {
  /** Events a page (default 1,000: the maximum is undocumented). */
  eventsPageLimit?: number;
}

const OBJECT_ID = /^[0-9a-f]{24}$/i;

/**
 * A district's Clever Events API feed over {@link CleverApiClient}: the ledger's CleverEventsFeed
 * port. Each call resolves the district's
 * token and connection; the client's errors (CleverTokenRejected, CleverUnavailable,
 * CleverBadResponse, CleverRequestFailed) are DomainErrors with stable codes and no secrets.
 */
export class CleverApiEventsFeed implements CleverEventsFeed {
  constructor(private readonly options: CleverEventsFeedOptions = {}) {}

  /** The API, version and district, as the sync record shows them (no token). */
  origin(districtId: string): string {
    const { baseUrl, version } = { ...this.options, ...connectionOptions(this.options.connectionFor, districtId) };
    return `${displayUrl(baseUrl ?? DEFAULT_CLEVER_BASE_URL).replace(/\/$/, '')}/${version ?? 'v3.0'} district ${districtId} events`;
  }

  /** What the district's API version does not give (see coverageOfVersion): its events leave those fields as the ledger has them. */
  coverage(districtId: string): PartialCoverage | undefined {
    const { version } = { ...this.options, ...connectionOptions(this.options.connectionFor, districtId) };
    return coverageOfVersion(version ?? 'v3.0');
  }

  /** The newest event's id, or null for an empty feed. */
  async latestEventId(districtId: string): Promise<string | null> {
    return (await this.client(districtId)).latestEventId();
  }

  /**
   * Not usable when `GET /events/{cursor}` answers 404 (Clever no longer keeps it): what Clever
   * answers to `starting_after` an expired id is not documented, so it is checked first. How long
   * ago the ledger read the feed up to the cursor is the ledger's to check (the cursor's own event
   * may be old in a quiet district without any event after it being lost).
   */
  async knows(districtId: string, cursor: string): Promise<CursorCheck> {
    if (!CLEVER_EVENT_ID.test(cursor)) return { usable: false, reason: `its cursor ${JSON.stringify(cursor.slice(0, 64))} is not a Clever event id` };
    try {
      await (await this.client(districtId)).get(`events/${cursor}`);
      return { usable: true };
    } catch (error) {
      if (error instanceof CleverRequestFailed && error.status === 404) {
        return { usable: false, reason: `Clever no longer knows its cursor, event ${cursor} (HTTP 404)` };
      }
      throw error;
    }
  }

  /**
   * The changes after `cursor` (null: from the oldest event Clever keeps), oldest first, a page at
   * a time. An event Clever lists again (the same id twice in this read, or an id at or below the
   * cursor: already recorded by an earlier sync) is passed over, as a skip marked `listedAgain`
   * (counted, not applied): Clever may serve an event twice.
   * @throws InvalidInput for an event id below one already read that is not a repeat: ids ascend
   * along the feed, and one out of order would move the cursor back (replaying events) or past
   * events never read.
   */
  async *changesAfter(districtId: string, cursor: string | null): AsyncGenerator<CleverChange> {
    const client = await this.client(districtId);
    const limit = this.options.eventsPageLimit ?? DEFAULT_EVENTS_LIMIT;
    const ordered = (id: string) => OBJECT_ID.test(id);
    const seen = new Set<string>();
    let previous: string | null = null;
    for await (const event of client.events({ ...(cursor === null ? {} : { startingAfter: cursor }), limit })) {
      const id = event.id.toLowerCase();
      const again = seen.has(id) || id === cursor?.toLowerCase() || (cursor !== null && ordered(cursor) && ordered(id) && id < cursor.toLowerCase());
      if (again) {
        yield { cleverEventId: event.id, origin: eventOrigin(event), change: { type: 'skip', reason: LISTED_AGAIN }, listedAgain: true };
        continue;
      }
      if (previous !== null && ordered(previous) && ordered(id) && id < previous) {
        throw new InvalidInput(`event ids must ascend along the feed, but ${event.id} follows ${previous}; a full sync (not an events sync) records the district as Clever shows it and sets a new cursor`, {
          file: `events page ${event.page}`,
          record: event.index,
          recordId: event.id,
          field: 'id',
        });
      }
      seen.add(id);
      previous = id;
      yield cleverChangeOf(event, districtId);
    }
  }

  private async client(districtId: string): Promise<CleverApiClient> {
    const { tokenFor, connectionFor, eventsPageLimit: _limit, ...clientOptions } = this.options;
    if (tokenFor === undefined) throw new InvalidInput('no token for the district: configure tokenFor', { file: `district ${districtId}` });
    const token = await tokenFor(districtId);
    return new CleverApiClient({ ...clientOptions, ...connectionOptions(connectionFor, districtId), token });
  }
}
