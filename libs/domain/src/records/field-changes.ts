import type { FieldChanges, FieldValue, Fields } from './fields';

function isPlainObject(value: FieldValue | undefined): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Structural equality of two field values (key order of objects does not matter). */
export function sameValue(a: FieldValue | undefined, b: FieldValue | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a === null || b === null) return false;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((item, i) => sameValue(item, b[i]));
  }
  if (isPlainObject(a)) {
    if (!isPlainObject(b)) return false;
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => sameValue(a[k], b[k]));
  }
  return false;
}

/**
 * A key as one segment of a dotted path: a dot or backslash in it is escaped with a backslash, so
 * that a key such as `ext: {"sis.code": 1}` (districts name their own extension fields) stays one
 * key (`ext.sis\.code`) instead of two (`ext.sis.code`). Keys without either are as they are.
 */
function pathSegment(key: string): string {
  return key.includes('.') || key.includes('\\') ? key.replace(/[\\.]/g, '\\$&') : key;
}

/** The keys a dotted path names, in order (the reverse of joining escaped segments with dots). */
export function pathKeys(path: string): string[] {
  if (!path.includes('\\')) return path.split('.');
  const keys: string[] = [];
  let key = '';
  for (let i = 0; i < path.length; i++) {
    const c = path[i]!;
    if (c === '\\' && i + 1 < path.length) key += path[++i];
    else if (c === '.') {
      keys.push(key);
      key = '';
    } else key += c;
  }
  keys.push(key);
  return keys;
}

/** The top-level field a dotted path starts with. */
export function topField(path: string): string {
  return pathKeys(path)[0]!;
}

/**
 * Field-level changes from one version of a record to the next, keyed by dotted path. Nested
 * objects are compared field by field (`name.first`, `location.zip`); arrays and scalars as whole
 * values (`schools`). An absent field reads as null. Keys come in a stable order: the new
 * record's keys first, then the ones it dropped. A dot or backslash in a key is escaped with a
 * backslash (see `pathKeys`).
 */
export function diffFields(before: Fields, after: Fields, prefix = ''): FieldChanges {
  const changes: FieldChanges = {};
  const keys = [...Object.keys(after), ...Object.keys(before).filter((k) => !(k in after))];
  for (const key of keys) {
    const from = before[key];
    const to = after[key];
    const path = prefix + pathSegment(key);
    if (sameValue(from, to)) continue;
    if ((isPlainObject(from) || from === undefined) && (isPlainObject(to) || to === undefined)) {
      Object.assign(changes, diffFields(from ?? {}, to ?? {}, `${path}.`));
    } else {
      changes[path] = { from: from ?? null, to: to ?? null };
    }
  }
  return changes;
}

/**
 * Applies field-level changes to a record, returning a new record. A change to null removes the
 * field, and objects it leaves empty, so that applying a diff gives back exactly the new record.
 */
export function applyFieldChanges(record: Fields, changes: FieldChanges): Fields {
  const result = structuredClone(record);
  for (const [path, change] of Object.entries(changes)) {
    setPath(result, pathKeys(path), change.to);
  }
  return result;
}

function setPath(target: Fields, path: string[], value: FieldValue): void {
  const [head, ...rest] = path;
  if (head === undefined) return;
  if (rest.length === 0) {
    if (value === null) delete target[head];
    else target[head] = structuredClone(value);
    return;
  }
  const child = target[head];
  const next: Fields = isPlainObject(child) ? child : {};
  setPath(next, rest, value);
  if (Object.keys(next).length === 0) delete target[head];
  else target[head] = next;
}

/** Splits changes in two by the top-level field each path starts with. */
export function partitionChanges(
  changes: FieldChanges,
  belongsToFirst: (topField: string) => boolean,
): [FieldChanges, FieldChanges] {
  const first: FieldChanges = {};
  const second: FieldChanges = {};
  for (const [path, change] of Object.entries(changes)) {
    (belongsToFirst(topField(path)) ? first : second)[path] = change;
  }
  return [first, second];
}

export function isEmpty(changes: FieldChanges): boolean {
  for (const _ in changes) return false;
  return true;
}
