import { createReadStream } from 'node:fs';
import { TextDecoder } from 'node:util';
import { InvalidInput } from '@roster-ledger/domain';
import type { InputLocation } from '@roster-ledger/domain';
import { fileEncodingProblem } from './file-encoding-hint';
import { EnvelopeParser } from './json-envelope-parser';
import type { JsonRecord } from './json-envelope-parser';
import { JsonRecordSplitter } from './json-record-splitter';
import type { SplitRecord } from './json-record-splitter';
import { LineCounter } from './line-counter';
import { unfitIdProblem } from './record-header';
import { Utf8ChunkCheck } from './utf8-chunk-check';

/** Bytes read from disk at a time. */
export const READ_CHUNK_BYTES = 64 * 1024;
/** Longest string value accepted in a record, in characters. */
export const DEFAULT_MAX_STRING_LENGTH = 65_536;

export interface JsonRecordOptions {
  /** Named in every error. */
  file: string;
  maxStringLength: number;
  /**
   * Hand over the records' bytes, not parsed (see JsonRecordSplitter's `raw`). Records found
   * after a problem (read again token by token) are handed over parsed.
   */
  raw?: boolean;
  /** Called with each chunk of the first reading, before the records it completes are yielded. */
  onChunk?: (chunk: Buffer) => void;
}

/**
 * Streams the records of one JSON file: a plain array of objects, or the API list envelope
 * `{"data": [{"data": {...}, "uri": "..."}], "links": [...]}` (records are the inner `data`). An
 * envelope whose `data` is not an array (a single-record endpoint's `{"data": {...}}`) is an
 * error: a snapshot file lists every record of its kind. Only the current chunk and the record being read are
 * held in memory. A chunk is pulled from the source only when the records of the previous one
 * have been taken, so a slow consumer holds the reading back.
 *
 * Throws InvalidInput, after yielding every record complete before the problem, when the bytes
 * are not UTF-8 (a gzip-compressed or UTF-16 file is named as such), the file is empty, the JSON is invalid or truncated, the envelope is not one of
 * the forms above, or a string is longer than `maxStringLength`.
 *
 * `open` is called once, and once more when the file has a problem: the records are found by
 * JsonRecordSplitter (slices handed to JSON.parse), and where it gives up the file is read again
 * from the start by {@link readJsonRecordsPrecisely}, which names the problem; the records already
 * yielded are not yielded again.
 */
export async function* readJsonRecords(
  open: () => AsyncIterable<Uint8Array>,
  options: JsonRecordOptions,
): AsyncGenerator<SplitRecord> {
  const utf8 = new Utf8ChunkCheck();
  const splitter = new JsonRecordSplitter({ maxStringLength: options.maxStringLength, ...(options.raw ? { raw: true } : {}) });
  let chunks = 0;
  let yielded = 0;
  let accepted = true;
  for await (const chunk of open()) {
    chunks += 1;
    options.onChunk?.(chunk as Buffer);
    accepted = utf8.accepts(chunk) && splitter.write(chunk);
    for (const record of splitter.take()) {
      yielded += 1;
      yield record;
    }
    if (!accepted) break;
  }
  if (accepted && utf8.acceptsEnd() && splitter.end()) return;
  yield* readOnPrecisely(open, options, { yielded, chunks });
}

/**
 * Where a fast reading of a file stopped (its splitter gave up, or a record it handed over would
 * not parse), reads the file again with EnvelopeParser, which finds the problem there, or once
 * the token there is complete, and throws it. It yields the records after the `yielded` first: a
 * record completed after the first `chunks` chunks of `open()` (those the fast reading had read),
 * or no problem at all, means the readings disagree.
 */
export async function* readOnPrecisely(
  open: () => AsyncIterable<Uint8Array>,
  options: JsonRecordOptions,
  stopped: { yielded: number; chunks: number },
): AsyncGenerator<JsonRecord> {
  const { yielded, chunks } = stopped;
  const inconsistent = new InvalidInput(
    `file could not be read consistently: the first reading stopped after ${yielded} records, a second reading found no problem there (was the file changed while it was read?)`,
    { file: options.file },
  );
  let pulled = 0;
  const source = counted(open(), () => {
    pulled += 1;
  });
  for await (const record of readJsonRecordsPrecisely(source, options)) {
    if (record.index < yielded) continue;
    if (pulled > chunks) throw inconsistent;
    yield record;
  }
  throw inconsistent;
}

/**
 * The records of one JSON file read token by token with EnvelopeParser: the same records as
 * {@link readJsonRecords}, several times slower, with the precise error. It reads `source` once.
 */
export async function* readJsonRecordsPrecisely(
  source: AsyncIterable<Uint8Array>,
  options: JsonRecordOptions,
): AsyncGenerator<JsonRecord> {
  const { file } = options;
  const lines = new LineCounter();
  const utf8 = new Utf8ChunkCheck();
  const ready: JsonRecord[] = [];
  const envelope = new EnvelopeParser({
    file,
    maxStringLength: options.maxStringLength,
    lineAt: (offset) => lines.lineAt(offset),
    lastLine: () => lines.lastContentLine(),
    onRecord: (record) => ready.push(record),
  });

  let chunkStart = 0;
  // The parser gets whole characters only: the start of one cut at the end of a chunk waits for
  // the next chunk, so that bytes read past a bad one (see NotUtf8) cannot complete it.
  let held: Uint8Array = new Uint8Array(0);
  let notUtf8: NotUtf8 | undefined;
  // the file's first bytes: a gzip-compressed or UTF-16 file is named as such, not by its first bad byte
  let head: Uint8Array = new Uint8Array(0);
  for await (const chunk of source) {
    if (head.length < 2) {
      head = Buffer.concat([head, chunk.subarray(0, 2 - head.length)]);
      const problem = fileEncodingProblem(head, file);
      if (problem !== undefined) throw new InvalidInput(problem, { file });
    }
    if (notUtf8 !== undefined) {
      if (notUtf8.readOn(chunk)) break;
      continue;
    }
    lines.push(chunk);
    const bad = utf8.firstBadByte(chunk);
    const bytes = held.length === 0 ? chunk : Buffer.concat([held, chunk]);
    // Up to the bad bytes, so that the parser knows the record and the field they are in.
    const whole = bad === undefined ? bytes.length - utf8.cutBytes() : held.length + bad.index;
    const failure = attempt(() => envelope.write(whole === bytes.length ? bytes : bytes.subarray(0, whole)));
    held = bytes.slice(whole);
    yield* ready.splice(0);
    if (failure !== undefined) throw failure;
    if (bad !== undefined) {
      notUtf8 = new NotUtf8(envelope, ready, { offset: chunkStart + bad.index, byte: bad.byte, line: lines.lineAt(chunkStart + Math.max(bad.index, 0)), file });
      if (notUtf8.readOn(held)) break;
    }
    chunkStart += chunk.length;
  }
  if (notUtf8 !== undefined) throw notUtf8.error();
  if (!utf8.acceptsEnd()) {
    throw new InvalidInput('file is not valid UTF-8: it ends in the middle of a character', {
      file,
      line: lines.lastContentLine(),
    });
  }
  const failure = attempt(() => envelope.end());
  yield* ready.splice(0);
  if (failure !== undefined) throw failure;
}

/** Bytes read past the first one that is not UTF-8, looking for the id of its record. */
const NOT_UTF8_LOOKAHEAD_BYTES = 1024 * 1024;

/**
 * The error for bytes that are not UTF-8, naming the record they are in. Clever files are often
 * one line, so the line alone locates nothing: the record's number, its id and the byte offset
 * do. The id often comes after the broken field (Clever sends `name` before `id`), so the record
 * is read on, the broken bytes replaced, until it ends (at most 1 MiB further); its records are
 * dropped, never yielded.
 */
class NotUtf8 {
  private readonly at: InputLocation;
  private readonly lenient = new TextDecoder('utf-8', { ignoreBOM: true });
  private lookedAt = 0;
  private recordId: string | undefined;
  private done: boolean;

  constructor(
    private readonly envelope: EnvelopeParser,
    private readonly ready: JsonRecord[],
    private readonly bad: { offset: number; byte: number; line: number; file: string },
  ) {
    this.at = { file: bad.file, line: bad.line, ...envelope.position() };
    this.recordId = this.at.recordId;
    this.done = this.at.record === undefined || this.recordId !== undefined;
  }

  /** Reads the record on through `bytes`. True once there is nothing more to learn. */
  readOn(bytes: Uint8Array): boolean {
    if (this.done) return true;
    this.lookedAt += bytes.length;
    const text = Buffer.from(this.lenient.decode(bytes, { stream: true }));
    const stopped = attempt(() => this.envelope.write(text)) !== undefined;
    const finished = this.ready.splice(0).find((one) => one.index === this.at.record);
    const id = finished === undefined ? this.envelope.currentRecordId() : finished.value['id'];
    // An id holding a replacement character is one the bad bytes broke: it names no record.
    if (typeof id === 'string' && id !== '' && !id.includes('\uFFFD') && unfitIdProblem(id) === null) this.recordId = id;
    this.done = stopped || finished !== undefined || this.recordId !== undefined || this.lookedAt > NOT_UTF8_LOOKAHEAD_BYTES;
    return this.done;
  }

  error(): InvalidInput {
    const hex = this.bad.byte.toString(16).toUpperCase().padStart(2, '0');
    return new InvalidInput(
      `file is not valid UTF-8: byte 0x${hex} at byte offset ${this.bad.offset} is not UTF-8 text (save the file as UTF-8)`,
      this.recordId === undefined ? this.at : { ...this.at, recordId: this.recordId },
    );
  }
}

/**
 * {@link readJsonRecords} over a file read in 64 KiB chunks, telling `onBytes` how many bytes each
 * chunk of the first reading held. A file that cannot be opened is InvalidInput too.
 */
export async function* readJsonFile(
  path: string,
  options: Omit<JsonRecordOptions, 'file'> & { onBytes?: (count: number) => void },
): AsyncGenerator<SplitRecord> {
  const { onBytes, ...reading } = options;
  // Only the first reading counts: a second one (to name a problem) reads bytes already counted.
  let readings = 0;
  const open = () => {
    readings += 1;
    const stream = openChunks(path);
    return readings === 1 && onBytes ? counted(stream, onBytes) : stream;
  };
  try {
    yield* readJsonRecords(open, { file: path, ...reading });
  } catch (error) {
    throw fileError(error, path);
  }
}

/** A file's bytes in 64 KiB chunks (the chunks {@link readOnPrecisely} counts). */
export function openChunks(path: string): AsyncIterable<Uint8Array> {
  return createReadStream(path, { highWaterMark: READ_CHUNK_BYTES });
}

/** A file that cannot be read as InvalidInput naming it; any other error as it is. */
export function fileError(error: unknown, path: string): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return new InvalidInput('file not found (removed while reading?)', { file: path });
  if (code === 'EISDIR') return new InvalidInput('expected a file, found a folder', { file: path });
  if (code === 'EACCES') return new InvalidInput('file cannot be read: permission denied', { file: path });
  return error;
}

async function* counted(source: AsyncIterable<Uint8Array>, onBytes: (count: number) => void): AsyncGenerator<Uint8Array> {
  for await (const chunk of source) {
    onBytes(chunk.length);
    yield chunk;
  }
}

function attempt(action: () => void): unknown {
  try {
    action();
    return undefined;
  } catch (error) {
    return error;
  }
}
