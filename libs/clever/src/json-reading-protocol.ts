import type { MessagePort } from 'node:worker_threads';
import type { InputLocation } from '@roster-ledger/domain';

/** Batches (a chunk of the file each) the reading thread may send before the reader takes one. */
export const BATCHES_AHEAD = 32;

/**
 * File bytes the reading thread may read ahead of the reader, past BATCHES_AHEAD, before the reader
 * has taken a batch (see ReadingRequest). It sends only what it found in them (offsets,
 * fingerprints, ids), which waits on the ReadingChannel until taken. At a million students (1.1 GB
 * of files, a state load of about 7 s), reading all of it ahead saved no more time than this half
 * of it, for more memory (see BENCHMARKS.md).
 */
export const RUN_AHEAD_BYTES = 512 * 1024 * 1024;

/**
 * Per record in `RecordBatch.fields`: the start and end of its bytes in the chunk (start -1: parsed
 * already, in `others`; -2: its text is in `others`), its index in the file, its line, and 1 for
 * an item of the list envelope (0 for an element of a plain array).
 */
export const FIELDS_PER_RECORD = 5;

/** The records completed in one chunk of a file, as the reading thread hands them over. */
export interface RecordBatch {
  /**
   * The chunk, when records lie inside it, unless the batch was sent ahead (below): those records'
   * bytes are then read again from the file at `chunkAt`.
   */
  chunk: Uint8Array | null;
  /** Where the chunk starts in the file. */
  chunkAt: number;
  /**
   * Sent ahead of the reader, beyond its credit, while it had not started taking batches: without
   * the chunk, and no `more` is asked for it.
   */
  ahead: boolean;
  /** Chunks of the file read so far, this one included. */
  chunks: number;
  /** Bytes read since the last batch. */
  bytes: number;
  fields: Int32Array;
  /** Per record: the fingerprint of its bytes (null for one parsed already). */
  fingerprints: (string | null)[];
  /** Per record: the id its bytes probably hold (see recordIdHint), if any. */
  ids: (string | null)[];
  /** Per record: its text or parsed value, when not in the chunk. */
  others: unknown[];
}

/**
 * From the reader to the reading thread: read files, one after the other (with `runAhead`, past the
 * reader's credit until it is `taking`, up to RUN_AHEAD_BYTES: a sync loads its district's state
 * before it takes the first record, and the thread would otherwise wait through it), send one more
 * batch, or stop running ahead: the reader is taking batches.
 */
export type ReadingRequest =
  | { type: 'read'; files: string[]; maxStringLength: number; runAhead: boolean }
  | { type: 'more' }
  | { type: 'taking' };

/** From the reading thread on its parent port: everything of a reading that ran ahead is on the channel. */
export type ReadingNotice = { type: 'ahead-sent' };

/**
 * What the reader gives the reading thread when it starts: the port the thread sends its
 * ReadingMessages on, which the reader takes one at a time as it needs them (messages delivered
 * as events would all be unpacked into its heap at once: after a state load, everything read
 * ahead), and a counter the thread raises after each, which the reader waits on when the port is
 * empty.
 */
export interface ReadingChannel {
  port: MessagePort;
  posted: SharedArrayBuffer;
}

/** Raises a ReadingChannel's counter (`posted`, seen as an Int32Array) and wakes a reader waiting on it: after each message posted, or when the thread stops. */
export function notePosted(posted: Int32Array): void {
  Atomics.add(posted, 0, 1);
  Atomics.notify(posted, 0);
}

/** From the reading thread on its ReadingChannel: a batch, the end of a file, or the error that ended the reading. */
export type ReadingMessage =
  | { type: 'batch'; batch: RecordBatch }
  | { type: 'end' }
  | { type: 'failed'; error: { invalidInput: { rule: string; at: InputLocation } } | { message: string; code?: string } };
