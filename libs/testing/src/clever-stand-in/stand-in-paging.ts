import type { Json } from './stand-in-data';

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 10_000;

export type PageAnswer = { status: 200; body: { data: { data: Json; uri: string }[]; links: { rel: string; uri: string }[] } } | { status: 400 | 413; body: { message: string } };

/**
 * One page of `objects` (sorted by id) the way Clever pages: `limit` (default 100, max 10,000,
 * 413 above), `starting_after=<id>`, `ending_before=<id>|last`; relative `self`, `next` and `prev`
 * links that keep the other query parameters.
 */
export function pageOf(objects: readonly Json[], pathname: string, query: URLSearchParams): PageAnswer {
  const limitText = query.get('limit');
  const limit = limitText === null ? DEFAULT_LIMIT : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1) return { status: 400, body: { message: `invalid limit: ${limitText}` } };
  if (limit > MAX_LIMIT) return { status: 413, body: { message: 'Request entity too large: limit must be at most 10000' } };

  const after = query.get('starting_after');
  const before = query.get('ending_before');
  const ids = objects.map((object) => String(object['id']));
  let start: number;
  let end: number;
  if (after !== null) {
    start = firstIndexAbove(ids, after);
    end = Math.min(ids.length, start + limit);
  } else if (before !== null) {
    end = before === 'last' ? ids.length : firstIndexAtOrAbove(ids, before);
    start = Math.max(0, end - limit);
  } else {
    start = 0;
    end = Math.min(ids.length, limit);
  }

  const link = (rel: string, cursor?: [string, string]) => {
    const params = new URLSearchParams(query);
    params.delete('starting_after');
    params.delete('ending_before');
    params.set('limit', String(limit));
    if (cursor) params.set(cursor[0], cursor[1]);
    return { rel, uri: `${pathname}?${params.toString()}` };
  };
  const links = [{ rel: 'self', uri: `${pathname}${query.size > 0 ? `?${query.toString()}` : ''}` }];
  const page = objects.slice(start, end);
  if (end < ids.length && page.length > 0) links.push(link('next', ['starting_after', ids[end - 1]!]));
  // An empty page after the end still links back (observed on Clever's events feed).
  const prevCursor = page.length > 0 ? ids[start] : after;
  if ((start > 0 || page.length === 0) && prevCursor != null) links.push(link('prev', ['ending_before', prevCursor]));
  return { status: 200, body: { data: page.map((data) => ({ data, uri: `${pathname}/${String(data['id'])}` })), links } };
}

function firstIndexAbove(ids: readonly string[], id: string): number {
  const at = ids.findIndex((candidate) => candidate > id);
  return at === -1 ? ids.length : at;
}

function firstIndexAtOrAbove(ids: readonly string[], id: string): number {
  const at = ids.findIndex((candidate) => candidate >= id);
  return at === -1 ? ids.length : at;
}
