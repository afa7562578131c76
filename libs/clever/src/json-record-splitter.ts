import type { JsonRecord } from './json-envelope-parser';
import type { RecordUnit } from './record-fingerprint';
import { isPlainObject } from './field-readers';

/*
 * Where the splitter is in the envelope, outside the values handed to JSON.parse ("units").
 * The shapes are the ones EnvelopeParser reads: `[{...}, ...]` and `{"data": [{"data": {...}}, ...]}`.
 */
/** Before the first value: a UTF-8 BOM at the very start, whitespace. */
const START = 0;
/** `[` read at the top: a record or `]`. */
const ARRAY_FIRST = 1;
/** `,` read between records: a record. */
const ARRAY_NEXT = 2;
/** A record read: `,` or `]`. */
const ARRAY_AFTER = 3;
/** `{` read at the top: a key (an envelope without keys has no "data"). */
const OBJECT_FIRST = 4;
/** `,` read between the envelope's members: a key. */
const OBJECT_KEY = 5;
/** A key of the envelope read: `:`. */
const OBJECT_COLON = 6;
/** `:` read: the value of the envelope's key. */
const OBJECT_VALUE = 7;
/** A member of the envelope read: `,` or `}`. */
const OBJECT_AFTER = 8;
/** `"data": [` read: an item or `]`. */
const LIST_FIRST = 9;
/** `,` read between items: an item. */
const LIST_NEXT = 10;
/** An item read: `,` or `]`. */
const LIST_AFTER = 11;
/** The top-level value is complete: whitespace only. */
const DONE = 12;
/** Inside a unit. */
const IN_UNIT = 13;
/** The splitter gave up: it reads nothing more. */
const REJECTED = 14;

/* What a unit is. */
/** A record: an element of the top-level array. */
const RECORD = 0;
/** An item of the list envelope: its `data` object is the record. */
const ITEM = 1;
/** A key of the envelope. */
const KEY = 2;
/** The value of another key of the envelope (`links`, `count`...): checked, then dropped (see isNextPage). */
const OTHER = 3;

/* The grammar inside a unit. */
/** A value. */
const G_VALUE = 0;
/** `[` read: a value or `]`. */
const G_ARRAY_START = 1;
/** `{` read: a key or `}`. */
const G_OBJECT_START = 2;
/** `,` read in an object: a key. */
const G_KEY = 3;
/** A key read: `:`. */
const G_COLON = 4;
/** A value read: `,` or the closing bracket. */
const G_AFTER = 5;
/** Inside a string. */
const G_STRING = 6;
/** Inside a number, `true`, `false` or `null`. */
const G_SCALAR = 7;

/* Byte classes. */
const C_OTHER = 0;
const C_SPACE = 1;
const C_NEWLINE = 2;
const C_QUOTE = 3;
const C_COLON = 4;
const C_COMMA = 5;
const C_OPEN_OBJECT = 6;
const C_CLOSE_OBJECT = 7;
const C_OPEN_ARRAY = 8;
const C_CLOSE_ARRAY = 9;
/** A byte of a number or of `true`, `false`, `null`: JSON.parse checks the token itself. */
const C_SCALAR = 10;

const CLASS = new Uint8Array(256).fill(C_OTHER);
CLASS[0x20] = C_SPACE;
CLASS[0x09] = C_SPACE;
CLASS[0x0d] = C_SPACE;
CLASS[0x0a] = C_NEWLINE;
CLASS[0x22] = C_QUOTE;
CLASS[0x3a] = C_COLON;
CLASS[0x2c] = C_COMMA;
CLASS[0x7b] = C_OPEN_OBJECT;
CLASS[0x7d] = C_CLOSE_OBJECT;
CLASS[0x5b] = C_OPEN_ARRAY;
CLASS[0x5d] = C_CLOSE_ARRAY;
for (const byte of Buffer.from('0123456789+-.eEtrufalsn')) CLASS[byte] = C_SCALAR;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;
const UTF8_BOM = [0xef, 0xbb, 0xbf];

/** What scanUnit returns when the chunk ends inside the unit, or when it gives up. */
const MORE = -1;
const GIVE_UP = -2;

/**
 * An unfinished string longer than this many bytes is longer than the limit in characters
 * however it is written: `\uXXXX` is the longest way to write one UTF-16 code unit (6 bytes), and
 * a chunk can end inside an escape or after an unpaired high surrogate.
 */
const BYTES_PER_CHARACTER = 6;
const OPEN_STRING_SLACK = 16;

/**
 * A record's bytes as they are in the file, not parsed (see JsonRecordSplitter's `raw`): for an
 * item of the list envelope, the whole item. Its grammar outside strings, numbers and literals is
 * checked; whoever parses it checks the rest (and that an item's `data` is an object).
 */
export interface RawJsonRecord {
  raw: Buffer;
  unit: RecordUnit;
  /** Zero-based position of the record in its file. */
  index: number;
  /** Line where the record starts. */
  line: number;
}

/** What the splitter hands over: a parsed record, or with `raw` its bytes. */
export type SplitRecord = JsonRecord | RawJsonRecord;

/** A record parsed from its bytes, with its item's `uri` when it is an item of the list envelope that has one. */
export interface ParsedRecord {
  value: Record<string, unknown>;
  /** The item's `uri` (`/v3.0/users/<id>`): it names the API version the record was read at. */
  uri?: string;
}

/**
 * Parses a record's bytes handed over raw, checking what the splitter would have checked when
 * parsing them itself: the record, or undefined when they are not valid JSON, an item's `data`
 * is not an object or its `uri` is not text (read the file again with EnvelopeParser to name the problem).
 */
export function parseRawRecord(text: string, unit: RecordUnit): ParsedRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (unit === 'record') return { value: value as Record<string, unknown> };
  const item = value as Record<string, unknown>;
  const inner = item['data'];
  if (!isPlainObject(inner)) return undefined;
  const uri = item['uri'];
  if (typeof uri === 'string') return { value: inner, uri };
  return uri === undefined || uri === null ? { value: inner } : undefined;
}

export interface JsonRecordSplitterOptions {
  /** Longest string accepted, in characters. */
  maxStringLength: number;
  /**
   * Hand over each record's bytes (a view of the chunk given to `write`, or a copy when the record
   * spans chunks) instead of parsing them, for whoever decides which to parse.
   */
  raw?: boolean;
}

/**
 * The fast way through a Clever JSON file: finds where each record starts and ends in the bytes
 * as they arrive, and hands that slice alone to JSON.parse. Outside strings it follows the JSON
 * grammar (brackets, colons, commas, where keys and values go) so that a broken file stops it
 * where it breaks, not at the end of the file; numbers and literals are left to JSON.parse. Only
 * the bytes of the record being read are kept between chunks. Records report the same line and
 * index as EnvelopeParser's.
 *
 * It gives up (`write` or `end` returns false) on anything it does not fully accept: invalid or
 * truncated JSON, an envelope it does not recognise, a record that is not an object, an item
 * without a `data` object, a string longer than the limit, trailing content, an empty file. It
 * says nothing about why: EnvelopeParser reads the file again to name the problem. It does not
 * check that the bytes are UTF-8 text.
 */
export class JsonRecordSplitter {
  private readonly maxStringLength: number;
  private readonly maxOpenStringBytes: number;
  private top = START;
  /** Bytes of the file before the current chunk. */
  private chunkStart = 0;
  /** Newlines before the position reached. */
  private newlines = 0;
  private recordCount = 0;
  private found: SplitRecord[] = [];
  private readonly raw: boolean;
  private dataSeen = false;
  /** The envelope's key whose value is read next. */
  private key: unknown;

  // The unit being read.
  private unitKind = RECORD;
  /** Where the splitter goes once the unit is read. */
  private afterUnit = START;
  /** File offset of the unit's first byte. */
  private unitStart = 0;
  private unitLine = 1;
  /** Its bytes from earlier chunks, copied. */
  private pieces: Buffer[] = [];
  private grammar = G_VALUE;
  private depth = 0;
  /** The open brackets of the unit. */
  private stack: Uint8Array = new Uint8Array(64);
  /** File offset of the opening quote of the string being read. */
  private stringStart = 0;
  private stringIsKey = false;
  /** The chunk ended right after a backslash in a string: the next one starts with the escaped byte. */
  private skipEscaped = false;

  constructor(options: JsonRecordSplitterOptions) {
    this.maxStringLength = options.maxStringLength;
    this.maxOpenStringBytes = BYTES_PER_CHARACTER * options.maxStringLength + OPEN_STRING_SLACK;
    this.raw = options.raw === true;
  }

  /** Reads the next chunk of the file. False when the splitter gives up (for good). */
  write(chunk: Uint8Array): boolean {
    if (this.top === REJECTED) return false;
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const end = bytes.length;
    let at = 0;
    while (at < end) {
      if (this.top === IN_UNIT) {
        const stop = this.scanUnit(bytes, at);
        if (stop === GIVE_UP) return this.giveUp();
        if (stop === MORE) {
          this.pieces.push(Buffer.from(bytes.subarray(Math.max(this.unitStart - this.chunkStart, 0))));
          break;
        }
        if (!this.finishUnit(bytes, stop)) return this.giveUp();
        at = stop;
        continue;
      }
      if (!this.envelopeStep(bytes, at)) return this.giveUp();
      // A unit starts on its first byte, which scanUnit reads.
      if (this.top !== IN_UNIT) at += 1;
    }
    this.chunkStart += end;
    return true;
  }

  /** The file is over. False when it is not a complete document the splitter accepts. */
  end(): boolean {
    if (this.top === DONE) return true;
    this.giveUp();
    return false;
  }

  /** The records completed since the last call, in order. */
  take(): SplitRecord[] {
    const records = this.found;
    this.found = [];
    return records;
  }

  private giveUp(): false {
    this.top = REJECTED;
    this.pieces = [];
    return false;
  }

  /** One byte outside the units. False when it is not what the envelope allows there. */
  private envelopeStep(bytes: Buffer, at: number): boolean {
    const byte = bytes[at] ?? 0;
    const kind = CLASS[byte];
    if (kind === C_NEWLINE) {
      this.newlines += 1;
      return true;
    }
    if (kind === C_SPACE) return true;
    switch (this.top) {
      case START: {
        const offset = this.chunkStart + at;
        if (offset < UTF8_BOM.length && byte === UTF8_BOM[offset]) return true;
        if (byte === OPEN_ARRAY) this.top = ARRAY_FIRST;
        else if (byte === OPEN_OBJECT) this.top = OBJECT_FIRST;
        else return false;
        return true;
      }
      case ARRAY_FIRST:
        if (kind === C_CLOSE_ARRAY) return this.moveTo(DONE);
        return kind === C_OPEN_OBJECT && this.beginUnit(RECORD, ARRAY_AFTER, at);
      case ARRAY_NEXT:
        return kind === C_OPEN_OBJECT && this.beginUnit(RECORD, ARRAY_AFTER, at);
      case ARRAY_AFTER:
        if (kind === C_COMMA) return this.moveTo(ARRAY_NEXT);
        return kind === C_CLOSE_ARRAY && this.moveTo(DONE);
      case OBJECT_FIRST:
      case OBJECT_KEY:
        return kind === C_QUOTE && this.beginUnit(KEY, OBJECT_COLON, at);
      case OBJECT_COLON:
        return kind === C_COLON && this.moveTo(OBJECT_VALUE);
      case OBJECT_VALUE:
        if (this.key !== 'data') return this.beginUnit(OTHER, OBJECT_AFTER, at);
        if (this.dataSeen) return false;
        this.dataSeen = true;
        // `"data": {...}` (one record) is not a snapshot file: EnvelopeParser says so.
        return kind === C_OPEN_ARRAY && this.moveTo(LIST_FIRST);
      case OBJECT_AFTER:
        if (kind === C_COMMA) return this.moveTo(OBJECT_KEY);
        return kind === C_CLOSE_OBJECT && this.dataSeen && this.moveTo(DONE);
      case LIST_FIRST:
        if (kind === C_CLOSE_ARRAY) return this.moveTo(OBJECT_AFTER);
        return kind === C_OPEN_OBJECT && this.beginUnit(ITEM, LIST_AFTER, at);
      case LIST_NEXT:
        return kind === C_OPEN_OBJECT && this.beginUnit(ITEM, LIST_AFTER, at);
      case LIST_AFTER:
        if (kind === C_COMMA) return this.moveTo(LIST_NEXT);
        return kind === C_CLOSE_ARRAY && this.moveTo(OBJECT_AFTER);
      default:
        return false;
    }
  }

  private moveTo(state: number): true {
    this.top = state;
    return true;
  }

  private beginUnit(kind: number, after: number, at: number): true {
    this.top = IN_UNIT;
    this.unitKind = kind;
    this.afterUnit = after;
    this.unitStart = this.chunkStart + at;
    this.unitLine = this.newlines + 1;
    this.grammar = G_VALUE;
    this.depth = 0;
    this.skipEscaped = false;
    return true;
  }

  /** Parses the unit that ends before `stop` in `bytes`. False when it is not what its place asks for. */
  private finishUnit(bytes: Buffer, stop: number): boolean {
    const unit =
      this.pieces.length === 0 ? bytes.subarray(this.unitStart - this.chunkStart, stop) : Buffer.concat([...this.pieces, bytes.subarray(0, stop)]);
    this.pieces = [];
    if (this.raw && (this.unitKind === RECORD || this.unitKind === ITEM)) {
      this.found.push({ raw: unit, unit: this.unitKind === ITEM ? 'item' : 'record', index: this.recordCount, line: this.unitLine });
      this.recordCount += 1;
      this.top = this.afterUnit;
      return true;
    }
    const text = unit.toString('utf8');
    if (this.unitKind === RECORD || this.unitKind === ITEM) {
      const record = parseRawRecord(text, this.unitKind === ITEM ? 'item' : 'record');
      if (record === undefined) return false;
      this.emit(record);
    } else {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        return false;
      }
      if (this.unitKind === KEY) this.key = value;
      // a page of a longer list, or links of another shape (EnvelopeParser says so); the value of
      // another key (`count`...) is checked, then dropped
      else if (this.key === 'links' && !linksOfAWholeList(value)) return false;
    }
    this.top = this.afterUnit;
    return true;
  }

  private emit(record: ParsedRecord): void {
    this.found.push({ ...record, index: this.recordCount, line: this.unitLine });
    this.recordCount += 1;
  }

  /**
   * Reads the unit on from `from`: returns the index just after its last byte, MORE when the
   * chunk ends first, GIVE_UP when the grammar is broken or a string is too long. The hot loop:
   * every byte of every record goes through it once.
   */
  private scanUnit(bytes: Buffer, from: number): number {
    const end = bytes.length;
    const chunkStart = this.chunkStart;
    let stack = this.stack;
    let grammar = this.grammar;
    let depth = this.depth;
    let newlines = this.newlines;
    let stringStart = this.stringStart;
    let stringIsKey = this.stringIsKey;
    let skipEscaped = this.skipEscaped;
    let at = from;
    let result = MORE;
    scan: for (;;) {
      if (grammar === G_STRING) {
        // From just after the opening quote, or from the start of the chunk.
        let next = skipEscaped ? at + 1 : at;
        while (next < end) {
          const byte = bytes[next];
          if (byte === QUOTE) break;
          next += byte === BACKSLASH ? 2 : 1;
        }
        if (next >= end) {
          skipEscaped = next > end;
          if (chunkStart + end - stringStart - 1 > this.maxOpenStringBytes) result = GIVE_UP;
          break;
        }
        skipEscaped = false;
        if (chunkStart + next - stringStart - 1 > this.maxStringLength && !this.stringFits(bytes, stringStart, next)) {
          result = GIVE_UP;
          break;
        }
        at = next + 1;
        grammar = stringIsKey ? G_COLON : G_AFTER;
        if (depth === 0) {
          result = at;
          break;
        }
      } else if (grammar === G_SCALAR) {
        while (at < end && CLASS[bytes[at]!] === C_SCALAR) at += 1;
        if (at === end) break;
        grammar = G_AFTER;
        if (depth === 0) {
          result = at;
          break;
        }
      }
      // Between strings and scalars.
      while (at < end) {
        const byte = bytes[at]!;
        switch (CLASS[byte]) {
          case C_QUOTE:
            if (grammar === G_VALUE || grammar === G_ARRAY_START) stringIsKey = false;
            else if (grammar === G_KEY || grammar === G_OBJECT_START) stringIsKey = true;
            else {
              result = GIVE_UP;
              break scan;
            }
            stringStart = chunkStart + at;
            grammar = G_STRING;
            at += 1;
            continue scan;
          case C_COLON:
            if (grammar !== G_COLON) {
              result = GIVE_UP;
              break scan;
            }
            grammar = G_VALUE;
            at += 1;
            continue;
          case C_COMMA:
            if (grammar !== G_AFTER) {
              result = GIVE_UP;
              break scan;
            }
            grammar = stack[depth - 1] === OPEN_OBJECT ? G_KEY : G_VALUE;
            at += 1;
            continue;
          case C_OPEN_OBJECT:
          case C_OPEN_ARRAY:
            if (grammar !== G_VALUE && grammar !== G_ARRAY_START) {
              result = GIVE_UP;
              break scan;
            }
            if (depth === stack.length) stack = this.growStack();
            stack[depth] = byte;
            depth += 1;
            grammar = byte === OPEN_OBJECT ? G_OBJECT_START : G_ARRAY_START;
            at += 1;
            continue;
          case C_CLOSE_OBJECT:
            if ((grammar !== G_AFTER && grammar !== G_OBJECT_START) || depth === 0 || stack[depth - 1] !== OPEN_OBJECT) {
              result = GIVE_UP;
              break scan;
            }
            break;
          case C_CLOSE_ARRAY:
            if ((grammar !== G_AFTER && grammar !== G_ARRAY_START) || depth === 0 || stack[depth - 1] !== OPEN_ARRAY) {
              result = GIVE_UP;
              break scan;
            }
            break;
          case C_NEWLINE:
            newlines += 1;
            at += 1;
            continue;
          case C_SPACE:
            at += 1;
            continue;
          case C_SCALAR:
            if (grammar !== G_VALUE && grammar !== G_ARRAY_START) {
              result = GIVE_UP;
              break scan;
            }
            grammar = G_SCALAR;
            continue scan;
          default:
            result = GIVE_UP;
            break scan;
        }
        // A closing bracket.
        depth -= 1;
        grammar = G_AFTER;
        at += 1;
        if (depth === 0) {
          result = at;
          break scan;
        }
      }
      break;
    }
    this.grammar = grammar;
    this.depth = depth;
    this.newlines = newlines;
    this.stringStart = stringStart;
    this.stringIsKey = stringIsKey;
    this.skipEscaped = skipEscaped;
    return result;
  }

  private growStack(): Uint8Array {
    const grown = new Uint8Array(this.stack.length * 2);
    grown.set(this.stack);
    this.stack = grown;
    return grown;
  }

  /**
   * Whether the string from the quote at file offset `start` to the one at `close` in `bytes` is
   * no longer than the limit in characters (the rare case of a string longer than the limit in bytes).
   */
  private stringFits(bytes: Buffer, start: number, close: number): boolean {
    const unit = Buffer.concat([...this.pieces, bytes.subarray(0, close + 1)]);
    const from = start - (this.pieces.length === 0 ? this.chunkStart : this.unitStart);
    let value: unknown;
    try {
      value = JSON.parse(unit.toString('utf8', from));
    } catch {
      return false;
    }
    return typeof value === 'string' && value.length <= this.maxStringLength;
  }
}

/** Whether the envelope's `links` are Clever's (see WRONG_LINKS), with no next page (see ONE_PAGE_OF_A_LIST). */
function linksOfAWholeList(links: unknown): boolean {
  if (links === null) return true;
  if (!Array.isArray(links)) return false;
  return links.every((link: unknown) => {
    if (!isPlainObject(link)) return false;
    const rel = link['rel'];
    return rel === undefined || rel === null || (typeof rel === 'string' && rel.toLowerCase() !== 'next');
  });
}
