import { CleverBadResponse } from './clever-api-errors';
import { isPlainObject } from '../field-readers';

/** One page of a list: `entries` are the envelope's items (`{"data": {...}, "uri": "..."}`) as sent. */
export interface ListEnvelope {
  entries: unknown[];
  /** Whether the page has `links` at all: a walk of pages cannot tell without them whether more follow. */
  linked: boolean;
  /** The `rel: "next"` link's URI as sent (relative to the API host), when there is one. */
  next?: string;
}

/** `{"data": [...], "links": [...]}`. @throws CleverBadResponse naming `url` for any other shape (`links` may be left out: see `linked`). */
export function readListEnvelope(body: unknown, url: string): ListEnvelope {
  if (!isPlainObject(body) || !Array.isArray(body['data'])) {
    throw new CleverBadResponse(url, 'expected a list envelope {"data": [...], "links": [...]}');
  }
  const links = body['links'];
  if (links !== undefined && !Array.isArray(links)) throw new CleverBadResponse(url, '"links" is not an array');
  const linked = links !== undefined;
  const next = (links ?? []).find((link): link is { rel: string; uri: string } => isPlainObject(link) && link['rel'] === 'next');
  if (next !== undefined && typeof next.uri !== 'string') throw new CleverBadResponse(url, 'the "next" link has no uri');
  return next === undefined ? { entries: body['data'], linked } : { entries: body['data'], linked, next: next.uri };
}

/** `{"data": {...}}` of a single-object endpoint. @throws CleverBadResponse naming `url` for any other shape. */
export function readObjectEnvelope(body: unknown, url: string): Record<string, unknown> {
  if (!isPlainObject(body) || !isPlainObject(body['data'])) throw new CleverBadResponse(url, 'expected an object envelope {"data": {...}}');
  return body['data'];
}

/** The object inside a list item, or what is wrong with the item (for the caller's own error). */
export function unwrapEntry(entry: unknown): { object: Record<string, unknown> } | { problem: string } {
  if (!isPlainObject(entry)) return { problem: `expected an envelope item {"data": {...}}, got ${describe(entry)}` };
  const object = entry['data'];
  if (!isPlainObject(object)) return { problem: `expected the envelope item's "data" to be an object, got ${describe(object)}` };
  return { object };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value === undefined) return 'nothing';
  return `a ${typeof value}`;
}
