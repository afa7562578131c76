import { InvalidInput } from '@roster-ledger/domain';
import type { FieldValue, Fields, InputLocation, RecordParts } from '@roster-ledger/domain';

/** The record being normalized: where it came from, and the unknown enum values found in it. */
export class RecordContext {
  private readonly unknown = new Set<string>();

  /**
   * @param readAt the API version the record was answered at (`v3.0`), when it is known: a
   * record of a file without it (a plain array) may be of any version.
   */
  constructor(
    private location: InputLocation,
    readonly readAt?: string,
  ) {}

  get origin(): InputLocation {
    return this.location;
  }

  /** Once the id is known, every error names it. */
  identify(recordId: string): void {
    this.location = { ...this.location, recordId };
  }

  /** The error to throw for a value that breaks a rule. */
  error(field: string, rule: string): InvalidInput {
    return new InvalidInput(rule, { ...this.location, field });
  }

  unknownValue(label: string): void {
    this.unknown.add(label);
  }

  unknownValues(): string[] {
    return [...this.unknown].sort();
  }
}

/**
 * Where a value sits: `path` is its place in the Clever record (`roles.student.gender`, named in
 * errors), `label` its name in unknown-value reports (`student.gender`).
 */
export interface ValueAt {
  ctx: RecordContext;
  path: string;
  label: string;
  /** How many objects and arrays enclose the value within its record (0 or absent: the record's own keys). */
  depth?: number;
}

/**
 * How deep objects and arrays may nest in a record's free-form data (`ext`, keys Clever did not
 * document). Clever's own records nest a few levels; a record nested thousands deep would overflow
 * the stack of every recursive reader and writer after this one (JSON.stringify among them) and
 * fail its sync with no word of where.
 */
export const MAX_NESTING = 64;

/** Reads one Clever value into a field value; undefined means "no value": the key is left out. */
export type ValueReader = (value: unknown, at: ValueAt) => FieldValue | undefined;

/** What goes where for one kind of record (or one role); keys in neither list are personal. */
export interface PartsSpec {
  fields: Readonly<Record<string, ValueReader>>;
  personal: Readonly<Record<string, ValueReader>>;
  /** Keys read elsewhere (id, district, ...) or deliberately dropped. */
  skip?: readonly string[];
}

/**
 * Refuses a record of a kind Clever always names (a school, a section, a district) whose `name` is
 * absent: read as none, it would erase the name the ledger holds, with no sign that anything was
 * left out of the file. An empty name is refused too, unless `emptyTaken` (a section's: see
 * mapSection), as Clever's API guarantees each of them one. (A term's or course's name, and a
 * person's name parts, are not guaranteed: Clever may send them empty, and they are read as none.)
 */
export function refuseMissingName(raw: Record<string, unknown>, ctx: RecordContext, kind: string, emptyTaken = false): void {
  const name = raw['name'];
  if (name === undefined || name === null) throw ctx.error('name', `record has no name (Clever gives every ${kind} one)`);
  if (name === '' && !emptyTaken) throw ctx.error('name', `record's name is empty (Clever gives every ${kind} one)`);
}

/** `""`, null and absent all mean "no value" in Clever payloads. */
export function isNoValue(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}

export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function child(at: ValueAt, key: string): ValueAt {
  return { ctx: at.ctx, path: at.path ? `${at.path}.${key}` : key, label: `${at.label}.${key}`, depth: (at.depth ?? 0) + 1 };
}

function item(at: ValueAt, index: number): ValueAt {
  return { ctx: at.ctx, path: `${at.path}[${index}]`, label: at.label, depth: (at.depth ?? 0) + 1 };
}

const tooDeep = (at: ValueAt, path: string) => at.ctx.error(path, `objects and arrays nest more than ${MAX_NESTING} levels deep here (a record may nest them at most ${MAX_NESTING} deep)`);

/**
 * Checks a value kept as it is (an array inside an array of free-form data) without recursion:
 * throws naming the first place its objects and arrays nest deeper than MAX_NESTING in the record,
 * or holding a number that cannot be kept as sent (see checkExactNumber).
 */
function checkNestingWithin(value: unknown, at: ValueAt): void {
  const pending: [unknown, string, number][] = [[value, at.path, at.depth ?? 0]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [v, path, depth] = next;
    if (typeof v === 'number') checkExactNumber(v, { ...at, path });
    if (typeof v !== 'object' || v === null) continue;
    if (depth > MAX_NESTING) throw tooDeep(at, path);
    if (Array.isArray(v)) v.forEach((entry: unknown, index) => pending.push([entry, `${path}[${index}]`, depth + 1]));
    else for (const key of Object.keys(v)) pending.push([(v as Record<string, unknown>)[key], `${path}.${key}`, depth + 1]);
  }
}

/** Sets a key on a plain object; `__proto__` from the input stays an ordinary key. */
export function put(target: Fields, key: string, value: FieldValue): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

export const text: ValueReader = (value, at) => {
  if (isNoValue(value)) return undefined;
  if (typeof value !== 'string') throw at.ctx.error(at.path, `expected a string, got ${typeName(value)}`);
  return value;
};

/** A validated Clever enumeration: an unknown value is kept as it is and reported, never fatal. */
export function oneOf(values: ReadonlySet<string>): ValueReader {
  return (value, at) => {
    const read = text(value, at);
    if (typeof read === 'string' && !values.has(read)) at.ctx.unknownValue(at.label);
    return read;
  };
}

export const flag: ValueReader = (value, at) => {
  if (isNoValue(value)) return undefined;
  if (typeof value !== 'boolean') throw at.ctx.error(at.path, `expected true or false, got ${typeName(value)}`);
  return value;
};

/** An array of strings (ids, login methods); `""` and null items are dropped. */
export const textList: ValueReader = (value, at) => readTextList(value, at);

export function readTextList(value: unknown, at: ValueAt): string[] | undefined {
  if (isNoValue(value)) return undefined;
  if (!Array.isArray(value)) throw at.ctx.error(at.path, `expected an array of strings, got ${typeName(value)}`);
  const out: string[] = [];
  value.forEach((entry: unknown, index) => {
    if (isNoValue(entry)) return;
    if (typeof entry !== 'string') throw at.ctx.error(item(at, index).path, `expected a string, got ${typeName(entry)}`);
    out.push(entry);
  });
  return out;
}

/** An array whose items are read by `reader`; items without a value are dropped. */
export function listOf(reader: ValueReader): ValueReader {
  return (value, at) => {
    if (isNoValue(value)) return undefined;
    if (!Array.isArray(value)) throw at.ctx.error(at.path, `expected an array, got ${typeName(value)}`);
    const out: FieldValue[] = [];
    value.forEach((entry: unknown, index) => {
      const read = reader(entry, item(at, index));
      if (read !== undefined) out.push(read);
    });
    return out;
  };
}

/**
 * A nested object with known keys; other keys are kept as free JSON. Keys without a value are
 * left out, and an object left empty is no value. Keys come out sorted, so the key order Clever
 * happens to send never shows as a change.
 */
export function objectOf(known: Readonly<Record<string, ValueReader>> = {}): ValueReader {
  return (value, at) => {
    if (isNoValue(value)) return undefined;
    if (!isPlainObject(value)) throw at.ctx.error(at.path, `expected an object, got ${typeName(value)}`);
    const out: Fields = {};
    for (const key of Object.keys(value).sort()) {
      const reader = Object.hasOwn(known, key) ? known[key] : anyJson;
      const read = (reader ?? anyJson)(value[key], child(at, key));
      if (read !== undefined) put(out, key, read);
    }
    return Object.keys(out).length > 0 ? out : undefined;
  };
}

/** Free-form JSON (`ext`, keys Clever did not document): kept, minus the keys without a value. */
export const anyJson: ValueReader = (value, at) => {
  if (isNoValue(value)) return undefined;
  if (Array.isArray(value)) {
    if ((at.depth ?? 0) > MAX_NESTING) throw tooDeep(at, at.path);
    return value.map((entry: unknown, index) => {
      if (isPlainObject(entry)) return anyJson(entry, item(at, index)) ?? {};
      // an array in an array is kept as it is, so it is checked as it is
      if (Array.isArray(entry)) checkNestingWithin(entry, item(at, index));
      if (typeof entry === 'number') checkExactNumber(entry, item(at, index));
      return entry as FieldValue;
    });
  }
  if (isPlainObject(value)) {
    if ((at.depth ?? 0) > MAX_NESTING) throw tooDeep(at, at.path);
    return objectOf()(value, at);
  }
  if (typeof value === 'number') checkExactNumber(value, at);
  return value as FieldValue;
};

/**
 * Refuses a number past a double's range (`1e400`): JSON.parse reads it as infinity, which is
 * written back as null, so it would be recorded as no value. (Digits past a double's 17 are not
 * seen here: the parsed value no longer tells which were sent. The README says to send such
 * values as strings.)
 */
function checkExactNumber(value: number, at: ValueAt): void {
  if (!Number.isFinite(value)) throw at.ctx.error(at.path, 'a number too large for JSON numbers (it reads as infinity): it cannot be recorded as sent; Clever should send it as a string');
}

/**
 * Splits a Clever object into fields and personal data. Keys the spec does not name go to
 * `personal`: unknown data is treated as personal, to be safe.
 */
export function splitParts(raw: Record<string, unknown>, spec: PartsSpec, at: ValueAt): RecordParts {
  const parts: RecordParts = { fields: {}, personal: {} };
  for (const key of Object.keys(raw).sort()) {
    if (spec.skip?.includes(key)) continue;
    const isField = Object.hasOwn(spec.fields, key);
    const reader = (isField ? spec.fields[key] : Object.hasOwn(spec.personal, key) ? spec.personal[key] : anyJson) ?? anyJson;
    const read = reader(raw[key], child(at, key));
    if (read !== undefined) put(isField ? parts.fields : parts.personal, key, read);
  }
  return parts;
}
