import { Logger } from '@nestjs/common';
import type { EventStore } from '@roster-ledger/ledger';
import { LiveProjectionRunner } from './live-projection-runner';
import type { SqliteProjectionControl } from './sqlite-projection-control';

describe('LiveProjectionRunner', () => {
  afterEach(() => jest.restoreAllMocks());

  it('says another process folded the events it set out to fold, not "0 events folded"', async () => {
    const said: string[] = [];
    jest.spyOn(Logger.prototype, 'log').mockImplementation((message: unknown) => void said.push(String(message)));
    // a CLI command folds the sync's 15,093 events between the runner's look at the lag and its catch-up
    let lag = 15_093;
    const control = {
      startedOver: () => [],
      status: async () => [{ name: 'accounts', status: 'running', position: 10, lag: { events: lag, seconds: 3 } }],
      catchUp: async () => {
        lag = 0;
        return 0;
      },
      foldedElsewhere: () => false,
      followSwaps: () => undefined,
    } as unknown as SqliteProjectionControl;
    // then it follows the log, where nothing more arrives
    const store = {
      subscribeToAll: () => ({ [Symbol.asyncIterator]: () => ({ next: () => new Promise(() => undefined) }), stop: async () => undefined }),
    } as unknown as EventStore;
    const runner = new LiveProjectionRunner(control, store, 5_000);
    runner.start();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await runner.stop();
    expect(said).toEqual([
      'folding 15,093 events into the read models; until they are folded, queries answer from before them',
      expect.stringMatching(/^read models caught up in \d+\.\d s: 0 events folded here, the rest by another process first$/),
    ]);
  });
});
