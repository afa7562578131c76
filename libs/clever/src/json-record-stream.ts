import { createReadStream } from 'node:fs';
import { TextDecoder } from 'node:util';
import { InvalidInput } from '@roster-ledger/domain';
import { EnvelopeParser } from './json-envelope-parser';
import type { JsonRecord } from './json-envelope-parser';
import { LineCounter } from './line-counter';

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
 * Streams the records of one JSON file: a plain array of objects, the API list envelope
 * `{"data": [{"data": {...}, "uri": "..."}], "links": [...]}` (records are the inner `data`) or a
 * single-object envelope `{"data": {...}}`. Only the current chunk and the record being read are
 * held in memory. A chunk is pulled from the source only when the records of the previous one
 * have been taken, so a slow consumer holds the reading back.
 *
 * Throws InvalidInput, after yielding every record complete before the problem, when the bytes
 * are not UTF-8, the file is empty, the JSON is invalid or truncated, the envelope is not one of
 * the forms above, or a string is longer than `maxStringLength`.
 */
export async function* readJsonRecords(
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
 * chunk held. A file that cannot be opened is InvalidInput too.
 */
export async function* readJsonFile(
  path: string,
  maxStringLength: number,
  onBytes: (count: number) => void = () => undefined,
): AsyncGenerator<JsonRecord> {
  try {
    const chunks = counted(createReadStream(path, { highWaterMark: READ_CHUNK_BYTES }), onBytes);
    yield* readJsonRecords(chunks, { file: path, maxStringLength });
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
