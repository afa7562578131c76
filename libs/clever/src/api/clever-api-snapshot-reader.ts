import { InvalidInput, RECORD_KINDS } from '@roster-ledger/domain';
import type { RecordKind } from '@roster-ledger/domain';
import type { CleverSnapshotSource } from '../clever-snapshot-reader';
import { normalizeCleverRecord } from '../clever-normalizer';
import type { SnapshotItem } from '../snapshot-item';
import { coverageWithScopes } from '../scoped-fields';
import { findingsAfter } from '../record-findings';
import { unwrapEntry } from './api-envelope';
import { CleverApiClient, DEFAULT_CLEVER_BASE_URL, MAX_PAGE_LIMIT } from './clever-api-client';
import { displayUrl } from './safe-text';
import type { CleverApiClientOptions } from './clever-api-client';
import { connectionOptions, type CleverDistrictConnection } from './district-connection';
import { coverageOfVersion } from './version-coverage';

/** Where each kind is listed. `/users` has no role filter: a multi-role person comes once, as in a snapshot file. */
export const CLEVER_API_RESOURCES: Readonly<Record<RecordKind, string>> = {
  district: 'districts',
  school: 'schools',
  term: 'terms',
  course: 'courses',
  user: 'users',
  section: 'sections',
};

/** A district to read, with its token. */
export interface CleverApiConnection {
  districtId: string;
  token: string;
}

export interface CleverApiSnapshotOptions extends Omit<CleverApiClientOptions, 'token'> {
  /** Records a page (default 10,000, Clever's maximum). */
  pageLimit?: number;
  /** Resolves a district's token, so `open(districtId)` fits the SnapshotReader port (a location string). */
  tokenFor?: (districtId: string) => string | Promise<string>;
  /** A district's own base URL, version and rate limiter, over the options above. */
  connectionFor?: (districtId: string) => CleverDistrictConnection;
  /** How many records the district had last time, for `progress().total` until the walk ends. */
  expectedRecords?: number;
}

/**
 * Reads a district's snapshot from the Clever Data API: districts, schools, terms, courses, users
 * and sections, page by page, through the same normalizer as the JSON files. Only the current
 * page and the ids seen (to reject a repeated id, as the file reader does) are held.
 *
 * `progress()` counts records, not bytes: `done` records read, `total` the `expectedRecords`
 * estimate (or `done` once it is passed, and exactly `done` at the end).
 */
export class CleverApiSnapshotReader {
  constructor(private readonly options: CleverApiSnapshotOptions = {}) {}

  /**
   * Where a district is read (its API, version and id; never a token), without asking Clever: what
   * the sync records as its origin, also when opening fails (a rejected token).
   */
  originOf(districtId: string): string {
    const { baseUrl, version } = { ...this.options, ...connectionOptions(this.options.connectionFor, districtId) };
    return `${displayUrl(baseUrl ?? DEFAULT_CLEVER_BASE_URL).replace(/\/$/, '')}/${version ?? 'v3.0'} district ${districtId}`;
  }

  /**
   * Checks the token and that it belongs to the district (one request: `GET /districts`).
   * @throws CleverTokenRejected on 401; InvalidInput when the token sees another district, or
   * `open(districtId)` is called without a `tokenFor` option.
   */
  async open(target: string | CleverApiConnection): Promise<CleverSnapshotSource> {
    const connection = typeof target === 'string' ? await this.resolve(target) : target;
    const { pageLimit, tokenFor: _tokenFor, connectionFor, expectedRecords, ...clientOptions } = this.options;
    const client = new CleverApiClient({ ...clientOptions, ...connectionOptions(connectionFor, connection.districtId), token: connection.token });
    const { districtId } = connection;
    const origin = this.originOf(districtId);
    await checkDistrict(client, districtId, origin);
    const partial = coverageOfVersion(client.version);

    let done = 0;
    let finished = false;
    const limit = pageLimit ?? MAX_PAGE_LIMIT;
    return {
      source: 'clever-api',
      origin,
      kinds: [...RECORD_KINDS],
      ...(partial === undefined ? {} : { partial }),
      items: () => {
        done = 0;
        finished = false;
        return readAll(client, districtId, limit, () => (done += 1), () => (finished = true));
      },
      progress: () => ({ done, total: finished ? done : Math.max(done, expectedRecords ?? 0) }),
    };
  }

  private async resolve(districtId: string): Promise<CleverApiConnection> {
    if (this.options.tokenFor === undefined) {
      throw new InvalidInput('no token for the district: configure tokenFor, or open({ districtId, token })', { file: `district ${districtId}` });
    }
    return { districtId, token: await this.options.tokenFor(districtId) };
  }
}

/** A district token sees exactly its own district. */
async function checkDistrict(client: CleverApiClient, districtId: string, origin: string): Promise<void> {
  const ids: string[] = [];
  for await (const district of client.list('districts', { limit: 10 })) ids.push(String(district['id']));
  if (!ids.includes(districtId)) {
    const seen = ids.length === 0 ? 'no district' : `district ${ids.join(', ')}`;
    throw new InvalidInput(`the token does not give access to district ${districtId} (it sees ${seen})`, { file: origin });
  }
}

async function* readAll(
  client: CleverApiClient,
  districtId: string,
  limit: number,
  onRecord: () => void,
  onEnd: () => void,
): AsyncGenerator<SnapshotItem> {
  for (const kind of RECORD_KINDS) yield* readKind(client, kind, districtId, limit, onRecord);
  onEnd();
}

async function* readKind(
  client: CleverApiClient,
  kind: RecordKind,
  districtId: string,
  limit: number,
  onRecord: () => void,
): AsyncGenerator<SnapshotItem> {
  const resource = CLEVER_API_RESOURCES[kind];
  const partial = coverageOfVersion(client.version);
  // where each id was read, for the message of an id read twice: its page's number and its record
  // in one small integer (a page holds at most MAX_PAGE_LIMIT records), the pages' URLs once each
  const seen = new Map<string, number>();
  const pages: string[] = [];
  for await (const page of client.pages(resource, { limit })) {
    pages.push(page.url);
    const file = `${resource} page ${page.url}`;
    for (const [record, entry] of page.entries.entries()) {
      const unwrapped = unwrapEntry(entry);
      if ('problem' in unwrapped) throw new InvalidInput(unwrapped.problem, { file, record });
      const item = normalizeCleverRecord(kind, unwrapped.object, { file, record }, client.version);
      const id = item.origin.recordId ?? '';
      const first = seen.get(id);
      if (first !== undefined) {
        const at = `page ${pages[Math.floor(first / MAX_PAGE_LIMIT)]}, record #${(first % MAX_PAGE_LIMIT) + 1}`;
        throw new InvalidInput(`duplicate id: ${id} was already read from ${resource}, at ${at}`, { ...item.origin, field: 'id' });
      }
      seen.set(id, (pages.length - 1) * MAX_PAGE_LIMIT + record);
      if (item.type === 'record' && item.record.districtId !== districtId) {
        throw new InvalidInput(`the record belongs to district ${item.record.districtId}, not ${districtId}`, { ...item.origin, field: 'district' });
      }
      onRecord();
      // a student without a scoped field: the record's own, beside the version's (the source's)
      const scoped = item.type === 'record' ? coverageWithScopes(unwrapped.object, partial) : undefined;
      yield item.type === 'record' && scoped !== partial ? { ...item, partial: scoped } : item;
      yield* findingsAfter(item);
    }
  }
}
