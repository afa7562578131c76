import { Logger } from '@nestjs/common';
import { LedgerConfig } from '@roster-ledger/config';
import type { DistrictSyncRunner } from './district-sync-runner';
import { SyncScheduler } from './sync-scheduler';

describe('SyncScheduler at start', () => {
  const districts = { d1: { tokenEnv: 'TOKEN_D1', schedule: { events: '1h', full: '02:00' } }, d2: { tokenEnv: 'TOKEN_D2', schedule: { events: '1h' } } };
  const configWith = (env: Record<string, string>) => LedgerConfig.load({ LEDGER_CONFIG: '', LEDGER_DISTRICTS: JSON.stringify(districts), ...env }, { db: ':memory:' });
  let warn: jest.SpyInstance;
  let scheduler: SyncScheduler | undefined;

  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => {
    scheduler?.onModuleDestroy();
    jest.restoreAllMocks();
  });

  it('warns once per scheduled district whose token variable is unset or empty, naming the variable, before any run', () => {
    scheduler = new SyncScheduler(true, configWith({ TOKEN_D2: ' ' }), {} as DistrictSyncRunner);
    scheduler.onApplicationBootstrap();
    expect(warn.mock.calls.map(([message]) => message)).toEqual([
      expect.stringMatching(/^district d1: its scheduled syncs will fail until its token is there: .*environment variable TOKEN_D1, which is not set.*, then restart serve$/),
      expect.stringMatching(/^district d2: .*environment variable TOKEN_D2, which is empty/),
    ]);
  });

  it('says nothing when every scheduled district has its token', () => {
    scheduler = new SyncScheduler(true, configWith({ TOKEN_D1: 'a', TOKEN_D2: 'b' }), {} as DistrictSyncRunner);
    scheduler.onApplicationBootstrap();
    expect(warn).not.toHaveBeenCalled();
  });
});
