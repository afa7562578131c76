import { readJsonFile } from './json-record-stream';
import type { SplitRecord } from './json-record-splitter';
import { recordFingerprint } from './record-fingerprint';
import { recordIdHint } from './record-id-hint';
import { FIELDS_PER_RECORD, type RecordBatch } from './json-reading-protocol';

/**
 * The records of one JSON file in batches, one per chunk read: each record's bytes (unparsed),
 * their fingerprint and the id they probably hold (see RecordBatch). Throws what readJsonFile
 * throws, after the batches of the records before the problem.
 */
export async function* recordBatches(file: string, maxStringLength: number): AsyncGenerator<RecordBatch> {
  let chunk: Buffer | null = null;
  let chunkAt = 0;
  let nextChunkAt = 0;
  let chunks = 0;
  let bytes = 0;
  let records: SplitRecord[] = [];
  const ready: RecordBatch[] = [];
  const close = () => {
    if (records.length > 0 || bytes > 0) ready.push(batchOf(chunk, chunkAt, chunks, bytes, records));
    records = [];
    bytes = 0;
  };
  const reading = readJsonFile(file, {
    maxStringLength,
    raw: true,
    onBytes: (count) => {
      bytes += count;
    },
    onChunk: (next) => {
      close();
      chunk = next;
      chunkAt = nextChunkAt;
      nextChunkAt += next.length;
      chunks += 1;
    },
  });
  let failure: { error: unknown } | null = null;
  try {
    for await (const record of reading) {
      records.push(record);
      yield* ready.splice(0);
    }
  } catch (error) {
    failure = { error };
  }
  // what was read before a problem first, as a reader of the file alone would have yielded it
  close();
  yield* ready.splice(0);
  if (failure !== null) throw failure.error;
}

/** The records completed in one chunk (bytes of records inside it are sent once, as the chunk). */
function batchOf(chunk: Buffer | null, chunkAt: number, chunks: number, bytes: number, records: SplitRecord[]): RecordBatch {
  const fields = new Int32Array(records.length * FIELDS_PER_RECORD);
  const fingerprints: (string | null)[] = [];
  const ids: (string | null)[] = [];
  const others: unknown[] = [];
  let inChunk = false;
  records.forEach((record, i) => {
    const at = i * FIELDS_PER_RECORD;
    fields[at + 2] = record.index;
    fields[at + 3] = record.line;
    if ('value' in record) {
      // read again token by token after a problem: parsed already
      fields[at] = -1;
      fingerprints.push(null);
      ids.push(null);
      others.push(record.value);
      return;
    }
    fields[at + 4] = record.unit === 'item' ? 1 : 0;
    fingerprints.push(recordFingerprint(record.raw, record.unit));
    ids.push(recordIdHint(record.raw) ?? null);
    if (chunk !== null && within(record.raw, chunk)) {
      inChunk = true;
      fields[at] = record.raw.byteOffset - chunk.byteOffset;
      fields[at + 1] = fields[at]! + record.raw.length;
      others.push(null);
    } else {
      // a record that began in an earlier chunk: its bytes were copied together
      fields[at] = -2;
      others.push(record.raw.toString('utf8'));
    }
  });
  return { chunk: inChunk ? chunk : null, chunkAt, ahead: false, chunks, bytes, fields, fingerprints, ids, others };
}

/** Whether `bytes` lie inside `chunk` (a record the splitter handed over as a view of it). */
function within(bytes: Buffer, chunk: Buffer): boolean {
  return bytes.buffer === chunk.buffer && bytes.byteOffset >= chunk.byteOffset && bytes.byteOffset + bytes.length <= chunk.byteOffset + chunk.length;
}
