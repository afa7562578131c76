import type { CommandBus } from '@nestjs/cqrs';
import type { LedgerConfig } from '@roster-ledger/config';
import type { SyncSummary } from '@roster-ledger/domain';
import { SyncNotFound, type SyncHistory } from '@roster-ledger/ledger';
import { DistrictSyncRunner } from './district-sync-runner';
import { runLedgerCommandInThread } from './ledger-command-thread';

jest.mock('./ledger-command-thread', () => ({
  ...jest.requireActual('./ledger-command-thread'),
  runLedgerCommandInThread: jest.fn(),
}));

describe('DistrictSyncRunner.approve', () => {
  const inThread = runLedgerCommandInThread as jest.MockedFunction<typeof runLedgerCommandInThread>;
  const summaries = new Map<string, Partial<SyncSummary>>([
    ['held-1', { syncId: 'held-1', status: 'held' }],
    ['done-1', { syncId: 'done-1', status: 'completed' }],
  ]);
  const history = {
    get: async (syncId: string) => {
      const summary = summaries.get(syncId);
      if (!summary) throw new SyncNotFound(syncId);
      return summary as SyncSummary;
    },
  } as unknown as SyncHistory;
  const runner = new DistrictSyncRunner({} as LedgerConfig, {} as CommandBus, history);

  beforeEach(() => inThread.mockReset());

  it('refuses a sync that does not exist, or is not held, from its record, without starting a thread', async () => {
    await expect(runner.approve('nope', 'ada')).rejects.toMatchObject({ code: 'SYNC_NOT_FOUND' });
    await expect(runner.approve('done-1', 'ada')).rejects.toMatchObject({ code: 'SYNC_NOT_HELD', message: expect.stringContaining('is completed, not held') });
    expect(inThread).not.toHaveBeenCalled();
  });

  it('applies a held sync in a thread, which answers for it', async () => {
    const approved = { syncId: 'held-1', status: 'completed' } as SyncSummary;
    inThread.mockReturnValue({ result: Promise.resolve(approved), exited: Promise.resolve() } as ReturnType<typeof runLedgerCommandInThread>);
    await expect(runner.approve('held-1', 'ada')).resolves.toBe(approved);
    expect(inThread).toHaveBeenCalledWith(expect.anything(), { kind: 'approve', syncId: 'held-1', by: 'ada' }, {});
  });
});
