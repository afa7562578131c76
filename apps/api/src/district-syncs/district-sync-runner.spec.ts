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
    list: async () => [],
  } as unknown as SyncHistory;
  const runner = new DistrictSyncRunner({} as LedgerConfig, {} as CommandBus, history);

  beforeEach(() => inThread.mockReset());

  it('refuses a sync that does not exist, or is not held, from its record, without starting a thread', async () => {
    await expect(runner.approve('nope', 'ada')).rejects.toMatchObject({ code: 'SYNC_NOT_FOUND' });
    await expect(runner.approve('done-1', 'ada')).rejects.toMatchObject({ code: 'SYNC_NOT_HELD', message: expect.stringContaining('is completed, not held') });
    expect(inThread).not.toHaveBeenCalled();
  });

  it('waits for a sync this server runs (its start perhaps not recorded yet) to end before it judges an approval of it', async () => {
    const config = { cleverTokenFor: () => 'token' } as unknown as LedgerConfig;
    const server = new DistrictSyncRunner(config, { execute: async () => null } as unknown as CommandBus, history);
    let endSync: (result: unknown) => void = () => undefined;
    inThread.mockImplementationOnce((_config, _request, handlers) => {
      handlers?.onAccepted?.();
      return { result: new Promise((resolve) => (endSync = resolve)), exited: Promise.resolve() } as ReturnType<typeof runLedgerCommandInThread>;
    });
    const { syncId } = await server.start('district-1', 'full', 'ada', 'api');
    const approved = { syncId, status: 'completed' } as SyncSummary;
    inThread.mockReturnValueOnce({ result: Promise.resolve(approved), exited: Promise.resolve() } as ReturnType<typeof runLedgerCommandInThread>);
    const approval = server.approve(syncId, 'ada');
    // the sync ends held, and is recorded so, only now
    await new Promise((resolve) => setImmediate(resolve));
    summaries.set(syncId, { syncId, status: 'held' });
    endSync({ syncId, summary: { status: 'held', appended: 0, pending: 12, breaches: [] }, fallback: null });
    await expect(approval).resolves.toBe(approved);
    expect(inThread).toHaveBeenLastCalledWith(config, { kind: 'approve', syncId, by: 'ada' }, {});
  });

  it('warns that a sync it ran was held, with what is pending, why, and what to do: until then the district syncs no more', async () => {
    const config = { cleverTokenFor: () => 'token' } as unknown as LedgerConfig;
    const server = new DistrictSyncRunner(config, { execute: async () => null } as unknown as CommandBus, history);
    const warn = jest.spyOn((server as unknown as { logger: { warn: (message: string) => void } }).logger, 'warn').mockImplementation(() => undefined);
    const breach = { recordType: 'section', change: 'removed', count: 97, active: 339, threshold: 0.1 };
    inThread.mockImplementationOnce((_config, _request, handlers) => {
      handlers?.onAccepted?.();
      return { result: Promise.resolve({ syncId: 's-held', summary: { status: 'held', appended: 0, pending: 15091, breaches: [breach] }, fallback: null }), exited: Promise.resolve() } as ReturnType<typeof runLedgerCommandInThread>;
    });
    const { done } = await server.start('district-3', 'full', 'ada', 'api');
    await done;
    expect(warn).toHaveBeenCalledWith(
      'sync s-held of district district-3 (full) held by the mass-change guard: 15091 roster events pending (97 of 339 active section records removed (28.6% > 10%)); ' +
        'the district syncs no more until it is approved or discarded (GET /syncs/s-held/pending lists what it would change): POST /syncs/s-held/approve or /discard, or roster-ledger syncs approve|discard s-held --by <name>',
    );
  });

  it('says which dead syncs of the district a sync it ran recorded as interrupted', async () => {
    const config = { cleverTokenFor: () => 'token' } as unknown as LedgerConfig;
    const dead = { syncId: 'dead-1', status: 'failed', startedAt: '2026-12-07T01:00:00.000Z', requestedBy: 'schedule', failure: { code: 'INTERRUPTED', reason: 'its process is gone', foundBy: 's-new' } };
    const other = { syncId: 'dead-0', status: 'failed', failure: { code: 'INTERRUPTED', reason: 'gone', foundBy: 'someone-else' } };
    const listing = { ...history, list: async () => [dead, other] } as unknown as SyncHistory;
    const server = new DistrictSyncRunner(config, { execute: async () => null } as unknown as CommandBus, listing);
    const logger = (server as unknown as { logger: { warn: (message: string) => void; log: (message: string) => void } }).logger;
    const warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    jest.spyOn(logger, 'log').mockImplementation(() => undefined);
    inThread.mockImplementationOnce((_config, _request, handlers) => {
      handlers?.onAccepted?.();
      return { result: Promise.resolve({ syncId: 's-new', summary: { status: 'completed', appended: 3 }, fallback: null }), exited: Promise.resolve() } as ReturnType<typeof runLedgerCommandInThread>;
    });
    const { done } = await server.start('district-4', 'full', 'ada', 'api');
    await done;
    await new Promise((resolve) => setImmediate(resolve));
    expect(warn.mock.calls.map(([message]) => message)).toEqual([
      'sync dead-1 of district district-4 (started 2026-12-07T01:00:00.000Z by schedule) had stopped unfinished, its process gone: recorded as interrupted by sync s-new; nothing of it was applied',
    ]);
  });

  it('lists a sync it runs once its thread has taken the district, and never one the thread refuses', async () => {
    const config = { cleverTokenFor: () => 'token' } as unknown as LedgerConfig;
    const server = new DistrictSyncRunner(config, { execute: async () => null } as unknown as CommandBus, history);
    let refuse: (error: unknown) => void = () => undefined;
    inThread.mockImplementationOnce(() => ({ result: new Promise((_, reject) => (refuse = reject)), exited: Promise.resolve() }) as ReturnType<typeof runLedgerCommandInThread>);
    const refused = server.start('district-2', 'full', 'ada', 'api');
    // the thread is starting: nothing is answered yet, so nothing is listed
    expect(server.runningSyncs()).toEqual([]);
    refuse(Object.assign(new Error('held'), { code: 'HELD_SYNC_PENDING' }));
    await expect(refused).rejects.toThrow('held');
    expect(server.runningSyncs()).toEqual([]);
    let accept: () => void = () => undefined;
    inThread.mockImplementationOnce((_config, _request, handlers) => {
      accept = () => handlers?.onAccepted?.();
      return { result: new Promise(() => undefined), exited: Promise.resolve() } as ReturnType<typeof runLedgerCommandInThread>;
    });
    const started = server.start('district-2', 'full', 'ada', 'api');
    expect(server.runningSyncs()).toEqual([]);
    accept();
    const { syncId } = await started;
    expect(server.runningSyncs().map((sync) => sync.syncId)).toEqual([syncId]);
  });

  it('applies a held sync in a thread, which answers for it, and says so on the log', async () => {
    const approved = { syncId: 'held-1', districtId: 'd1', status: 'completed', appended: 15091 } as SyncSummary;
    const log = jest.spyOn((runner as unknown as { logger: { log: (message: string) => void } }).logger, 'log').mockImplementation(() => undefined);
    inThread.mockReturnValue({ result: Promise.resolve(approved), exited: Promise.resolve() } as ReturnType<typeof runLedgerCommandInThread>);
    await expect(runner.approve('held-1', 'ada')).resolves.toBe(approved);
    expect(inThread).toHaveBeenCalledWith(expect.anything(), { kind: 'approve', syncId: 'held-1', by: 'ada' }, {});
    expect(log).toHaveBeenCalledWith('held sync held-1 of district d1 approved by ada: 15091 roster events appended');
  });
});
