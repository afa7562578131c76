import { parentPort } from 'node:worker_threads';
import { InvalidInput } from '@roster-ledger/domain';
import { recordBatches } from './json-record-batches';
import { BATCHES_AHEAD, type ReadingMessage, type ReadingRequest } from './json-reading-protocol';

/*
 * The reading thread of JsonReadingThread: reads each file asked for into record batches (see
 * recordBatches), at most BATCHES_AHEAD batches ahead of the reader.
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
  try {
    for await (const batch of recordBatches(file, maxStringLength)) {
      while (credit === 0) await new Promise<void>((resolve) => (wake = resolve));
      credit -= 1;
      port.postMessage({ type: 'batch', batch } satisfies ReadingMessage);
    }
    port.postMessage({ type: 'end' } satisfies ReadingMessage);
  } catch (error) {
    port.postMessage({ type: 'failed', error: describe(error) } satisfies ReadingMessage);
  }
}

function describe(error: unknown): Extract<ReadingMessage, { type: 'failed' }>['error'] {
  if (error instanceof InvalidInput) return { invalidInput: { rule: error.rule, at: error.at } };
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return { message: error instanceof Error ? error.message : String(error), ...(typeof code === 'string' ? { code } : {}) };
}
