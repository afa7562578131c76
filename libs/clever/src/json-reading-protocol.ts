import type { InputLocation } from '@roster-ledger/domain';

/** Batches (a chunk of the file each) the reading thread may send before the reader takes one. */
export const BATCHES_AHEAD = 32;

/**
 * Per record in `RecordBatch.fields`: the start and end of its bytes in the chunk (start -1: parsed
 * already, in `others`; -2: its text is in `others`), its index in the file, its line, and 1 for
 * an item of the list envelope (0 for an element of a plain array).
 */
export const FIELDS_PER_RECORD = 5;

/** The records completed in one chunk of a file, as the reading thread hands them over. */
export interface RecordBatch {
  /** The chunk, when records lie inside it. */
  chunk: Uint8Array | null;
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

/** From the reader to the reading thread: read a file, or send one more batch. */
export type ReadingRequest = { type: 'read'; file: string; maxStringLength: number } | { type: 'more' };

/** From the reading thread: a batch, the end of the file, or the error that ended it. */
export type ReadingMessage =
  | { type: 'batch'; batch: RecordBatch }
  | { type: 'end' }
  | { type: 'failed'; error: { invalidInput: { rule: string; at: InputLocation } } | { message: string; code?: string } };
