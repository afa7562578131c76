import { JSONParser, TokenType } from '@streamparser/json';
import type { ParsedElementInfo, ParsedTokenInfo } from '@streamparser/json';
import { InvalidInput } from '@roster-ledger/domain';
import type { InputLocation } from '@roster-ledger/domain';
import { isJsonWhitespace } from './line-counter';
import { plainJsonReason } from './json-syntax-reason';
import { isPlainObject, typeName } from './field-readers';
import { unfitIdProblem } from './record-header';

export const WRONG_ENVELOPE = 'expected a JSON array of records or a Clever envelope {"data": [...]}';
/** A snapshot file is a list: `{"data": {...}}` (one record, as a single-record endpoint answers) is not one. */
export const DATA_NOT_AN_ARRAY = `${WRONG_ENVELOPE}; the envelope's "data" must be an array of records`;

/**
 * A page of Clever's API saved as it was answered: its `links` name the next page. Read as the
 * whole list, every record on the pages after it would be recorded as removed.
 */
export const ONE_PAGE_OF_A_LIST =
  'this file is one page of a longer list: the envelope\'s "links" has a "next" link (Clever\'s API answers a page at a time), ' +
  'and a snapshot file must hold every record of its kind, or each one on the pages after it would be recorded as removed. ' +
  'Follow the "next" links and put every page\'s records into one file (or, if this file already holds them all, remove its "next" link)';

/**
 * Clever's `links` is an array of `{"rel", "uri"}`: given in another shape, a `next` link in it
 * could not be seen, and a page of a longer list would be read as the whole list.
 */
export const WRONG_LINKS = 'the envelope\'s "links" must be an array of links {"rel": "...", "uri": "..."} (as Clever\'s API sends it), so that a "next" link in it is seen';

/** One record as found in a file, before any Clever rule is applied. */
export interface JsonRecord {
  value: Record<string, unknown>;
  /** Zero-based position of the record in its file. */
  index: number;
  /** Line where the record starts. */
  line: number;
  /** The fingerprint of its bytes, when the reader took one (see recordFingerprint). */
  fingerprint?: string;
  /** Its list envelope item's `uri` (`/v3.0/users/<id>`, which names the API version), when it has one. */
  uri?: string;
}

export interface EnvelopeParserOptions {
  file: string;
  maxStringLength: number;
  /** Line of a byte offset of the file: the caller hands each chunk to a LineCounter before writing it here. */
  lineAt(offset: number): number;
  /** Line where the content read so far ends. */
  lastLine(): number;
  onRecord(record: JsonRecord): void;
}

/**
 * - `array`: `[{...}, ...]`
 * - `object`: a top-level object whose `data` key has not been seen yet
 * - `list`: the API list envelope `{"data": [{"data": {...}, "uri": "..."}, ...], "links": [...]}`
 *
 * A single-object envelope `{"data": {...}}` is an error, not a one-record file: a snapshot file
 * lists every record of its kind, and reading one record as the whole list would remove the others.
 */
type Shape = 'array' | 'object' | 'list';

/** Where the tokens are: one frame per open object or array, with the key or index being read. */
interface Frame {
  container: 'object' | 'array';
  key: string | number | undefined;
  awaitingKey: boolean;
}

const UTF8_BOM = [0xef, 0xbb, 0xbf];

// Read once: the package's CommonJS build exports TokenType through a getter, and onToken runs for every token.
const LEFT_BRACE = TokenType.LEFT_BRACE;
const RIGHT_BRACE = TokenType.RIGHT_BRACE;
const LEFT_BRACKET = TokenType.LEFT_BRACKET;
const RIGHT_BRACKET = TokenType.RIGHT_BRACKET;
const COLON = TokenType.COLON;
const COMMA = TokenType.COMMA;
const STRING = TokenType.STRING;
const NUMBER = TokenType.NUMBER;
const NULL = TokenType.NULL;
const SEPARATOR = TokenType.SEPARATOR;

/**
 * Finds the records of one Clever JSON file as its bytes arrive, keeping only the record being
 * read in memory. The parser's `paths` are chosen from the first byte (`[` -> `$.*`, `{` ->
 * `$.data.*`) and `keepStack: false` drops every value once it is handed over. The tokens are
 * watched on the side to tell the envelope forms apart, to know the record, id and field being
 * read (for errors), and to stop on an over-long string while it is still being read: an
 * unbalanced quote can turn the rest of a 1 GB file into one string.
 *
 * Throws InvalidInput (from `write` or `end`) on the first problem. readJsonRecords reads files
 * with JsonRecordSplitter, several times faster, and runs this parser over a file again only to
 * name the problem the splitter gave up on.
 */
export class EnvelopeParser {
  private parser: JSONParser | undefined;
  private shape: Shape | undefined;
  private readonly frames: Frame[] = [];
  /** Bytes of the file never written to the parser (leading whitespace-only chunks). */
  private skippedBytes = 0;
  /** File offset of the first byte written to the parser: parser offsets count from there. */
  private feedOffset = 0;
  private lastTokenOffset = 0;
  private recordsCompleted = 0;
  private inItem = false;
  private itemLine = 1;
  private itemId: string | undefined;

  constructor(private readonly options: EnvelopeParserOptions) {}

  write(chunk: Uint8Array): void {
    let bytes = chunk;
    if (this.parser === undefined) {
      const start = this.begin(chunk);
      if (start === undefined) {
        this.skippedBytes += chunk.length;
        return;
      }
      bytes = chunk.subarray(start);
    }
    try {
      this.parser?.write(bytes);
    } catch (error) {
      throw this.syntaxError(error, false);
    }
  }

  end(): void {
    if (this.parser === undefined) throw new InvalidInput('file is empty', { file: this.options.file });
    if (this.parser.isEnded) return;
    try {
      this.parser.end();
    } catch (error) {
      throw this.syntaxError(error, true);
    }
  }

  /**
   * Picks the parser's paths from the first byte that is not whitespace (nor the BOM) and returns
   * its index in the chunk; undefined while there is none. The parser is fed from that byte on.
   */
  private begin(chunk: Uint8Array): number | undefined {
    let at = 0;
    while (at < chunk.length) {
      const byte = chunk[at] ?? 0;
      const offset = this.skippedBytes + at;
      const isBom = offset < UTF8_BOM.length && byte === UTF8_BOM[offset];
      if (!isBom && !isJsonWhitespace(byte)) break;
      at += 1;
    }
    const first = chunk[at];
    if (first === undefined) return undefined;
    this.feedOffset = this.skippedBytes + at;
    if (first === 0x5b /* [ */) this.shape = 'array';
    else if (first === 0x7b /* { */) this.shape = 'object';
    else throw new InvalidInput(WRONG_ENVELOPE, { file: this.options.file, line: this.options.lineAt(this.feedOffset) });
    const parser = new JSONParser({
      paths: this.shape === 'array' ? ['$.*'] : ['$.data.*'],
      keepStack: false,
      emitPartialTokens: true,
    });
    parser.onToken = (token) => this.onToken(token);
    parser.onValue = (element) => this.onValue(element);
    this.parser = parser;
    return at;
  }

  private onToken(token: ParsedTokenInfo): void {
    if (token.token === STRING) this.checkLength(token);
    if (token.partial) return;
    this.lastTokenOffset = token.offset;
    const top = this.frames[this.frames.length - 1];
    switch (token.token) {
      case LEFT_BRACE:
        this.onValueStart(token);
        this.frames.push({ container: 'object', key: undefined, awaitingKey: true });
        return;
      case LEFT_BRACKET:
        this.onValueStart(token);
        this.frames.push({ container: 'array', key: 0, awaitingKey: false });
        return;
      case RIGHT_BRACE:
      case RIGHT_BRACKET:
        this.onContainerEnd(token);
        this.frames.pop();
        return;
      case COMMA:
        if (top?.container === 'array') top.key = Number(top.key) + 1;
        else if (top) top.awaitingKey = true;
        return;
      case COLON:
      case SEPARATOR:
        return;
      case STRING:
        if (top?.container === 'object' && top.awaitingKey) {
          top.key = String(token.value);
          top.awaitingKey = false;
          return;
        }
        this.onValueStart(token);
        this.captureId(token.value);
        if (this.isNextLink(token.value)) throw this.problem(token, ONE_PAGE_OF_A_LIST);
        return;
      default:
        this.onValueStart(token);
    }
  }

  /** A value starts at the current position: is it the envelope's `data`, or a record? */
  private onValueStart(token: ParsedTokenInfo): void {
    const depth = this.frames.length;
    const isObject = token.token === LEFT_BRACE;
    this.checkLinks(token, depth);
    if (depth === 1 && this.frames[0]?.container === 'object' && this.frames[0].key === 'data') {
      if (this.shape !== 'object') throw this.problem(token, 'the envelope has more than one "data" key');
      if (token.token !== LEFT_BRACKET) throw this.problem(token, `${DATA_NOT_AN_ARRAY}, got ${describeToken(token)}`);
      this.shape = 'list';
      return;
    }
    const startsItem =
      (this.shape === 'array' && depth === 1) ||
      (this.shape === 'list' && depth === 2 && this.frames[0]?.key === 'data');
    if (!startsItem) return;
    this.startItem(token);
    if (isObject) return;
    throw this.problem(
      token,
      this.shape === 'array'
        ? `expected a record (a JSON object), got ${describeToken(token)}`
        : `expected an envelope item {"data": {...}, "uri": "..."}, got ${describeToken(token)}`,
    );
  }

  private onContainerEnd(token: ParsedTokenInfo): void {
    const depth = this.frames.length;
    if (depth === 1 && this.shape === 'object') throw this.problem(token, `${WRONG_ENVELOPE}; there is no "data" key`);
  }

  private onValue({ value }: ParsedElementInfo): void {
    switch (this.shape) {
      case 'array':
        this.emitRecord(value as Record<string, unknown>);
        return;
      case 'list': {
        const inner = isPlainObject(value) ? value['data'] : undefined;
        if (!isPlainObject(inner)) {
          throw new InvalidInput('expected an envelope item {"data": {...}, "uri": "..."}: the item has no "data" object', this.itemLocation());
        }
        // the uri names the API version the record was read at, which decides the fields it covers
        const uri = (value as Record<string, unknown>)['uri'];
        if (uri !== undefined && uri !== null && typeof uri !== 'string') {
          throw new InvalidInput(`the envelope item's "uri" must be text, as Clever sends it ("/v3.0/users/<id>", which names the API version the record was read at), got ${typeName(uri)}`, {
            ...this.itemLocation(),
            field: 'uri',
          });
        }
        this.emitRecord(inner, typeof uri === 'string' ? uri : undefined);
        return;
      }
      default:
        return;
    }
  }

  private startItem(token: ParsedTokenInfo): void {
    this.inItem = true;
    this.itemId = undefined;
    this.itemLine = this.options.lineAt(this.feedOffset + token.offset);
  }

  private emitRecord(value: Record<string, unknown>, uri?: string): void {
    this.options.onRecord({ value, index: this.recordsCompleted, line: this.itemLine, ...(uri === undefined ? {} : { uri }) });
    this.recordsCompleted += 1;
    this.inItem = false;
  }

  /** Index of the frame holding the record's own properties, when the tokens are inside a record. */
  private recordFrame(): number | undefined {
    const frames = this.frames;
    switch (this.shape) {
      case 'array':
        return frames.length >= 2 ? 1 : undefined;
      case 'list':
        return frames.length >= 4 && frames[0]?.key === 'data' && frames[2]?.key === 'data' ? 3 : undefined;
      default:
        return undefined;
    }
  }

  /** Whether `value` is the `rel` of a link of the envelope's `links` that is `next` (in any case). */
  private isNextLink(value: unknown): boolean {
    return this.inLinks(3) && this.frames[2]?.key === 'rel' && typeof value === 'string' && value.toLowerCase() === 'next';
  }

  /** Whether the tokens are `depth` frames into the envelope's `links` (1: its value, 2: a link, 3: a link's field). */
  private inLinks(depth: number): boolean {
    const [envelope, links] = this.frames;
    return this.shape !== 'array' && this.frames.length === depth && envelope?.container === 'object' && envelope.key === 'links' && (depth === 1 || links?.container === 'array');
  }

  /** Refuses `links` in another shape than Clever's (see WRONG_LINKS); null is none. */
  private checkLinks(token: ParsedTokenInfo, depth: number): void {
    if (depth === 1 && this.inLinks(1) && token.token !== LEFT_BRACKET && token.token !== NULL) throw this.problem(token, `${WRONG_LINKS}, got ${describeToken(token)}`);
    if (depth === 2 && this.inLinks(2) && token.token !== LEFT_BRACE) throw this.problem(token, `${WRONG_LINKS}, got ${describeToken(token)} in it`);
    if (depth === 3 && this.inLinks(3) && this.frames[2]?.key === 'rel' && token.token !== STRING && token.token !== NULL) {
      throw this.problem(token, `${WRONG_LINKS}: a link's "rel" is text, got ${describeToken(token)}`);
    }
  }

  private captureId(value: unknown): void {
    const record = this.recordFrame();
    if (record === undefined || this.frames.length !== record + 1) return;
    // an id that can be no Clever id (a lone surrogate, a control character) names no record: an
    // error shown with it would itself be broken text, or print as something else
    if (this.frames[record]?.key === 'id' && typeof value === 'string' && unfitIdProblem(value) === null) this.itemId = value;
  }

  /**
   * Where the bytes written so far end: the record being read (and its id, once read) and the
   * field, without the line. For a problem the tokens cannot see, such as bytes that are not UTF-8.
   */
  position(): Pick<InputLocation, 'record' | 'recordId' | 'field'> {
    const { line: _, file: __, ...at } = this.itemLocation();
    const field = this.inItem ? this.fieldPath() : '';
    return field === '' ? at : { ...at, field };
  }

  /** The id of the record being read, once its `id` has been read. */
  currentRecordId(): string | undefined {
    return this.inItem ? this.itemId : undefined;
  }

  /** `name.first` (or `name (a key)` while a key is read) of the value being read, relative to its record. */
  private fieldPath(): string {
    const top = this.frames[this.frames.length - 1];
    const isKey = top?.container === 'object' && top.awaitingKey;
    const start = this.recordFrame() ?? (this.inItem && this.shape === 'list' ? 2 : 0);
    const keys = this.frames.slice(start, isKey ? -1 : undefined).map((frame) => frame.key);
    return formatPath(keys) + (isKey ? ' (a key)' : '');
  }

  private checkLength(token: ParsedTokenInfo): void {
    const length = String(token.value).length;
    const limit = this.options.maxStringLength;
    if (length <= limit) return;
    const field = this.fieldPath();
    const size = token.partial
      ? `more than ${limit.toLocaleString('en-US')} characters (stopped reading it at ${length.toLocaleString('en-US')})`
      : `${length.toLocaleString('en-US')} characters`;
    throw new InvalidInput(`text value is too long: ${size}; the limit is ${limit.toLocaleString('en-US')} characters`, {
      ...this.itemLocation(token),
      field: field || undefined,
    });
  }

  private problem(token: ParsedTokenInfo, rule: string): InvalidInput {
    return new InvalidInput(rule, this.itemLocation(token));
  }

  /** Where the tokens are: the line of `token` (else of the record being read), the record and its id if known. */
  private itemLocation(token?: ParsedTokenInfo): InputLocation {
    const line =
      token !== undefined || !this.inItem
        ? this.options.lineAt(this.feedOffset + (token?.offset ?? this.lastTokenOffset))
        : this.itemLine;
    const at: InputLocation = { file: this.options.file, line };
    if (this.inItem) at.record = this.recordsCompleted;
    if (this.inItem && this.itemId !== undefined) at.recordId = this.itemId;
    return at;
  }

  private syntaxError(error: unknown, atEnd: boolean): InvalidInput {
    if (error instanceof InvalidInput) return error;
    const reason = error instanceof Error ? error.message : String(error);
    const after =
      this.recordsCompleted === 0
        ? 'before the first complete record'
        : `after record #${this.recordsCompleted} (the last complete record)`;
    if (atEnd) {
      const rule = `invalid JSON: the file ends in the middle of the document (truncated?), ${after}: ${plainJsonReason(reason)}`;
      return new InvalidInput(rule, { file: this.options.file, line: this.options.lastLine() });
    }
    // the byte offset too (for `xxd -s`): a file of one long line, as Clever's API writes them, has no other place to name
    const offset = this.errorOffset(reason);
    const rule = `invalid JSON ${after}, at byte offset ${offset}: ${plainJsonReason(reason)}`;
    return new InvalidInput(rule, { file: this.options.file, line: this.options.lineAt(offset) });
  }

  /** The tokenizer names the byte where it stopped; the token parser stops at the last token. */
  private errorOffset(reason: string): number {
    const position = /absolute position "(\d+)"/.exec(reason)?.[1];
    return position !== undefined ? this.feedOffset + Number(position) : this.feedOffset + this.lastTokenOffset;
  }
}

function describeToken(token: ParsedTokenInfo): string {
  switch (token.token) {
    case LEFT_BRACKET:
      return 'an array';
    case LEFT_BRACE:
      return 'an object';
    case STRING:
      return 'a string';
    case NUMBER:
      return 'a number';
    case NULL:
      return 'null';
    default:
      return 'a boolean';
  }
}

/** `roles.student.schools[1]` */
export function formatPath(keys: readonly (string | number | undefined)[]): string {
  let path = '';
  for (const key of keys) {
    if (key === undefined) continue;
    if (typeof key === 'number') path += `[${key}]`;
    else path += path === '' ? key : `.${key}`;
  }
  return path;
}
