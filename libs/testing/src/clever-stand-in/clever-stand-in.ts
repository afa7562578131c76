import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CLEVER_DEMO_FOLDER } from '../fixtures/clever-demo';
import { loadSnapshotFolder, sortById, STAND_IN_RESOURCES } from './stand-in-data';
import type { Json, StandInResource } from './stand-in-data';
import { pageOf } from './stand-in-paging';

export interface CleverStandInOptions {
  /** Snapshot folder to serve (default: Clever's demo district fixtures). Missing files are empty lists. */
  folder?: string;
  /** The only bearer token accepted (default `stand-in-token-0123456789abcdef`). */
  token?: string;
  /** Requests a minute before a real 429 (default 1,200, Clever's limit). */
  rateLimit?: number;
  /** The stand-in's clock in ms: share a fake one with the client to test rate-limit waits. */
  now?: () => number;
}

/** A request as received: `path` with its query, header names in lower case. */
export interface StandInRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  /** What the stand-in answered (`'dropped'` for a destroyed connection, undefined while pending). */
  status?: number | 'dropped';
}

export interface StandInFault {
  /** Matched against the path with its query; every request when absent. */
  path?: RegExp;
  /** An HTTP status, or `'drop'` to destroy the connection without an answer (a connection reset). */
  status: number | 'drop';
  /** How many matching requests fail (default 1). */
  times?: number;
  /** Extra response headers, e.g. `{ 'X-Ratelimit-Reset': '…' }` or `{ 'Retry-After': '3' }`. */
  headers?: Record<string, string>;
  /** Response body (JSON), default `{"message": "stand-in fault <status>"}`; a string is sent as text/plain. */
  body?: unknown;
}

export interface StandInEvent {
  id: string;
  type: string;
  created: string;
  data: { object: Json; previous_attributes?: Json };
}

const VERSIONS = new Set(['v3.0', 'v3.1']);

/**
 * A local stand-in for Clever's Data and Events APIs (node:http on 127.0.0.1, ephemeral port) for
 * specs: serves a snapshot folder in Clever's envelope with its paging, checks the bearer token,
 * sends `X-Ratelimit-*` headers, and lets a spec inject faults, delays and HTML answers and
 * inspect every request. For specs only.
 */
export class CleverStandIn {
  readonly token: string;
  /** Every request received, in order. */
  readonly requests: StandInRequest[] = [];
  private readonly data: Map<string, Json[]>;
  private readonly events: StandInEvent[] = [];
  private readonly faults: (StandInFault & { left: number })[] = [];
  private readonly delays: { ms: number; left: number; path?: RegExp }[] = [];
  private readonly timers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  private readonly now: () => number;
  private readonly rateLimit: number;
  private html = 0;
  private window = { start: -1, count: 0 };
  private eventSeconds = 0;
  private eventCounter = 0;
  private server: Server | undefined;

  constructor(options: CleverStandInOptions = {}) {
    this.token = options.token ?? 'stand-in-token-0123456789abcdef';
    this.data = loadSnapshotFolder(options.folder ?? CLEVER_DEMO_FOLDER);
    this.now = options.now ?? Date.now;
    this.rateLimit = options.rateLimit ?? 1200;
  }

  /** Listens on 127.0.0.1 on a free port. @returns the base URL, e.g. `http://127.0.0.1:41234`. */
  async start(): Promise<string> {
    const server = createServer((req, res) => void this.handle(req, res));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return this.baseUrl;
  }

  get baseUrl(): string {
    if (this.server === undefined) throw new Error('the stand-in is not started');
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const pending of this.timers) {
      clearTimeout(pending.timer);
      pending.resolve();
    }
    this.timers.clear();
    const server = this.server;
    this.server = undefined;
    if (server === undefined) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }

  /** Replaces what a list resource serves (kept sorted by id), e.g. to serve a record of the wrong type. */
  setRecords(resource: StandInResource, objects: Json[]): void {
    this.data.set(resource, sortById(objects));
  }

  /**
   * Appends an event to the feed with the next ascending id (ObjectID-like: seconds, then a
   * counter), or with `id` as given (to put an event out of order).
   */
  pushEvent(event: { type: string; data: { object: Json; previous_attributes?: Json }; id?: string }): StandInEvent {
    this.eventSeconds = Math.max(this.eventSeconds, Math.floor(this.now() / 1000));
    this.eventCounter += 1;
    const id = event.id ?? this.eventSeconds.toString(16).padStart(8, '0') + this.eventCounter.toString(16).padStart(16, '0');
    const stored: StandInEvent = { id, type: event.type, created: new Date(this.now()).toISOString(), data: event.data };
    this.events.push(stored);
    return stored;
  }

  /**
   * Lists an event already in the feed once more, right after its first listing (Clever may serve
   * the same event twice); `at: 'end'` lists it again at the end of the feed instead, out of order.
   */
  repeatEvent(event: StandInEvent, at: 'next' | 'end' = 'next'): void {
    if (at === 'end') this.events.push(event);
    else this.events.splice(this.events.indexOf(event) + 1, 0, event);
  }

  /**
   * Drops the oldest `count` events (default: all of them), as Clever's 30-day retention does:
   * their ids are then unknown (`GET /events/<id>` answers 404) and no longer listed.
   */
  forgetEvents(count: number = this.events.length): void {
    this.events.splice(0, count);
  }

  /** The next `times` requests matching `path` fail with `status`. */
  fail(fault: StandInFault): void {
    this.faults.push({ ...fault, left: fault.times ?? 1 });
  }

  /** The next `times` (default 1) requests matching `path` are answered `ms` later. */
  delay(ms: number, options: { times?: number; path?: RegExp } = {}): void {
    this.delays.push({ ms, left: options.times ?? 1, ...(options.path ? { path: options.path } : {}) });
  }

  /** The next request gets a 200 HTML page, as Clever sends for a wrong token type. */
  htmlOnce(): void {
    this.html += 1;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = req.url ?? '/';
    const logged: StandInRequest = { method: req.method ?? 'GET', path, headers: headersOf(req) };
    this.requests.push(logged);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      logged.status = status;
      if (res.destroyed) return;
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      const type = typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8';
      res.writeHead(status, merge({ 'Content-Type': type, ...this.rateHeaders() }, headers));
      res.end(text);
    };

    const delay = take(this.delays, path);
    if (delay !== undefined) await this.sleep(delay.ms);
    if (this.server === undefined) return;

    this.count();
    const fault = take(this.faults, path);
    if (fault !== undefined) {
      if (fault.status === 'drop') {
        logged.status = 'dropped';
        req.socket.destroy();
        return;
      }
      send(fault.status, fault.body ?? { message: `stand-in fault ${fault.status}` }, fault.headers);
      return;
    }
    if (this.window.count > this.rateLimit) {
      send(429, { message: 'Too Many Requests: rate limit exceeded' });
      return;
    }
    if (this.html > 0) {
      this.html -= 1;
      logged.status = 200;
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', ...this.rateHeaders() });
      res.end('<!DOCTYPE html><html><head><title>Clever | Log in</title></head><body>Please log in</body></html>');
      return;
    }
    if (req.headers.authorization !== `Bearer ${this.token}`) {
      send(401, { message: 'Invalid authorization credentials' });
      return;
    }
    const answer = this.route(new URL(path, 'http://stand-in'));
    send(answer.status, answer.body);
  }

  private route(url: URL): { status: number; body: unknown } {
    const match = /^\/(v\d+\.\d+)\/([a-z_]+)(?:\/([^/]+))?\/?$/.exec(url.pathname);
    if (match === null || !VERSIONS.has(match[1]!)) return notFound();
    const [, version, resource, id] = match as unknown as [string, string, string, string | undefined];
    const objects = resource === 'events' ? this.eventList(url.searchParams) : this.list(resource, url.searchParams);
    if (objects === undefined) return notFound();
    if (id !== undefined) {
      const object = objects.find((candidate) => candidate['id'] === id);
      return object === undefined
        ? notFound()
        : { status: 200, body: { data: object, links: [{ rel: 'self', uri: `/${version}/${resource}/${id}` }] } };
    }
    return pageOf(objects, `/${version}/${resource}`, url.searchParams);
  }

  private list(resource: string, query: URLSearchParams): Json[] | undefined {
    if (!(resource in STAND_IN_RESOURCES)) return undefined;
    const objects = this.data.get(resource) ?? [];
    const role = query.get('role');
    if (resource !== 'users' || role === null) return objects;
    return objects.filter((user) => (user['roles'] as Json | undefined)?.[role] !== undefined);
  }

  private eventList(query: URLSearchParams): Json[] {
    const types = query.getAll('record_type');
    const events = this.events as unknown as Json[];
    return types.length === 0 ? events : events.filter((event) => types.includes(String(event['type']).split('.')[0] ?? ''));
  }

  /** Clever's fixed one-minute window. */
  private count(): void {
    const start = Math.floor(this.now() / 60_000) * 60_000;
    if (start !== this.window.start) this.window = { start, count: 0 };
    this.window.count += 1;
  }

  private rateHeaders(): Record<string, string> {
    return {
      'X-Ratelimit-Bucket': 'bearer',
      'X-Ratelimit-Limit': String(this.rateLimit),
      'X-Ratelimit-Remaining': String(Math.max(0, this.rateLimit - this.window.count)),
      'X-Ratelimit-Reset': String((this.window.start + 60_000) / 1000),
    };
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const pending = {
        timer: setTimeout(() => {
          this.timers.delete(pending);
          resolve();
        }, ms),
        resolve,
      };
      this.timers.add(pending);
    });
  }
}

function take<T extends { left: number; path?: RegExp }>(list: T[], path: string): T | undefined {
  const found = list.find((entry) => entry.left > 0 && (entry.path === undefined || entry.path.test(path)));
  if (found !== undefined) found.left -= 1;
  return found;
}

/** `extra` over `base`, header names compared case-insensitively (a fault's `x-ratelimit-reset` replaces the default). */
function merge(base: Record<string, string>, extra: Record<string, string>): Record<string, string> {
  const names = new Set(Object.keys(extra).map((name) => name.toLowerCase()));
  const kept = Object.entries(base).filter(([name]) => !names.has(name.toLowerCase()));
  return { ...Object.fromEntries(kept), ...extra };
}

function headersOf(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function notFound(): { status: number; body: unknown } {
  return { status: 404, body: { message: 'Resource not found' } };
}
