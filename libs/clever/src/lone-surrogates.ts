import { isPlainObject, MAX_NESTING } from './field-readers';
import type { RecordContext } from './field-readers';

/** Any UTF-16 surrogate: most text holds none, so most strings are settled by this test alone. */
const ANY_SURROGATE = /[\ud800-\udfff]/;
/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Whether a string holds half of a UTF-16 surrogate pair alone (`"\ud800"` in JSON). JSON.parse
 * takes such an escape, but the string is not Unicode text: a strict JSON reader refuses it, and
 * UTF-8 cannot encode it.
 */
export function hasLoneSurrogate(text: string): boolean {
  return ANY_SURROGATE.test(text) && LONE_SURROGATE.test(text);
}

export const LONE_SURROGATE_RULE = 'the text holds a lone UTF-16 surrogate (a "\\ud800"-style escape without its pair): it is not valid Unicode';

/**
 * Refuses a Clever record holding a lone surrogate in any string, value or key, at any depth:
 * recorded, it would break every strict JSON reader of the events and the API that shows it
 * (`roster-ledger events --json` among them). One walk of the record as parsed covers every field
 * of every kind, from files, API pages and events alike. The error names the field by its path; a
 * key is named by the object holding it, since the key itself cannot be shown.
 */
export function refuseLoneSurrogates(raw: Record<string, unknown>, ctx: RecordContext): void {
  // it runs for every record: the walk that finds one builds no paths, and the rare record that
  // holds one is walked again to name where
  if (!holdsLoneSurrogate(raw)) return;
  const pending: [unknown, string, number][] = [[raw, '', 0]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [value, path, depth] = next;
    if (typeof value === 'string') {
      if (hasLoneSurrogate(value)) throw ctx.error(path, LONE_SURROGATE_RULE);
    } else if (depth > WALKED_DEPTH) {
      continue;
    } else if (Array.isArray(value)) {
      value.forEach((entry: unknown, index) => pending.push([entry, `${path}[${index}]`, depth + 1]));
    } else if (isPlainObject(value)) {
      for (const key of Object.keys(value)) {
        if (hasLoneSurrogate(key)) throw ctx.error(path === '' ? '(a key of the record)' : `(a key of ${path})`, LONE_SURROGATE_RULE);
        pending.push([value[key], path === '' ? key : `${path}.${key}`, depth + 1]);
      }
    }
  }
}

/** How deep the walk goes: one level past what the field readers take, whichever level they count from. */
const WALKED_DEPTH = MAX_NESTING + 1;

/**
 * Whether any string or key within `value`, at most WALKED_DEPTH objects and arrays deep, holds a
 * lone surrogate. Deeper, a record is refused by the field readers, with its own reason (and a
 * path to show that stays short).
 */
function holdsLoneSurrogate(value: unknown): boolean {
  const pending: [unknown, number][] = [[value, 0]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [item, depth] = next;
    if (typeof item === 'string') {
      if (hasLoneSurrogate(item)) return true;
    } else if (depth > WALKED_DEPTH) {
      continue;
    } else if (Array.isArray(item)) {
      for (const entry of item) pending.push([entry, depth + 1]);
    } else if (isPlainObject(item)) {
      for (const key of Object.keys(item)) {
        if (hasLoneSurrogate(key)) return true;
        pending.push([item[key], depth + 1]);
      }
    }
  }
  return false;
}
