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
    return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && sameValue(a[k], b[k]));
  }
  return false;
}

/**
 * A key as one segment of a dotted path. A key holding a dot (districts name their own extension
 * fields: `ext: {"sis.code": 1}`) has its dots and backslashes escaped with a backslash, so that
 * it stays one key (`ext.sis\.code`) instead of two (`ext.sis.code`). Other keys are as they are,
 * so paths written before keys were escaped read as they always did (none holds `\.`, but after
 * a key ending in a backslash).
 */
function pathSegment(key: string): string {
  return key.includes('.') ? key.replace(/[\\.]/g, '\\$&') : key;
}

/**
 * The keys a dotted path names, in order (the reverse of joining path segments with dots). Only a
 * path holding an escaped dot is unescaped; in one, a key without a dot but with two backslashes
 * in a row would read as one: no such key is known.
 */
export function pathKeys(path: string): string[] {
  if (!path.includes('\\.')) return path.split('.');
  const keys: string[] = [];
  let key = '';
  for (let i = 0; i < path.length; i++) {
    const c = path[i]!;
    const next = path[i + 1];
    if (c === '\\' && (next === '.' || next === '\\')) {
      key += next;
      i++;
    } else if (c === '.') {
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
 * record's keys first, then the ones it dropped. A key holding a dot is escaped (see
 * `pathSegment`).
 *
 * `unordered`: top-level fields whose arrays are sets, whose order means nothing (a user's
 * `schools`): the same members in another order is no change.
 */
export function diffFields(before: Fields, after: Fields, options: { unordered?: ReadonlySet<string> } = {}): FieldChanges {
  const unordered = options.unordered;
  if (unordered === undefined || unordered.size === 0) return diffFieldsUnder(before, after, '');
  let same: Fields | undefined;
  for (const key of unordered) {
    const from = Object.hasOwn(before, key) ? before[key] : undefined;
    const to = Object.hasOwn(after, key) ? after[key] : undefined;
    if (!sameValue(from, to) && sameMembers(from, to)) (same ??= { ...after })[key] = from!;
  }
  return diffFieldsUnder(before, same ?? after, '');
}

/** Two arrays of the same members, each as often, in any order. */
function sameMembers(a: FieldValue | undefined, b: FieldValue | undefined): boolean {
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
  const left = a.map((v) => JSON.stringify(v)).sort();
  const right = b.map((v) => JSON.stringify(v)).sort();
  return left.every((v, i) => v === right[i]);
}

function diffFieldsUnder(before: Fields, after: Fields, prefix: string): FieldChanges {
  const changes: FieldChanges = {};
  const keys = [...Object.keys(after), ...Object.keys(before).filter((k) => !Object.hasOwn(after, k))];
  for (const key of keys) {
    // own properties only: a key such as `__proto__` is a key like any other
    const from = Object.hasOwn(before, key) ? before[key] : undefined;
    const to = Object.hasOwn(after, key) ? after[key] : undefined;
    const path = prefix + pathSegment(key);
    if (sameValue(from, to)) continue;
    if ((isPlainObject(from) || from === undefined) && (isPlainObject(to) || to === undefined)) {
      Object.assign(changes, diffFieldsUnder(from ?? {}, to ?? {}, `${path}.`));
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
  // the objects removals may have left empty, each looked at once when all is applied: looked at
  // after each removal, a record's `ext` of 20,000 keys changed took minutes (each look counts its keys)
  const emptied = new Map<string, string[]>();
  for (const [path, change] of Object.entries(changes)) {
    const keys = pathKeys(path);
    if (change.to !== null) {
      setPath(result, keys, change.to);
      continue;
    }
    removePath(result, keys);
    for (let depth = keys.length - 1; depth > 0; depth--) emptied.set(JSON.stringify(keys.slice(0, depth)), keys.slice(0, depth));
  }
  // deepest first, so that an object holding only emptied objects is emptied in turn
  for (const keys of [...emptied.values()].sort((a, b) => b.length - a.length)) removeIfEmpty(result, keys);
  return result;
}

/**
 * Own properties only, set as data properties: a key such as `__proto__`, which the Clever mapping
 * keeps as a key like any other, must neither read nor replace an object's prototype. An object on
 * the way that is missing, or is no object, is made an empty one.
 */
function setPath(target: Fields, path: readonly string[], value: FieldValue): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const child = Object.hasOwn(node, key) ? node[key] : undefined;
    if (isPlainObject(child)) node = child;
    else {
      const made: Fields = {};
      setOwn(node, key, made);
      node = made;
    }
  }
  setOwn(node, path.at(-1)!, structuredClone(value));
}

/** Removes the field at `path` (own properties only), if there is one. */
function removePath(target: Fields, path: readonly string[]): void {
  const parent = objectAt(target, path.slice(0, -1));
  if (parent !== undefined) delete parent[path.at(-1)!];
}

/** Removes the object at `path` when it holds nothing (own properties only). */
function removeIfEmpty(target: Fields, path: readonly string[]): void {
  const parent = objectAt(target, path.slice(0, -1));
  const key = path.at(-1)!;
  const child = parent !== undefined && Object.hasOwn(parent, key) ? parent[key] : undefined;
  if (isPlainObject(child) && Object.keys(child).length === 0) delete parent![key];
}

/** The object at `path` (own properties only), or undefined when there is none. */
function objectAt(target: Fields, path: readonly string[]): Fields | undefined {
  let node: Fields = target;
  for (const key of path) {
    const child = Object.hasOwn(node, key) ? node[key] : undefined;
    if (!isPlainObject(child)) return undefined;
    node = child;
  }
  return node;
}

/** The value at a dotted path (own properties only), or undefined when there is none. */
export function valueAt(fields: Fields, path: string): FieldValue | undefined {
  let value: FieldValue | undefined = fields;
  for (const key of pathKeys(path)) {
    if (!isPlainObject(value) || !Object.hasOwn(value, key)) return undefined;
    value = value[key];
  }
  return value;
}

/** Sets a key as the object's own data property, whatever its name (`__proto__` included). */
export function setOwn(target: Fields, key: string, value: FieldValue): void {
  // `__proto__` is the one accessor a plain object inherits: assigning it would set the prototype.
  // Any other name is assigned as an own, writable, enumerable property, at a fraction of
  // defineProperty's cost (a million students' states fold tens of millions of fields).
  if (key === '__proto__') Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  else target[key] = value;
}

/**
 * `{ ...first, ...second }`, built by assignment: the spread took 8 µs a user in a diff (its
 * objects' shapes vary from record to record, which sends V8's spread down its slow path): 15 s of
 * a million students' first import. Same keys, same order, the second's values winning.
 */
export function mergedFields(first: Fields, second: Fields): Fields {
  const merged: Fields = {};
  for (const key of Object.keys(first)) setOwn(merged, key, first[key]!);
  for (const key of Object.keys(second)) setOwn(merged, key, second[key]!);
  return merged;
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
