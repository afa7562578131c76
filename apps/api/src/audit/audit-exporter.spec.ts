import { Writable } from 'node:stream';
import { writeOrWait } from './audit-exporter';

describe('writeOrWait', () => {
  it('waits for a full buffer to drain, and leaves no listener behind however often it waits', async () => {
    const written: string[] = [];
    // a slow client: a buffer of one byte, drained on the next turn of the loop
    const response = new Writable({
      highWaterMark: 1,
      write(chunk: Buffer, _encoding, done) {
        written.push(chunk.toString());
        setImmediate(done);
      },
    });
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    const before = { close: response.listenerCount('close'), drain: response.listenerCount('drain') };
    try {
      for (let page = 0; page < 50; page++) await writeOrWait(response, `page ${page}\n`);
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    expect(written).toHaveLength(50);
    expect({ close: response.listenerCount('close'), drain: response.listenerCount('drain') }).toEqual(before);
    expect(warnings.filter((warning) => warning.name === 'MaxListenersExceededWarning')).toEqual([]);
  });

  it('stops waiting when the client goes away', async () => {
    const response = new Writable({ highWaterMark: 1, write: () => undefined });
    const waiting = writeOrWait(response, 'a page nobody reads');
    response.destroy();
    await expect(waiting).resolves.toBeUndefined();
    expect(response.listenerCount('drain')).toBe(0);
  });
});
