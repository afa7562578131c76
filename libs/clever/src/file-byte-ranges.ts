import { closeSync, openSync, readSync } from 'node:fs';
import { fileError } from './json-record-stream';

/**
 * Reads byte ranges of one file again, opening it at the first read: the records of a batch the
 * reading thread sent ahead without its chunk (see RecordBatch.ahead). A file that cannot be read
 * any more is InvalidInput naming it. Close it when the file's reading ends.
 */
export class FileByteRanges {
  private fd: number | null = null;

  constructor(private readonly file: string) {}

  read(position: number, length: number): Buffer {
    const bytes = Buffer.allocUnsafe(length);
    try {
      this.fd ??= openSync(this.file, 'r');
      let done = 0;
      while (done < length) {
        const count = readSync(this.fd, bytes, done, length - done, position + done);
        if (count === 0) break;
        done += count;
      }
      // a file cut short since: the bytes left unread are not the record's (its fingerprint says so)
      return done === length ? bytes : bytes.subarray(0, done);
    } catch (error) {
      throw fileError(error, this.file);
    }
  }

  close(): void {
    if (this.fd === null) return;
    closeSync(this.fd);
    this.fd = null;
  }
}
