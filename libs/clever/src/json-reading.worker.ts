import { parentPort } from 'node:worker_threads';
import { InvalidInput } from '@roster-ledger/domain';
import { recordBatches } from './json-record-batches';
import { BATCHES_AHEAD, type ReadingMessage, type ReadingRequest, type RecordBatch } from './json-reading-protocol';
import { READ_CHUNK_BYTES } from './json-record-stream';

/*
 * The reading thread of JsonReadingThread: reads each file asked for into record batches (see
 * recordBatches), at most BATCHES_AHEAD batches ahead of the reader.
 */
const port = parentPort!;
let credit = BATCHES_AHEAD;
/**
 * The chunks go to the reader in memory both threads share, a slot per batch, reused once the
 * reader has taken the batches after it: a copy per chunk (a million-student users.json is 17,000
 * of them) is memory outside the reader's heap, and V8 collects the whole heap each time enough
 * of that has been allocated. The reader asks for one more batch as it takes one, so it holds at
 * most BATCHES_AHEAD + 1 slots.
 */
const SLOTS = BATCHES_AHEAD + 2;
const ring = new SharedArrayBuffer(SLOTS * READ_CHUNK_BYTES);
let sent = 0;
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
  try {
    for await (const batch of recordBatches(file, maxStringLength)) {
      while (credit === 0) await new Promise<void>((resolve) => (wake = resolve));
      credit -= 1;
      port.postMessage({ type: 'batch', batch: inRing(batch) } satisfies ReadingMessage);
    }
    port.postMessage({ type: 'end' } satisfies ReadingMessage);
  } catch (error) {
    port.postMessage({ type: 'failed', error: describe(error) } satisfies ReadingMessage);
  }
}

function inRing(batch: RecordBatch): RecordBatch {
  const slot = (sent++ % SLOTS) * READ_CHUNK_BYTES;
  const { chunk } = batch;
  if (chunk === null || chunk.length > READ_CHUNK_BYTES) return batch;
  const shared = new Uint8Array(ring, slot, chunk.length);
  shared.set(chunk);
  return { ...batch, chunk: shared };
}

function describe(error: unknown): Extract<ReadingMessage, { type: 'failed' }>['error'] {
  if (error instanceof InvalidInput) return { invalidInput: { rule: error.rule, at: error.at } };
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return { message: error instanceof Error ? error.message : String(error), ...(typeof code === 'string' ? { code } : {}) };
}
