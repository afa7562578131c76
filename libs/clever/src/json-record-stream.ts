import { createReadStream } from 'node:fs';
import { TextDecoder } from 'node:util';
import { InvalidInput } from '@roster-ledger/domain';
import { EnvelopeParser } from './json-envelope-parser';
import type { JsonRecord } from './json-envelope-parser';
import { JsonRecordSplitter } from './json-record-splitter';
import { LineCounter } from './line-counter';
import { Utf8ChunkCheck } from './utf8-chunk-check';

/** Bytes read from disk at a time. */
export const READ_CHUNK_BYTES = 64 * 1024;
/** Longest string value accepted in a record, in characters. */
export const DEFAULT_MAX_STRING_LENGTH = 65_536;

export interface JsonRecordOptions {
  /** Named in every error. */
  file: string;
  maxStringLength: number;
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
 * are not UTF-8, the file is empty, the JSON is invalid or truncated, the envelope is not one of
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
): AsyncGenerator<JsonRecord> {
  const utf8 = new Utf8ChunkCheck();
  const splitter = new JsonRecordSplitter({ maxStringLength: options.maxStringLength });
  let chunks = 0;
  let yielded = 0;
  let accepted = true;
  for await (const chunk of open()) {
    chunks += 1;
    accepted = utf8.accepts(chunk) && splitter.write(chunk);
    for (const record of splitter.take()) {
      yielded += 1;
      yield record;
    }
    if (!accepted) break;
  }
  if (accepted && utf8.acceptsEnd() && splitter.end()) return;

  // EnvelopeParser finds the problem where the splitter gave up, or once the token there is
  // complete. It yields the records before it: a record completed after the chunk where the
  // splitter gave up, or no problem at all, means the readings disagree.
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
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const ready: JsonRecord[] = [];
  const envelope = new EnvelopeParser({
    file,
    maxStringLength: options.maxStringLength,
    lineAt: (offset) => lines.lineAt(offset),
    lastLine: () => lines.lastContentLine(),
    onRecord: (record) => ready.push(record),
  });

  for await (const chunk of source) {
    lines.push(chunk);
    checkUtf8(decoder, chunk, file, lines);
    const failure = attempt(() => envelope.write(chunk));
    yield* ready.splice(0);
    if (failure !== undefined) throw failure;
  }
  try {
    decoder.decode();
  } catch {
    throw new InvalidInput('file is not valid UTF-8: it ends in the middle of a character', {
      file,
      line: lines.lastContentLine(),
    });
  }
  const failure = attempt(() => envelope.end());
  yield* ready.splice(0);
  if (failure !== undefined) throw failure;
}

/**
 * {@link readJsonRecords} over a file read in 64 KiB chunks, telling `onBytes` how many bytes each
 * chunk of the first reading held. A file that cannot be opened is InvalidInput too.
 */
export async function* readJsonFile(
  path: string,
  maxStringLength: number,
  onBytes: (count: number) => void = () => undefined,
): AsyncGenerator<JsonRecord> {
  // Only the first reading counts: a second one (to name a problem) reads bytes already counted.
  let readings = 0;
  const open = () => {
    readings += 1;
    const stream = createReadStream(path, { highWaterMark: READ_CHUNK_BYTES });
    return readings === 1 ? counted(stream, onBytes) : stream;
  };
  try {
    yield* readJsonRecords(open, { file: path, maxStringLength });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    if (code === 'ENOENT') throw new InvalidInput('file not found (removed while reading?)', { file: path });
    if (code === 'EISDIR') throw new InvalidInput('expected a file, found a folder', { file: path });
    if (code === 'EACCES') throw new InvalidInput('file cannot be read: permission denied', { file: path });
    throw error;
  }
}

async function* counted(source: AsyncIterable<Uint8Array>, onBytes: (count: number) => void): AsyncGenerator<Uint8Array> {
  for await (const chunk of source) {
    onBytes(chunk.length);
    yield chunk;
  }
}

/**
 * The streaming decoder rejects any byte sequence that is not UTF-8 (and keeps a character split
 * across chunks for the next one). The text is only checked, never kept.
 */
function checkUtf8(decoder: TextDecoder, chunk: Uint8Array, file: string, lines: LineCounter): void {
  try {
    decoder.decode(chunk, { stream: true });
  } catch {
    throw new InvalidInput('file is not valid UTF-8: it has bytes that are not UTF-8 text (save it as UTF-8)', {
      file,
      line: approximateBadLine(chunk, lines),
    });
  }
}

/** The line of the first replacement character a lenient decoder produces: good enough to find the bytes. */
function approximateBadLine(chunk: Uint8Array, lines: LineCounter): number {
  const text = new TextDecoder('utf-8').decode(chunk);
  const bad = text.indexOf('\uFFFD');
  let newlines = 0;
  for (let at = text.indexOf('\n'); at !== -1 && at < bad; at = text.indexOf('\n', at + 1)) newlines += 1;
  return lines.chunkStartLine() + newlines;
}

function attempt(action: () => void): unknown {
  try {
    action();
    return undefined;
  } catch (error) {
    return error;
  }
}
