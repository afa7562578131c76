import { CleverBadResponse, CleverRequestFailed } from './clever-api-errors';
import { notEventIdProblem, readCleverEvent } from './clever-event';
import type { CleverEvent } from './clever-event';
import { readListEnvelope, readObjectEnvelope, unwrapEntry } from './api-envelope';
import { HttpTransport } from './http-transport';
import type { CleverWait } from './http-transport';
import { RateLimiter } from './rate-limiter';
import type { RateLimiterOptions } from './rate-limiter';
import { retryPolicy } from './retry-policy';
import type { RetryOptions } from './retry-policy';
import { displayUrl } from './safe-text';
import { systemTiming } from './timing';

export type CleverApiVersion = 'v3.0' | 'v3.1';
export const DEFAULT_CLEVER_BASE_URL = 'https://api.clever.com';
/** Clever answers 413 above this `limit`. */
export const MAX_PAGE_LIMIT = 10_000;
/** The events page-size maximum is undocumented; 1,000 is the cautious start the spec suggests. */
export const DEFAULT_EVENTS_LIMIT = 1_000;

export interface CleverApiClientOptions extends RetryOptions, RateLimiterOptions {
  /** The district-app bearer token. Kept private: it appears in no error, log or property. */
  token: string;
  /** Where the token was read (the environment variable's name, never the token), for the message of a rejected token. */
  tokenFrom?: string;
  /** Default `https://api.clever.com`. Plain http is accepted only for loopback hosts (a local stand-in). */
  baseUrl?: string;
  /** Default `v3.0`; both versions have the same paths. */
  version?: CleverApiVersion;
  /** Per attempt, body included, in ms (default 60,000). */
  timeoutMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Pass one shared limiter to clients that use the same token: Clever's budget is per token. */
  rateLimiter?: RateLimiter;
  fetch?: typeof fetch;
  /** Told of every rate-limit wait and retry before it starts, e.g. to log it (the URL has no secrets). */
  onWait?: (wait: CleverWait) => void;
}

export interface ListOptions {
  /** Records a page, 1 to 10,000 (default 10,000: most districts fit in a few requests). */
  limit?: number;
  /** Extra query parameters, e.g. `{ role: 'teacher' }`. */
  query?: Readonly<Record<string, string | readonly string[]>>;
}

export interface EventsOptions {
  /** The id of the last event already processed; absent = from the oldest retained event. */
  startingAfter?: string;
  /** Events a page (default 1,000). */
  limit?: number;
  /** `record_type` filters, e.g. `['users', 'sections']`. */
  recordTypes?: readonly string[];
}

/** One page of a list: its URL as shown in errors (no secrets) and its envelope items as sent. */
export interface CleverPage {
  url: string;
  entries: unknown[];
}

const RESOURCE_PATH = /^\/?[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/;
const VERSIONED = /^\/?v\d+\.\d+\//;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * A client of Clever's Data API v3.0/v3.1 and Events API for one district-app token. Lists are
 * walked page by page (only the current page is held), following the relative `next` links
 * Clever sends. Every request goes through {@link HttpTransport}: rate limit, retries, timeouts and
 * the mapping of failures to CleverTokenRejected, CleverRequestFailed, CleverBadResponse and
 * CleverUnavailable.
 */
export class CleverApiClient {
  /** The base URL as it may be shown (no credentials). */
  readonly baseUrl: string;
  readonly version: CleverApiVersion;
  private readonly base: URL;
  private readonly http: HttpTransport;

  constructor(options: CleverApiClientOptions) {
    if (typeof options.token !== 'string' || !/^[\x21-\x7e]+$/.test(options.token)) {
      // Never quote the value: it is (nearly) a secret.
      throw new RangeError('the Clever token must be a non-empty string of printable ASCII without spaces');
    }
    this.base = parseBaseUrl(options.baseUrl ?? DEFAULT_CLEVER_BASE_URL);
    this.baseUrl = displayUrl(this.base).replace(/\/$/, '');
    this.version = options.version ?? 'v3.0';
    if (this.version !== 'v3.0' && this.version !== 'v3.1') throw new RangeError(`version must be v3.0 or v3.1, got ${String(this.version)}`);
    const timeoutMs = options.timeoutMs ?? 60_000;
    if (!Number.isInteger(timeoutMs) || timeoutMs < 1) throw new RangeError(`timeoutMs must be a positive integer, got ${timeoutMs}`);
    const timing = {
      now: options.now ?? systemTiming.now,
      sleep: options.sleep ?? systemTiming.sleep,
      random: options.random ?? systemTiming.random,
    };
    this.http = new HttpTransport(options.token, {
      timeoutMs,
      policy: retryPolicy(options),
      timing,
      limiter: options.rateLimiter ?? new RateLimiter(timing, options),
      fetch: options.fetch ?? globalThis.fetch,
      ...(options.onWait ? { onWait: options.onWait } : {}),
      ...(options.tokenFrom ? { tokenFrom: options.tokenFrom } : {}),
    });
  }

  /**
   * One object, e.g. `get('/districts/5a0c…')` (a `uri` from an envelope item works too).
   * @throws CleverRequestFailed with `status` 404 when the object is deleted or no longer shared (Clever cannot tell which).
   */
  async get(path: string): Promise<Record<string, unknown>> {
    const url = this.url(path);
    return readObjectEnvelope(await this.http.getJson(url), this.http.show(url));
  }

  /**
   * The pages of a list endpoint (`users`, `sections`, `schools/<id>/users`, ...) in Clever's
   * order (ascending id), each fetched only when the previous one has been consumed. Ends at the
   * first page without a `next` link (or whose `next` is itself, empty). An empty page with a
   * `next` link elsewhere is followed: ending there would take every record of the pages after it
   * for removed. A page Clever refuses as too large (HTTP 413) is asked for again half as large,
   * and so are the pages after it.
   */
  async *pages(resource: string, options: ListOptions = {}): AsyncGenerator<CleverPage> {
    const limit = options.limit ?? MAX_PAGE_LIMIT;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_LIMIT) {
      throw new RangeError(`limit must be an integer from 1 to ${MAX_PAGE_LIMIT}, got ${limit}`);
    }
    let url: URL | undefined = this.url(resource, { limit: String(limit), ...options.query });
    /** The page size after Clever refused a larger one (413), kept for the pages after it. */
    let lowered: number | undefined;
    /** The pages read, by their address without its page size: a `next` link back to one would read the same pages for ever. */
    const read = new Set<string>();
    while (url !== undefined) {
      if (lowered !== undefined && Number(url.searchParams.get('limit')) > lowered) url.searchParams.set('limit', String(lowered));
      const shown = this.http.show(url);
      let body: unknown;
      try {
        body = await this.http.getJson(url);
      } catch (error) {
        // a page larger than Clever serves (its events' maximum is not documented): the same page, half as large
        const asked = Number(url.searchParams.get('limit'));
        if (!(error instanceof CleverRequestFailed && error.status === 413 && asked > 1)) throw error;
        lowered = Math.floor(asked / 2);
        continue;
      }
      const { entries, next, linked } = readListEnvelope(body, shown);
      // Clever sends them on every page: without them, nothing says whether more pages follow, and
      // taking the page for the last would take the records of any after it for removed
      if (!linked) throw new CleverBadResponse(shown, 'the page has no "links", so whether more pages follow cannot be told');
      read.add(pageKey(url));
      yield { url: shown, entries };
      if (next === undefined) return;
      const following = this.resolveLink(next, shown);
      if (pageKey(following) === pageKey(url)) {
        // nothing on it and nothing after it: the end, however the link is put (its size too)
        if (entries.length === 0) return;
        throw new CleverBadResponse(shown, 'the "next" link points back to the same page');
      }
      // (an events walk passes over the events it has read already, so it would never end)
      if (read.has(pageKey(following))) {
        throw new CleverBadResponse(shown, `the "next" link points back to a page read before (${this.http.show(following)}): following it would read the same pages for ever`);
      }
      url = following;
    }
  }

  /** The objects of a list endpoint, one at a time (see {@link pages}). @throws CleverBadResponse for an item that is not `{"data": {...}}`. */
  async *list(resource: string, options: ListOptions = {}): AsyncGenerator<Record<string, unknown>> {
    for await (const page of this.pages(resource, options)) {
      for (const [index, entry] of page.entries.entries()) {
        const item = unwrapEntry(entry);
        if ('problem' in item) throw new CleverBadResponse(page.url, `item #${index + 1}: ${item.problem}`);
        yield item.object;
      }
    }
  }

  /**
   * Events after `startingAfter`, oldest first, across pages.
   * @throws InvalidInput (naming the page and index) for an event without id, type or data.object.
   */
  async *events(options: EventsOptions = {}): AsyncGenerator<CleverEvent> {
    const query: Record<string, string | readonly string[]> = {};
    if (options.startingAfter !== undefined) query['starting_after'] = options.startingAfter;
    if (options.recordTypes !== undefined) query['record_type'] = options.recordTypes;
    for await (const page of this.pages('events', { limit: options.limit ?? DEFAULT_EVENTS_LIMIT, query })) {
      for (const [index, entry] of page.entries.entries()) {
        const item = unwrapEntry(entry);
        if ('problem' in item) throw new CleverBadResponse(page.url, `item #${index + 1}: ${item.problem}`);
        yield readCleverEvent(item.object, page.url, index);
      }
    }
  }

  /**
   * The newest event's id, or null when the feed is empty: the cursor to store before a full sync.
   * Uses `GET /events?ending_before=last&limit=1`, which public Clever client libraries use but
   * Clever does not document for v3 (an inference to confirm in a sandbox district; if Clever
   * rejects it, walk `events()` to the end instead).
   */
  async latestEventId(): Promise<string | null> {
    const url = this.url('events', { ending_before: 'last', limit: '1' });
    const shown = this.http.show(url);
    const { entries } = readListEnvelope(await this.http.getJson(url), shown);
    const last = entries.at(-1);
    if (last === undefined) return null;
    const item = unwrapEntry(last);
    if ('problem' in item) throw new CleverBadResponse(shown, item.problem);
    const id = item.object['id'];
    if (typeof id !== 'string' || id === '') throw new CleverBadResponse(shown, 'the newest event has no id');
    // held to an events page's rule: stored as the cursor, an id of another form would be refused by
    // the next events sync, which would fall back to a full sync that stored it again, every time;
    // refused here, the full sync still runs and says it set no cursor, and why
    const notId = notEventIdProblem(id);
    if (notId !== null) throw new CleverBadResponse(shown, `the newest event's id: ${notId}`);
    return id;
  }

  private url(path: string, query: Readonly<Record<string, string | readonly string[]>> = {}): URL {
    if (!RESOURCE_PATH.test(path.replace(VERSIONED, '/'))) throw new RangeError(`not a Clever API path: ${JSON.stringify(path)}`);
    const relative = VERSIONED.test(path) ? path.replace(/^\/?/, '/') : `/${this.version}/${path.replace(/^\//, '')}`;
    const url = new URL(this.basePath() + relative, this.base.origin);
    for (const [name, value] of Object.entries(query)) {
      for (const one of typeof value === 'string' ? [value] : value) url.searchParams.append(name, one);
    }
    return url;
  }

  /**
   * Clever's links are relative to the API host (`/v3.0/users?starting_after=…`). A base URL with a
   * path (a gateway) keeps its path in front. A link to another host is refused: the token would
   * follow it.
   */
  private resolveLink(uri: string, page: string): URL {
    if (uri.startsWith('/') && !uri.startsWith('//')) return new URL(this.basePath() + uri, this.base.origin);
    let absolute: URL;
    try {
      absolute = new URL(uri);
    } catch {
      throw new CleverBadResponse(page, 'the "next" link is neither a relative path nor a URL');
    }
    if (absolute.origin !== this.base.origin) throw new CleverBadResponse(page, `the "next" link leads to another host (${absolute.host}); not followed`);
    return absolute;
  }

  private basePath(): string {
    return this.base.pathname.replace(/\/$/, '');
  }
}

function parseBaseUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new RangeError('baseUrl is not a URL');
  }
  const shown = displayUrl(url);
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw new RangeError(`baseUrl must have no credentials, query or fragment: ${shown}`);
  }
  // A bearer token must not cross the network in clear text.
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
    throw new RangeError(`baseUrl must be https (plain http only for a loopback host): ${shown}`);
  }
  return url;
}

/** A page's address without its page size (`limit`), which names the same records from the same place. */
function pageKey(url: URL): string {
  const key = new URL(url.href);
  key.searchParams.delete('limit');
  return key.href;
}
