import { parentPort, workerData } from 'node:worker_threads';
import { InvalidInput } from '@roster-ledger/domain';
import { recordBatches } from './json-record-batches';
import { BATCHES_AHEAD, notePosted, RUN_AHEAD_BYTES, type ReadingChannel, type ReadingMessage, type ReadingNotice, type ReadingRequest, type RecordBatch } from './json-reading-protocol';
import { READ_CHUNK_BYTES } from './json-record-stream';

/*
 * The reading thread of JsonReadingThread: reads the files asked for into record batches (see
 * recordBatches), at most BATCHES_AHEAD batches ahead of the reader, and when asked to run ahead,
 * past that without their chunks until the reader is taking them (see ReadingRequest). Requests
 * come on the parent port; batches go on the reader's ReadingChannel.
 */
const port = parentPort!;
const channel = (workerData as { data: ReadingChannel }).data;
const posted = new Int32Array(channel.posted);
let credit = BATCHES_AHEAD;
let runAhead = false;
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
  } else if (message.type === 'taking') {
    runAhead = false;
  } else {
    runAhead = message.runAhead;
    void read(message.files, message.maxStringLength, message.runAhead);
  }
});

async function read(files: readonly string[], maxStringLength: number, ahead: boolean): Promise<void> {
  let aheadBytes = 0;
  try {
    for (const file of files) {
      for await (const batch of recordBatches(file, maxStringLength)) {
        if (credit === 0 && runAhead && aheadBytes + batch.bytes <= RUN_AHEAD_BYTES) {
          // the reader is not taking batches yet: what is found in the chunk goes now, its bytes
          // stay in the file (most records are recognised by their fingerprint alone)
          aheadBytes += batch.bytes;
          send({ type: 'batch', batch: { ...batch, chunk: null, ahead: true } });
          continue;
        }
        while (credit === 0) await new Promise<void>((resolve) => (wake = resolve));
        credit -= 1;
        send({ type: 'batch', batch: inRing(batch) });
      }
      send({ type: 'end' });
    }
  } catch (error) {
    send({ type: 'failed', error: describe(error) });
  }
  if (ahead) port.postMessage({ type: 'ahead-sent' } satisfies ReadingNotice);
}

/** A message on the reader's channel, and the counter it waits on raised. */
function send(message: ReadingMessage): void {
  channel.port.postMessage(message);
  notePosted(posted);
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
