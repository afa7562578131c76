import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { InvalidInput, type InputLocation } from '@roster-ledger/domain';
import { startSourceWorker } from '@roster-ledger/ledger';
import { FileByteRanges } from './file-byte-ranges';
import type { JsonRecord } from './json-envelope-parser';
import { FIELDS_PER_RECORD, type ReadingMessage, type ReadingRequest, type RecordBatch } from './json-reading-protocol';
import { recordBatches } from './json-record-batches';
import { fileError, openChunks, readOnPrecisely } from './json-record-stream';
import { parseRawRecord } from './json-record-splitter';
import { recordFingerprint, type RecordUnit } from './record-fingerprint';

/** Files smaller than this are read on the reader's own thread. */
export const READ_ON_THREAD_FROM_BYTES = 1024 * 1024;

/** A record whose bytes the reader recognised: not parsed. */
export interface KnownJsonRecord {
  value: null;
  knownAs: string;
  fingerprint: string;
  /** Zero-based position of the record in its file. */
  index: number;
  /** Line where the record starts. */
  line: number;
}

/**
 * Given a record's fingerprint and the id its bytes probably hold, the id of the record already
 * known to be made from exactly these bytes, if any: such a record is handed over unparsed.
 */
export type RecogniseRecord = (fingerprint: string, idHint: string) => string | undefined;

export interface ThreadReadingOptions {
  maxStringLength: number;
  onBytes?: (count: number) => void;
  recognise?: RecogniseRecord;
}

/**
 * Reads JSON snapshot files one after another, each large one on a second thread: there the bytes
 * are split into records, fingerprinted and searched for their id; here each record is
 * recognised or parsed. A million-student sync spent most of its reading on the splitting and
 * hashing that now run beside the diff (see BENCHMARKS.md). Small files go through the same steps
 * on this thread. The records, their order, lines, indexes and errors are those of readJsonFile.
 * Files named to `readAhead` are read on the thread from then on, before they are asked for.
 * Close it when done, or when a reading is abandoned.
 */
export class JsonReadingThread {
  private worker: Worker | null = null;
  private readonly inbox: ReadingMessage[] = [];
  private waiting: ((message: ReadingMessage) => void) | null = null;
  private readonly threadFrom: number;
  /** The large files given to readAhead and not asked for yet, in order. */
  private planned: string[] = [];
  private aheadFiles = 0;
  /** Files the thread has sent everything of (their end, or the error that ended its reading), and who waits for that. */
  private filesSent = 0;
  private sentWaiters: (() => void)[] = [];
  private taking = false;
  private busy = false;
  private closed = false;

  /** @param options.threadFrom the size from which a file is read on the thread (smaller ones here). */
  constructor(options: { threadFrom?: number } = {}) {
    this.threadFrom = options.threadFrom ?? READ_ON_THREAD_FROM_BYTES;
  }

  /**
   * Starts reading the large ones of `files` on the thread now, in this order, which is the order
   * `records` must then ask for them in: the thread splits and fingerprints them while this thread
   * does other work (a sync loads its district's state), beyond the few batches it otherwise reads
   * ahead. Call it once, before the first `records`.
   */
  async readAhead(files: readonly string[], maxStringLength: number): Promise<void> {
    if (this.planned.length > 0 || this.busy || this.taking) throw new Error('JsonReadingThread.readAhead is called once, before reading');
    const sizes = await Promise.all(files.map(fileSize));
    this.planned = files.filter((_, i) => sizes[i]! >= this.threadFrom);
    this.aheadFiles = this.planned.length;
    if (this.planned.length > 0) this.send({ type: 'read', files: [...this.planned], maxStringLength, runAhead: true });
  }

  /**
   * Resolves once the thread has sent all it found in the files given to readAhead (it waits here
   * until they are asked for), or the error that ended its reading.
   */
  async readAheadSent(): Promise<void> {
    if (this.filesSent >= this.aheadFiles) return;
    const worker = this.thread();
    worker.ref();
    try {
      await new Promise<void>((resolve) => this.sentWaiters.push(resolve));
    } finally {
      worker.unref();
    }
  }

  /** The records of one file, as readJsonFile yields them (recognised ones unparsed). */
  async *records(file: string, options: ThreadReadingOptions): AsyncGenerator<JsonRecord | KnownJsonRecord> {
    if (this.closed) throw new Error('JsonReadingThread.records after close');
    if (this.busy) throw new Error('JsonReadingThread reads one file at a time');
    this.busy = true;
    let finished = false;
    try {
      yield* this.read(file, options);
      finished = true;
    } finally {
      // a reading left half done leaves its batches coming: the thread is of no further use
      if (finished) this.busy = false;
      else await this.close();
    }
  }

  private async *read(file: string, options: ThreadReadingOptions): AsyncGenerator<JsonRecord | KnownJsonRecord> {
    const batches = await this.batchesOf(file, options.maxStringLength);
    const again = new FileByteRanges(file);
    let yielded = 0;
    try {
      for await (const batch of batches) {
        options.onBytes?.(batch.bytes);
        const count = batch.fields.length / FIELDS_PER_RECORD;
        for (let i = 0; i < count; i += 1) {
          const record = recordOf(batch, i, options.recognise, file, again);
          if (record === undefined) {
            // bytes the splitter passed that do not parse: read again token by token, here, to
            // name the problem (the thread's reading of the file is abandoned)
            try {
              yield* readOnPrecisely(() => openChunks(file), { file, maxStringLength: options.maxStringLength }, { yielded, chunks: batch.chunks });
            } catch (error) {
              throw fileError(error, file);
            }
            return;
          }
          yielded += 1;
          yield record;
        }
      }
    } finally {
      again.close();
    }
  }

  /** Where one file's batches come from: the thread (read ahead, or asked for now), or this thread. */
  private async batchesOf(file: string, maxStringLength: number): Promise<AsyncIterable<RecordBatch>> {
    if (this.planned[0] === file) {
      this.planned.shift();
      return this.batchesFromThread();
    }
    // a small file is read here: waiting for the thread to start would take longer
    if ((await fileSize(file)) < this.threadFrom) return recordBatches(file, maxStringLength);
    if (this.planned.length > 0) throw new Error(`JsonReadingThread: ${file} asked for before ${this.planned[0]}, which is read ahead`);
    this.send({ type: 'read', files: [file], maxStringLength, runAhead: false });
    return this.batchesFromThread();
  }

  /** The batches of one file as the thread sends them, asking for one more as each is taken. */
  private async *batchesFromThread(): AsyncGenerator<RecordBatch> {
    if (!this.taking) {
      // from now on the thread runs ahead only as far as its credit
      this.taking = true;
      this.send({ type: 'taking' });
    }
    for (;;) {
      const message = await this.next();
      if (message.type === 'end') return;
      if (message.type === 'failed') throw failure(message.error);
      // the thread reads on while this batch is taken in (one sent ahead took no credit)
      if (!message.batch.ahead) this.send({ type: 'more' });
      yield message.batch;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.worker?.terminate();
  }

  private thread(): Worker {
    if (this.worker !== null) return this.worker;
    const worker = startSourceWorker(join(__dirname, 'json-reading.worker'), __filename, null);
    // it keeps the process alive only while a reading waits for it (see next)
    worker.unref();
    worker.on('message', (message: ReadingMessage) => this.deliver(message));
    worker.on('error', (error: Error) => this.deliver({ type: 'failed', error: { message: `the reading thread failed: ${error.message}` } }));
    worker.on('exit', (code) => {
      if (!this.closed) this.deliver({ type: 'failed', error: { message: `the reading thread stopped (exit code ${code})` } });
    });
    this.worker = worker;
    return worker;
  }

  private send(request: ReadingRequest): void {
    this.thread().postMessage(request);
  }

  private deliver(message: ReadingMessage): void {
    if (message.type !== 'batch') this.noteFileSent(message.type === 'failed');
    const waiting = this.waiting;
    if (waiting === null) {
      this.inbox.push(message);
      return;
    }
    this.waiting = null;
    waiting(message);
  }

  private noteFileSent(failed: boolean): void {
    // a failure ends the thread's reading: none of the files after it comes
    this.filesSent = failed ? Number.MAX_SAFE_INTEGER : this.filesSent + 1;
    if (this.filesSent < this.aheadFiles) return;
    for (const resolve of this.sentWaiters.splice(0)) resolve();
  }

  private async next(): Promise<ReadingMessage> {
    const message = this.inbox.shift();
    if (message !== undefined) return message;
    // the thread keeps the process alive only while a reading waits for it: one abandoned without
    // being closed (its reader failed) must not keep a command from exiting
    const worker = this.thread();
    worker.ref();
    try {
      return await new Promise((resolve) => (this.waiting = resolve));
    } finally {
      worker.unref();
    }
  }
}

/** Record `i` of a batch: recognised, parsed, or undefined when its bytes do not parse. */
function recordOf(
  batch: RecordBatch,
  i: number,
  recognise: RecogniseRecord | undefined,
  file: string,
  again: FileByteRanges,
): JsonRecord | KnownJsonRecord | undefined {
  const at = i * FIELDS_PER_RECORD;
  const start = batch.fields[at]!;
  const index = batch.fields[at + 2]!;
  const line = batch.fields[at + 3]!;
  if (start === -1) return { value: batch.others[i] as Record<string, unknown>, index, line };
  const fingerprint = batch.fingerprints[i]!;
  const idHint = batch.ids[i];
  const knownAs = recognise !== undefined && idHint !== null && idHint !== undefined ? recognise(fingerprint, idHint) : undefined;
  if (knownAs !== undefined) return { value: null, knownAs, fingerprint, index, line };
  const unit: RecordUnit = batch.fields[at + 4] === 1 ? 'item' : 'record';
  const end = batch.fields[at + 1]!;
  let text: string;
  if (start === -2) text = batch.others[i] as string;
  else if (batch.chunk !== null) text = textOf(batch.chunk, start, end);
  else text = readAgain(again, batch.chunkAt + start, end - start, unit, fingerprint, { file, line, record: index, ...(idHint ? { recordId: idHint } : {}) });
  const value = parseRawRecord(text, unit);
  return value === undefined ? undefined : { value, index, line, fingerprint };
}

function textOf(chunk: Uint8Array, start: number, end: number): string {
  return Buffer.from(chunk.buffer, chunk.byteOffset + start, end - start).toString('utf8');
}

/**
 * The text of a record the thread sent ahead without its bytes, read from the file again: they
 * must be the bytes it fingerprinted, or the record would be noted as made from bytes it was not.
 */
function readAgain(again: FileByteRanges, position: number, length: number, unit: RecordUnit, fingerprint: string, at: InputLocation): string {
  const bytes = again.read(position, length);
  if (recordFingerprint(bytes, unit) !== fingerprint) {
    throw new InvalidInput(
      'file changed while it was read: this record\'s bytes are not the ones read a moment before (was the file written to during the sync?); run the sync again once the file is complete',
      at,
    );
  }
  return bytes.toString('utf8');
}

function failure(error: Extract<ReadingMessage, { type: 'failed' }>['error']): Error {
  if ('invalidInput' in error) return new InvalidInput(error.invalidInput.rule, error.invalidInput.at);
  return Object.assign(new Error(error.message), error.code === undefined ? {} : { code: error.code });
}

/** A file's size; 0 when it cannot be read (the reading names why). */
async function fileSize(file: string): Promise<number> {
  return (await stat(file).catch(() => undefined))?.size ?? 0;
}
