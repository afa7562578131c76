import { createWriteStream } from 'node:fs';
import type { WriteStream } from 'node:fs';
import { once } from 'node:events';

/**
 * Characters of JSON gathered before one write. Kept below V8's large-object size (128 KiB):
 * larger strings go to a heap space only a full GC frees, and at 1 GB of output they pile up
 * to hundreds of megabytes of resident memory before one runs.
 */
const CHUNK_CHARS = 64 * 1024;
/** Bytes the stream may hold before `write` asks us to wait: a few chunks in flight keep the disk busy. */
const STREAM_BUFFER_BYTES = 1 << 20;

/**
 * Writes one Clever v3.0 list envelope, `{"links":[...],"data":[{"data":{...},"uri":"/v3.0/<kind>/<id>"},...]}`,
 * to a file as a stream: records are gathered into 64 KiB chunks and the writer waits for
 * 'drain' whenever the stream says its buffer is full, so a 1 GB users.json never exists as one
 * string. One record per line, so that `head`, `grep` and the reader's line numbers are useful.
 *
 * The whole list is one page with only a `self` link, as in Clever's demo files: a generated
 * snapshot stands for the walk of every page, not for one response.
 */
export class EnvelopeWriter {
  private readonly stream: WriteStream;
  private readonly failed: Promise<never>;
  private parts: string[] = [];
  private chars = 0;
  private records = 0;

  constructor(
    readonly path: string,
    private readonly collection: string,
  ) {
    this.stream = createWriteStream(path, { highWaterMark: STREAM_BUFFER_BYTES });
    // Surface a write error (disk full, permissions) at the next await instead of as an unhandled event.
    this.failed = new Promise<never>((_, reject) => this.stream.once('error', reject));
    this.failed.catch(() => undefined);
    this.push(`{"links":[{"rel":"self","uri":"/v3.0/${collection}?limit=10000"}],"data":[`);
  }

  /**
   * Adds a record (`json` is the object, already serialised). Returns true when a chunk is full:
   * the caller then awaits `flush()`. Keeping `add` synchronous avoids a promise per record.
   */
  add(id: string, json: string): boolean {
    this.push(`${this.records === 0 ? '\n' : ',\n'}{"data":${json},"uri":"/v3.0/${this.collection}/${id}"}`);
    this.records++;
    return this.chars >= CHUNK_CHARS;
  }

  /** Hands the gathered chunk to the stream, waiting while the stream's buffer is full (backpressure). */
  async flush(): Promise<void> {
    if (this.parts.length === 0) return;
    const chunk = this.parts.join('');
    this.parts = [];
    this.chars = 0;
    if (!this.stream.write(chunk)) await Promise.race([once(this.stream, 'drain'), this.failed]);
  }

  /** Ends the envelope and the file; resolves once every byte is on disk. */
  async close(): Promise<{ records: number; bytes: number }> {
    this.push(`${this.records === 0 ? '' : '\n'}]}\n`);
    await this.flush();
    this.stream.end();
    await Promise.race([once(this.stream, 'finish'), this.failed]);
    return { records: this.records, bytes: this.stream.bytesWritten };
  }

  private push(text: string): void {
    this.parts.push(text);
    this.chars += text.length;
  }
}
