import { createReadStream } from 'node:fs';
import { pipeline, Transform } from 'node:stream';
import { parse } from 'csv-parse';
import type { CsvError } from 'csv-parse';
import { InvalidInput } from '@roster-ledger/domain';
import type { InputLocation } from '@roster-ledger/domain';
import { fileEncodingProblem } from '../file-encoding-hint';
import { DEFAULT_MAX_STRING_LENGTH } from '../json-record-stream';
import { CsvHeader } from './csv-columns';
import { Utf8Check } from './csv-utf8-check';
import type { CsvFileSpec } from './csv-columns';

/** Bytes read from disk at a time. */
export const CSV_CHUNK_BYTES = 64 * 1024;
/**
 * Longest record accepted, in characters. It bounds memory: an unbalanced quote in a 1 GB file
 * would otherwise make the rest of the file one value.
 */
export const DEFAULT_MAX_RECORD_CHARS = 1_048_576;

export interface CsvReadOptions {
  maxRecordChars?: number;
  /** Told the size of each chunk read, for progress. */
  onBytes?: (count: number) => void;
  /** The id of the record a row gives, named in errors about the row (see CsvIds.ofRow). */
  recordIdOf?: (row: CsvRow) => string | undefined;
}

/** One data row: where it is, and its values by column (trimmed; `""` when the column is absent). */
export class CsvRow {
  constructor(
    readonly header: CsvHeader,
    /** Line where the row starts (a quoted value may span lines). */
    readonly line: number,
    /** Zero-based index among the file's data rows. */
    readonly index: number,
    private readonly values: readonly string[],
    private readonly recordIdOf: (row: CsvRow) => string | undefined = () => undefined,
  ) {}

  /**
   * The row as a whole: its file and every value, read or not (trimmed as `get` trims them). Two
   * rows with the same text are the same row repeated.
   */
  get text(): string {
    return JSON.stringify([this.header.file, ...this.values.map((value) => value.trim())]);
  }

  get(column: string): string {
    const at = this.header.position(column);
    return at === undefined ? '' : (this.values[at] ?? '').trim();
  }

  /** The value at a position of the header, trimmed as `get` trims it: a column with no name has no other way in. */
  valueAt(index: number): string {
    return (this.values[index] ?? '').trim();
  }

  /** Where the row is, as a snapshot item's origin. */
  get origin(): InputLocation {
    return { file: this.header.file, line: this.line, record: this.index };
  }

  /** Where `column` of this row is, for an error: with the id of the row's record when it has one, to look it up in the ledger. */
  at(column: string): InputLocation {
    const recordId = this.recordIdOf(this);
    return { file: this.header.file, line: this.line, ...(recordId === undefined ? {} : { recordId }), column: this.header.nameOf(column) };
  }

  /** The InvalidInput for a rule this row breaks at `column`. */
  error(column: string, rule: string): InvalidInput {
    return new InvalidInput(rule, this.at(column));
  }
}

/**
 * Streams the data rows of a Clever SFTP CSV: UTF-8 (a BOM is fine), a header row naming the
 * columns in any order and any letter case, any line ending (CR, LF or CRLF, mixed in one file),
 * quotes where a value holds a comma, a quote or a line break. Empty lines and rows with no value
 * at all are skipped. Only the current chunk and record are held in memory; a chunk is read only
 * when the consumer asks for more rows.
 *
 * Throws InvalidInput naming the file, the line of the offending row (for a broken quote, the line
 * where the quoted value opens) and, when known, the column: a missing file or header, a missing required column (see CsvHeader.resolve), an
 * unbalanced quote, a row with more or fewer values than the header, a record longer than
 * `maxRecordChars`, bytes that are not UTF-8.
 */
export async function* readCsvRows(path: string, spec: CsvFileSpec, options: CsvReadOptions = {}): AsyncGenerator<CsvRow> {
  let index = 0;
  for await (const record of readCsvRecords(path, spec, options)) {
    if (record.values === undefined) continue;
    if (record.values.every((value) => value.trim() === '')) continue;
    yield new CsvRow(record.header, record.line, index++, record.values, options.recordIdOf);
  }
}

/**
 * Reads the header row and nothing after it (for `open()`: a wrong header fails before any record
 * is read, and a broken row is left for `items()` to report).
 */
export async function readCsvHeader(path: string, spec: CsvFileSpec, options: CsvReadOptions = {}): Promise<CsvHeader> {
  const maxRecordChars = options.maxRecordChars ?? DEFAULT_MAX_RECORD_CHARS;
  const parser = parse({ ...PARSE_OPTIONS, skip_empty_lines: true, to: 1, max_record_size: maxRecordChars });
  const utf8 = new Utf8Check();
  pipeline(createReadStream(path, { highWaterMark: CSV_CHUNK_BYTES }), watching(utf8, () => undefined), parser, () => undefined);
  try {
    for await (const values of parser as AsyncIterable<string[]>) {
      // csv-parse reads UTF-16 with a byte-order mark without a word: the header would pass
      throwOnEncodingProblem(utf8, path);
      const brokenLine = utf8.brokenAt === null ? null : await lineAt(path, utf8.brokenAt);
      checkValues(values, path, { line: 1, nextLine: 2 + values.reduce((sum, value) => sum + countLineBreaks(value), 0) }, undefined, brokenLine);
      return CsvHeader.resolve(values, spec, path);
    }
  } catch (error) {
    throw encodingFailure(utf8, path) ?? (await parseFailure(error, path, spec, undefined, maxRecordChars));
  }
  throw new InvalidInput('the file is empty: expected a header row', { file: path, line: 1 });
}

const PARSE_OPTIONS = {
  bom: true,
  // All three, CRLF first: csv-parse would otherwise keep only the first ending it meets and read
  // a file that mixes them as one long line.
  record_delimiter: ['\r\n', '\n', '\r'],
};

/** A parsed record: the header (no `values`) first, then the data records with the line where each starts. */
interface CsvRecord {
  header: CsvHeader;
  values?: string[];
  line: number;
}

async function* readCsvRecords(path: string, spec: CsvFileSpec, options: CsvReadOptions): AsyncGenerator<CsvRecord> {
  const maxRecordChars = options.maxRecordChars ?? DEFAULT_MAX_RECORD_CHARS;
  const onBytes = options.onBytes ?? (() => undefined);
  const parser = parse({
    ...PARSE_OPTIONS,
    // Empty lines and rows of the wrong width reach the loop below, which skips the former and
    // rejects the latter: so every line break outside quotes ends a record, and line numbers can be
    // counted here without csv-parse's per-record `info` (which costs more than the parsing).
    relax_column_count: true,
    skip_empty_lines: false,
    max_record_size: maxRecordChars,
  });
  const utf8 = new Utf8Check();
  // Errors (a missing file, a parse error) end the parser's iteration below, where they are mapped.
  pipeline(createReadStream(path, { highWaterMark: CSV_CHUNK_BYTES }), watching(utf8, onBytes), parser, () => undefined);

  let header: CsvHeader | undefined;
  let nextLine = 1;
  // the line of the first bytes that are not UTF-8, counted once they are found
  let brokenLine: number | null = null;
  try {
    for await (const values of parser as AsyncIterable<string[]>) {
      const line = nextLine;
      nextLine += 1 + values.reduce((sum, value) => sum + countLineBreaks(value), 0);
      if (header === undefined) throwOnEncodingProblem(utf8, path);
      if (values.length === 1 && values[0] === '') continue;
      if (utf8.brokenAt !== null) brokenLine ??= await lineAt(path, utf8.brokenAt);
      checkValues(values, path, { line, nextLine }, header, brokenLine, options.recordIdOf);
      if (header === undefined) {
        header = CsvHeader.resolve(values, spec, path);
        yield { header, line };
      } else if (values.length !== header.width) {
        throw new InvalidInput(
          `row has ${values.length} values but the header has ${header.width} columns (a comma in an unquoted value?)`,
          { file: path, line },
        );
      } else {
        yield { header, values, line };
      }
    }
  } catch (error) {
    throw encodingFailure(utf8, path) ?? (await parseFailure(error, path, spec, header, maxRecordChars));
  }
  if (header === undefined) throw new InvalidInput('the file is empty: expected a header row', { file: path, line: 1 });
  // bytes that are not UTF-8 where no value shows it (a character cut off at the end of the file)
  if (utf8.brokenAt !== null) {
    throw encodingFailure(utf8, path) ?? new InvalidInput('the file is not valid UTF-8 here (save the file as UTF-8)', { file: path, line: brokenLine ?? (await lineAt(path, utf8.brokenAt)) });
  }
}

/**
 * csv-parse decodes bytes that are not UTF-8 to U+FFFD, the replacement character. A file may
 * also hold that character itself, well encoded: a value with it is refused only on the line
 * where the file's bytes are not UTF-8 (see Utf8Check).
 */
const REPLACEMENT_CHARACTER = '\uFFFD';
const LINE_BREAK = /\r\n|\r|\n/g;
const CR = 0x0d;
const LF = 0x0a;
const QUOTE = 0x22;

/** Passes a file's chunks on to the parser, checking their bytes and counting them first. */
function watching(utf8: Utf8Check, onBytes: (count: number) => void): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      utf8.see(chunk);
      onBytes(chunk.length);
      done(null, chunk);
    },
    flush(done) {
      utf8.end();
      done();
    },
  });
}

/**
 * The values of a record on lines `line` to before `nextLine`: UTF-8 where the file was, and no
 * longer than a JSON snapshot's strings may be. `recordIdOf` names the row's record in the error,
 * as every other error about a row names it.
 */
function checkValues(
  values: readonly string[],
  file: string,
  lines: { line: number; nextLine: number },
  header: CsvHeader | undefined,
  brokenLine: number | null,
  recordIdOf?: (row: CsvRow) => string | undefined,
): void {
  const { line } = lines;
  const at = (i: number): InputLocation => {
    const recordId = header === undefined || recordIdOf === undefined ? undefined : recordIdOf(new CsvRow(header, line, 0, values));
    return { file, line, ...(recordId === undefined ? {} : { recordId }), ...column(header?.nameAt(i)) };
  };
  const broken = brokenLine !== null && brokenLine >= line && brokenLine < lines.nextLine;
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    if (value.length > DEFAULT_MAX_STRING_LENGTH) {
      const limit = DEFAULT_MAX_STRING_LENGTH.toLocaleString('en-US');
      throw new InvalidInput(`text value is too long: ${value.length.toLocaleString('en-US')} characters; the limit is ${limit} characters`, at(i));
    }
    if (broken && value.includes(REPLACEMENT_CHARACTER)) {
      throw new InvalidInput('value is not valid UTF-8 (save the file as UTF-8)', at(i));
    }
  }
}

function countLineBreaks(value: string): number {
  return value.match(LINE_BREAK)?.length ?? 0;
}

function column(name: string | undefined): { column?: string } {
  return name === undefined ? {} : { column: name };
}

/**
 * The InvalidInput for a failure while parsing. csv-parse drops the records it had not handed over
 * when it fails, so the line comes from the error's byte offset (where the last complete value
 * ended: the line where a runaway quote opens), counted again from the file; and the header is read
 * again when the failure came before it was handed over.
 */
/**
 * A gzip-compressed or UTF-16 file, named as such rather than by the first error its bytes make
 * (bytes that are not UTF-8, a header without the required columns), or undefined.
 */
function encodingFailure(utf8: Utf8Check, file: string): InvalidInput | undefined {
  const problem = fileEncodingProblem(utf8.head, file);
  return problem === undefined ? undefined : new InvalidInput(problem, { file });
}

function throwOnEncodingProblem(utf8: Utf8Check, file: string): void {
  const failure = encodingFailure(utf8, file);
  if (failure !== undefined) throw failure;
}

async function parseFailure(
  error: unknown,
  file: string,
  spec: CsvFileSpec,
  header: CsvHeader | undefined,
  maxRecordChars: number,
): Promise<unknown> {
  if (error instanceof InvalidInput) return error;
  const code = (error as { code?: unknown } | undefined)?.code;
  if (code === 'ENOENT') return new InvalidInput('file not found (removed while reading?)', { file });
  if (code === 'EISDIR') return new InvalidInput('expected a file, found a folder', { file });
  if (typeof code !== 'string' || !(code.startsWith('CSV_') || code === 'INVALID_OPENING_QUOTE')) return error;

  const csv = error as CsvError & { bytes?: unknown; records?: unknown; column?: unknown };
  const line = await lineAt(file, typeof csv.bytes === 'number' ? csv.bytes : 0);
  // The header parsed (records > 0) but was dropped with the failure: read it alone again.
  const names = header ?? (typeof csv.records === 'number' && csv.records > 0 ? await readCsvHeader(file, spec).catch(() => undefined) : undefined);
  const where = { file, line, ...column(typeof csv.column === 'number' ? names?.nameAt(csv.column) : undefined) };
  switch (code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return new InvalidInput('unbalanced quote: the quoted value that starts on this line is never closed', where);
    case 'CSV_MAX_RECORD_SIZE':
      // a quote that is never closed is the likely cause, but only if the record has one
      return (await quoteFrom(file, typeof csv.bytes === 'number' ? csv.bytes : 0, maxRecordChars))
        ? new InvalidInput(`record longer than ${maxRecordChars} characters: an unbalanced quote? (a quoted value runs on until the limit)`, where)
        : new InvalidInput(`record longer than ${maxRecordChars} characters, the most a record may hold: no quote runs on in it, so its values are that long (a missing line break?)`, where);
    case 'CSV_INVALID_CLOSING_QUOTE':
      return new InvalidInput(
        'unbalanced quote: a closing quote is followed by something other than a comma or the end of the line (double a quote inside a quoted value: "")',
        where,
      );
    case 'INVALID_OPENING_QUOTE':
      return new InvalidInput(
        'unbalanced quote: a quote inside a value that does not start with one (quote the whole value and double the inner quote: "")',
        where,
      );
    default:
      return new InvalidInput(`invalid CSV: ${csv.message}`, where);
  }
}

/**
 * Whether the value that ran on past the size limit opens with a quote: read from where the
 * record's last whole value ended up to the first line break, which an unquoted value cannot hold
 * (so nothing of the next record is looked at), or `bytes` bytes.
 */
async function quoteFrom(file: string, offset: number, bytes: number): Promise<boolean> {
  for await (const chunk of createReadStream(file, { start: offset, end: offset + bytes - 1, highWaterMark: CSV_CHUNK_BYTES }) as AsyncIterable<Buffer>) {
    const quote = chunk.indexOf(QUOTE);
    const lineBreak = [chunk.indexOf(CR), chunk.indexOf(LF)].filter((at) => at >= 0);
    const end = lineBreak.length === 0 ? -1 : Math.min(...lineBreak);
    if (quote >= 0 && (end < 0 || quote < end)) return true;
    if (end >= 0) return false;
  }
  return false;
}

/** The line of a byte offset: one more than the line breaks (CR, LF or CRLF) before it. */
async function lineAt(file: string, offset: number): Promise<number> {
  if (offset <= 0) return 1;
  let line = 1;
  let previous = 0;
  for await (const chunk of createReadStream(file, { start: 0, end: offset - 1, highWaterMark: CSV_CHUNK_BYTES }) as AsyncIterable<Buffer>) {
    for (const byte of chunk) {
      if (byte === CR || (byte === LF && previous !== CR)) line += 1;
      previous = byte;
    }
  }
  return line;
}
