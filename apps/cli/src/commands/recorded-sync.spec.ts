import type { CommandBus, QueryBus } from '@nestjs/cqrs';
import { SyncAlreadyRunning, SyncNotFound } from '@roster-ledger/ledger';
import { LedgerFile } from '../ledger-file';
import { interruptedDuringSync, runRecordedSync } from './recorded-sync';

describe('runRecordedSync', () => {
  /** Buses that note what was asked of them, in order: the catch-up of the read models among it. */
  const buses = (seen: string[]) => ({
    commands: { execute: async () => (seen.push('read models folded'), { folded: 3, foldedElsewhere: false, rebuilt: [] }) } as unknown as CommandBus,
    queries: { execute: async () => [] } as unknown as QueryBus,
  });

  it("prints the sync's outcome as soon as it is committed, before the read models follow it: a command stopped meanwhile has said what it applied", async () => {
    const seen: string[] = [];
    const done = await runRecordedSync(buses(seen), { syncId: 's1', stopProgress: () => seen.push('bar stopped'), reportSync: (result) => seen.push(`reported ${result}`) }, async () => 'completed');
    expect(seen).toEqual(['bar stopped', 'reported completed', 'read models folded']);
    expect(done).toMatchObject({ result: 'completed', readModels: { projected: 3, behind: null } });
  });

  it('leaves the report to the caller with --json, whose output is one document', async () => {
    const seen: string[] = [];
    await runRecordedSync(buses(seen), { syncId: 's1', json: true, stopProgress: () => undefined, reportSync: () => seen.push('reported') }, async () => 'completed');
    expect(seen).toEqual(['read models folded']);
  });

  describe('Ctrl-C while the sync runs', () => {
    afterEach(() => jest.restoreAllMocks());

    it('says where to learn what became of the sync, and what it means when that sync is not found: stopped before it recorded its start', async () => {
      const written = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
      const exit = jest.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
      let finish!: () => void;
      const running = runRecordedSync(buses([]), { syncId: 's1', stopProgress: () => undefined }, () => new Promise<string>((resolve) => (finish = () => resolve('completed'))));
      process.emit('SIGINT', 'SIGINT');
      finish();
      await running;
      expect(exit).toHaveBeenCalledWith(130);
      const told = written.mock.calls.map(([text]) => String(text)).join('');
      expect(told).toContain('interrupted while sync s1 ran. roster-ledger syncs show s1');
      expect(told).toContain('If it answers SYNC_NOT_FOUND, the sync was stopped before it recorded its start: nothing of it is in the ledger');
      expect(told.trim()).toBe(interruptedDuringSync('s1'));
    });
  });

  describe('a sync that ends in an error before its report', () => {
    const stderr = () => jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    afterEach(() => {
      jest.restoreAllMocks();
      process.exitCode = undefined;
    });
    const refusedInNewLedger = async (lookup: Error) => {
      const written = stderr();
      const queries = { execute: async () => Promise.reject(lookup) } as unknown as QueryBus;
      const run = async () => Promise.reject(new SyncAlreadyRunning('d1', 'other'));
      await runRecordedSync({ commands: {} as CommandBus, queries }, { syncId: 's1', stopProgress: () => undefined, ledger: new LedgerFile('/tmp/new.db', true) }, run);
      return written.mock.calls.map(([text]) => String(text)).join('');
    };

    it('names the new ledger it was refused in, which holds nothing, when the sync was never recorded', async () => {
      expect(await refusedInNewLedger(new SyncNotFound('s1'))).toContain('Ledger: /tmp/new.db, new: nothing is recorded in it');
    });

    it("claims nothing of the ledger when the sync's record cannot be read now: it may have been recorded", async () => {
      const told = await refusedInNewLedger(new Error('database is locked'));
      expect(told).toContain('SYNC_ALREADY_RUNNING');
      expect(told).not.toContain('Ledger:');
    });
  });
});
