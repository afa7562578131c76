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
 * Field-level changes from one version of a record to the next, keyed by dotted path. Nested
 * objects are compared field by field (`name.first`, `location.zip`); arrays and scalars as whole
 * values (`schools`). An absent field reads as null. Keys come in a stable order: the new
 * record's keys first, then the ones it dropped.
 */
export function diffFields(before: Fields, after: Fields, prefix = ''): FieldChanges {
  const changes: FieldChanges = {};
  const keys = [...Object.keys(after), ...Object.keys(before).filter((k) => !(k in after))];
  for (const key of keys) {
    const from = before[key];
    const to = after[key];
    const path = prefix + key;
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
    setPath(result, path.split('.'), change.to);
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
    const top = path.split('.', 1)[0] ?? path;
    (belongsToFirst(top) ? first : second)[path] = change;
  }
  return [first, second];
}

export function isEmpty(changes: FieldChanges): boolean {
  for (const _ in changes) return false;
  return true;
}
