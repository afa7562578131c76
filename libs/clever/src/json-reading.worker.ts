import { parentPort } from 'node:worker_threads';
import { InvalidInput } from '@roster-ledger/domain';
import { readJsonFile } from './json-record-stream';
import type { SplitRecord } from './json-record-splitter';
import { recordFingerprint } from './record-fingerprint';
import { recordIdHint } from './record-id-hint';
import { BATCHES_AHEAD, FIELDS_PER_RECORD, type ReadingRequest, type ReadingMessage, type RecordBatch } from './json-reading-protocol';

/*
 * The reading thread of JsonReadingThread: reads each file asked for with the splitter, handing
 * over every record's bytes (unparsed) with their fingerprint and the id they probably hold, one
 * batch per chunk of the file, at most BATCHES_AHEAD batches ahead of the reader.
 */
const port = parentPort!;
let credit = BATCHES_AHEAD;
let wake: (() => void) | null = null;

port.on('message', (message: ReadingRequest) => {
  if (message.type === 'more') {
    credit += 1;
    wake?.();
    wake = null;
  } else {
    void read(message.file, message.maxStringLength);
  }
});

async function read(file: string, maxStringLength: number): Promise<void> {
  let chunk: Buffer | null = null;
  let chunks = 0;
  let bytes = 0;
  let records: SplitRecord[] = [];
  const ready: RecordBatch[] = [];
  const close = () => {
    if (records.length > 0 || bytes > 0) ready.push(batchOf(chunk, chunks, bytes, records));
    records = [];
    bytes = 0;
  };
  try {
    const reading = readJsonFile(file, {
      maxStringLength,
      raw: true,
      onBytes: (count) => {
        bytes += count;
      },
      onChunk: (next) => {
        close();
        chunk = next;
        chunks += 1;
      },
    });
    for await (const record of reading) {
      records.push(record);
      await send(ready);
    }
    close();
    await send(ready);
    port.postMessage({ type: 'end' } satisfies ReadingMessage);
  } catch (error) {
    // what was read before the problem first, as a reader in this thread would have yielded it
    close();
    await send(ready);
    port.postMessage({ type: 'failed', error: describe(error) } satisfies ReadingMessage);
  }
}

async function send(ready: RecordBatch[]): Promise<void> {
  while (ready.length > 0) {
    while (credit === 0) await new Promise<void>((resolve) => (wake = resolve));
    credit -= 1;
    port.postMessage({ type: 'batch', batch: ready.shift()! } satisfies ReadingMessage);
  }
}

/** The records completed in one chunk (bytes of records inside it are sent once, as the chunk). */
function batchOf(chunk: Buffer | null, chunks: number, bytes: number, records: SplitRecord[]): RecordBatch {
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
    if (chunk !== null && record.raw.buffer === chunk.buffer) {
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
  return { chunk: inChunk ? chunk : null, chunks, bytes, fields, fingerprints, ids, others };
}

function describe(error: unknown): Extract<ReadingMessage, { type: 'failed' }>['error'] {
  if (error instanceof InvalidInput) return { invalidInput: { rule: error.rule, at: error.at } };
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return { message: error instanceof Error ? error.message : String(error), ...(typeof code === 'string' ? { code } : {}) };
}
