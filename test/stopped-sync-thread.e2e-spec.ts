import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import Database from 'better-sqlite3';
import type { CommandBus } from '@nestjs/cqrs';
import { LedgerConfig } from '@roster-ledger/config';
import type { SyncSummary } from '@roster-ledger/domain';
import {
  EndStoppedSyncCommand,
  EVENT_STORE,
  RunSyncCommand,
  SYNC_LOCK,
  SyncAlreadyRunning,
  SyncHistory,
  thisProcess,
  type EventStore,
  type SyncLock,
} from '@roster-ledger/ledger';
import { CLEVER_DEMO_DISTRICT_ID, CLEVER_DEMO_FOLDER } from '@roster-ledger/testing';
import { ledgerRuntime } from './support/clever-sync-runtime';

/**
 * `serve` runs each sync and approval in a thread. A thread that crashes (out of memory, say)
 * leaves its sync recorded as running and its district locked by a process that is alive (the
 * server itself), which no later sync would take over: the server ends both
 * (EndStoppedSyncCommand), and the district syncs again without a restart.
 */
describe('a sync whose thread in this process stopped without ending it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'roster-ledger-stopped-thread-'));
  let app: INestApplicationContext;
  let commands: CommandBus;
  let store: EventStore;
  let lock: SyncLock;
  let history: SyncHistory;
  beforeAll(async () => {
    ({ app, commands } = await ledgerRuntime(LedgerConfig.load({ LEDGER_CONFIG: '' }, { db: join(dir, 'ledger.db') })));
    store = app.get(EVENT_STORE);
    lock = app.get(SYNC_LOCK);
    history = app.get(SyncHistory);
  });
  afterAll(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** What a thread that died mid-sync leaves: its start recorded by this process, and its district's lock. */
  async function strandedSync(): Promise<string> {
    const syncId = randomUUID();
    const { pid, host } = thisProcess();
    const started = { syncId, owner: { pid, host }, districtId: CLEVER_DEMO_DISTRICT_ID, source: 'snapshot', origin: '/somewhere', startedAt: new Date().toISOString(), requestedBy: 'api' };
    await store.appendToStream(`sync-${syncId}`, [{ id: randomUUID(), type: 'SyncStarted', data: started, metadata: {} }], 'no_stream');
    await lock.acquire(CLEVER_DEMO_DISTRICT_ID, syncId);
    return syncId;
  }
  const importDemo = () => commands.execute<RunSyncCommand, SyncSummary>(new RunSyncCommand(CLEVER_DEMO_FOLDER, { requestedBy: 'e2e' }));

  it('is recorded as interrupted by its thread, and its district is free again', async () => {
    const stranded = await strandedSync();
    await expect(importDemo()).rejects.toBeInstanceOf(SyncAlreadyRunning);

    const after = await commands.execute(new EndStoppedSyncCommand(stranded, null));
    expect(after).toEqual(await history.get(stranded));
    expect(after).toMatchObject({
      status: 'failed',
      failure: { code: 'INTERRUPTED', reason: expect.stringContaining('the thread running this sync stopped before it finished') },
    });
    expect(await importDemo()).toMatchObject({ status: 'completed' });
  });

  it('frees the district of a sync that stopped before it recorded its start, and leaves a finished sync as it is', async () => {
    const never = randomUUID();
    await lock.acquire(CLEVER_DEMO_DISTRICT_ID, never);
    expect(await commands.execute(new EndStoppedSyncCommand(never, CLEVER_DEMO_DISTRICT_ID))).toBeNull();
    const again = await importDemo();
    expect(again.status).toBe('completed');

    // a sync whose thread stopped after it had committed (an approval) ends as it is: completed
    expect(await commands.execute(new EndStoppedSyncCommand(again.syncId, null))).toMatchObject({ syncId: again.syncId, status: 'completed' });
  });

  it("leaves alone a hold of the same sync by another live process (an approval of it from the CLI)", async () => {
    const stranded = await strandedSync();
    const raw = new Database(join(dir, 'ledger.db'), { timeout: 5_000 });
    try {
      // (its start not known, as in a ledger from before starts were noted: the process id alone counts)
      raw.prepare("UPDATE sync_locks SET pid = ?, started = '' WHERE sync_id = ?").run(process.ppid, stranded);
      await commands.execute(new EndStoppedSyncCommand(stranded, CLEVER_DEMO_DISTRICT_ID));
      // the hold is that process's still (a sync of the district now would wait for it to let go of a
      // sync recorded as ended, then be refused)
      expect(raw.prepare('SELECT pid FROM sync_locks WHERE sync_id = ?').pluck().get(stranded)).toBe(process.ppid);
      // once that process is gone, the next sync takes the lock over and records the sync as interrupted
      raw.prepare('UPDATE sync_locks SET pid = ? WHERE sync_id = ?').run(2 ** 22 + 1, stranded);
    } finally {
      raw.close();
    }
    expect(await importDemo()).toMatchObject({ status: 'completed' });
  });
});
