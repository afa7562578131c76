import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { MessageChannel, receiveMessageOnPort, type MessagePort, type Worker } from 'node:worker_threads';
import { InvalidInput, type InputLocation } from '@roster-ledger/domain';
import { startSourceWorker } from '@roster-ledger/ledger';
import { FileByteRanges } from './file-byte-ranges';
import type { JsonRecord } from './json-envelope-parser';
import { FIELDS_PER_RECORD, notePosted, type ReadingChannel, type ReadingMessage, type ReadingRequest, type RecordBatch } from './json-reading-protocol';
import { recordBatches } from './json-record-batches';
import { fileError, openChunks, readOnPrecisely } from './json-record-stream';
import { holdsIdTwice, mayHoldIdTwice } from './duplicate-id-key';
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
  /** Where the thread's messages wait until taken, one at a time (see ReadingChannel), and the count of them posted. */
  private channel: { port: MessagePort; posted: Int32Array } | null = null;
  /** Why the thread stopped, when it did: taken once the messages it sent before are. */
  private broken: ReadingMessage | null = null;
  private readonly threadFrom: number;
  /** The large files given to readAhead and not asked for yet, in order. */
  private planned: string[] = [];
  /** Whether the thread has sent everything of the files given to readAhead, and who waits for that. */
  private aheadSent = true;
  private aheadWaiters: (() => void)[] = [];
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
    this.aheadSent = this.planned.length === 0;
    if (this.planned.length > 0) this.send({ type: 'read', files: [...this.planned], maxStringLength, runAhead: true });
  }

  /**
   * Resolves once the thread has sent all it found in the files given to readAhead (it waits here
   * until they are asked for), or the error that ended its reading.
   */
  async readAheadSent(): Promise<void> {
    if (this.aheadSent) return;
    const worker = this.thread();
    worker.ref();
    try {
      await new Promise<void>((resolve) => this.aheadWaiters.push(resolve));
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
    this.channel?.port.close();
  }

  private thread(): Worker {
    if (this.worker !== null) return this.worker;
    const { port1, port2 } = new MessageChannel();
    const posted = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
    const channel: ReadingChannel = { port: port2, posted };
    const worker = startSourceWorker(join(__dirname, 'json-reading.worker'), __filename, channel, [port2]);
    this.channel = { port: port1, posted: new Int32Array(posted) };
    // it keeps the process alive only while a reading waits for it (see next)
    worker.unref();
    // its one notice on this port: everything read ahead is sent
    worker.on('message', () => this.noteAheadSent());
    worker.on('error', (error: Error) => this.stopped({ type: 'failed', error: { message: `the reading thread failed: ${error.message}` } }));
    worker.on('exit', (code) => {
      if (!this.closed) this.stopped({ type: 'failed', error: { message: `the reading thread stopped (exit code ${code})` } });
    });
    this.worker = worker;
    return worker;
  }

  private send(request: ReadingRequest): void {
    this.thread().postMessage(request);
  }

  private stopped(why: ReadingMessage): void {
    this.broken ??= why;
    // wakes a reader waiting in next()
    notePosted(this.channel!.posted);
    this.noteAheadSent();
  }

  private noteAheadSent(): void {
    this.aheadSent = true;
    for (const resolve of this.aheadWaiters.splice(0)) resolve();
  }

  /** The thread's next message: taken off the channel, or waited for. */
  private async next(): Promise<ReadingMessage> {
    const worker = this.thread();
    const { port, posted } = this.channel!;
    for (;;) {
      // the count first: a message posted after the port is found empty moves it past `seen`
      const seen = Atomics.load(posted, 0);
      const received = receiveMessageOnPort(port);
      if (received !== undefined) return received.message as ReadingMessage;
      if (this.broken !== null) return this.broken;
      const wait = Atomics.waitAsync(posted, 0, seen);
      if (!wait.async) continue;
      // the thread keeps the process alive only while a reading waits for it: one abandoned
      // without being closed (its reader failed) must not keep a command from exiting
      worker.ref();
      try {
        await wait.value;
      } finally {
        worker.unref();
      }
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
  const parsed = parseRawRecord(text, unit);
  if (parsed !== undefined && mayHoldIdTwice(text) && holdsIdTwice(text)) {
    throw new InvalidInput(
      'the record holds the key "id" twice: a JSON reader keeps the second and drops the first, so it would be recorded as another record, and the record of the first id removed; which one it is is not for the ledger to guess',
      { file, line, record: index, ...(idHint ? { recordId: idHint } : {}), field: 'id' },
    );
  }
  return parsed === undefined ? undefined : { ...parsed, index, line, fingerprint };
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
