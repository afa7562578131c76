import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import Database from 'better-sqlite3';
import type { CommandBus } from '@nestjs/cqrs';
import { LedgerConfig } from '@roster-ledger/config';
import type { SyncOwner, SyncSummary } from '@roster-ledger/domain';
import {
  EVENT_STORE,
  RunSyncCommand,
  SyncAlreadyRunning,
  SyncHistory,
  UnlockDistrictCommand,
  type EventStore,
  type UnlockResult,
} from '@roster-ledger/ledger';
import { CLEVER_DEMO_DISTRICT_ID, CLEVER_DEMO_FOLDER } from '@roster-ledger/testing';
import { ledgerRuntime } from './support/clever-sync-runtime';
import { runCli } from './support/crash-process';

/**
 * `syncs unlock <district>`: a district's lock whose holder this process cannot check (a process
 * of another container: a server restarted in its container after a crash gets a new process-id
 * namespace) is released on a person's word, and its sync recorded as interrupted. A holder this
 * process can see alive is never released so.
 */
const linux = process.platform === 'linux';
if (!linux) console.log(`unlock spec: no /proc on ${process.platform} to tell a process's start from, so these checks are skipped`);
const onLinux = linux ? it : it.skip;

describe('releasing a district whose holder cannot be checked from here', () => {
  const dir = mkdtempSync(join(tmpdir(), 'roster-ledger-unlock-'));
  const db = join(dir, 'ledger.db');
  let app: INestApplicationContext;
  let commands: CommandBus;
  let store: EventStore;
  let history: SyncHistory;
  // a live process of another pid, named as the holder
  let other: ChildProcess;
  beforeAll(async () => {
    other = spawn('sleep', ['600'], { stdio: 'ignore' });
    ({ app, commands } = await ledgerRuntime(LedgerConfig.load({ LEDGER_CONFIG: '' }, { db })));
    store = app.get(EVENT_STORE);
    history = app.get(SyncHistory);
    await importDemo();
  });
  afterAll(async () => {
    other.kill();
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const importDemo = () => commands.execute<RunSyncCommand, SyncSummary>(new RunSyncCommand(CLEVER_DEMO_FOLDER, { requestedBy: 'e2e' }));
  /** The other process's start, as a holder of it would have noted it, in `namespace`. */
  const startOfOther = (namespace: string) => {
    const stat = readFileSync(`/proc/${other.pid}/stat`, 'utf8');
    const ticks = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    return `${other.pid}/${namespace}/${readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim()}/${ticks}`;
  };

  /** A sync recorded as running, and the district's lock held for it by `owner`. */
  async function heldBy(owner: SyncOwner): Promise<string> {
    const syncId = randomUUID();
    const started = { syncId, owner: { pid: owner.pid, host: owner.host, ...(owner.started ? { started: owner.started } : {}) }, districtId: CLEVER_DEMO_DISTRICT_ID, source: 'snapshot', origin: '/somewhere', startedAt: new Date().toISOString(), requestedBy: 'api' };
    await store.appendToStream(`sync-${syncId}`, [{ id: randomUUID(), type: 'SyncStarted', data: started, metadata: {} }], 'no_stream');
    const raw = new Database(db, { timeout: 5_000 });
    try {
      raw
        .prepare('INSERT OR REPLACE INTO sync_locks (district_id, sync_id, pid, host, started, acquired_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(CLEVER_DEMO_DISTRICT_ID, syncId, owner.pid, owner.host, owner.started ?? '', new Date().toISOString());
    } finally {
      raw.close();
    }
    return syncId;
  }

  onLinux('releases the lock of a holder in another process-id namespace, records its sync as interrupted, and the district syncs again', async () => {
    const owner = { pid: other.pid!, host: hostname(), started: startOfOther('pid:[1]') };
    const stranded = await heldBy(owner);
    await expect(importDemo()).rejects.toMatchObject({ code: 'SYNC_ALREADY_RUNNING', runningSyncId: stranded });

    const result = await commands.execute<UnlockDistrictCommand, UnlockResult>(new UnlockDistrictCommand(CLEVER_DEMO_DISTRICT_ID, 'ops'));
    expect(result).toEqual({ districtId: CLEVER_DEMO_DISTRICT_ID, released: { syncId: stranded, owner, checked: false }, interrupted: true });
    expect(await history.get(stranded)).toMatchObject({
      status: 'failed',
      failure: { code: 'INTERRUPTED', reason: expect.stringContaining("its district's lock was released by ops (syncs unlock)") },
    });
    expect(await importDemo()).toMatchObject({ status: 'completed' });
  });

  onLinux('refuses to release a holder it can see alive, and says when there is nothing to release', async () => {
    const stranded = await heldBy({ pid: other.pid!, host: hostname(), started: startOfOther(readlinkSync('/proc/self/ns/pid')) });
    await expect(commands.execute(new UnlockDistrictCommand(CLEVER_DEMO_DISTRICT_ID, 'ops'))).rejects.toBeInstanceOf(SyncAlreadyRunning);
    expect((await history.get(stranded)).status).toBe('running');

    // once it is gone, a sync takes the lock over as ever; then nothing is locked
    other.kill('SIGKILL');
    await new Promise((resolve) => other.once('exit', resolve));
    expect(await importDemo()).toMatchObject({ status: 'completed' });
    expect(await commands.execute(new UnlockDistrictCommand(CLEVER_DEMO_DISTRICT_ID, 'ops'))).toEqual({ districtId: CLEVER_DEMO_DISTRICT_ID, released: null, interrupted: false });
  });

  onLinux('through the CLI: says what it released, and then that nothing is locked', async () => {
    const sleeper = spawn('sleep', ['600'], { stdio: 'ignore' });
    try {
      const raw = new Database(db, { timeout: 5_000 });
      raw
        .prepare('INSERT OR REPLACE INTO sync_locks (district_id, sync_id, pid, host, started, acquired_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(CLEVER_DEMO_DISTRICT_ID, 'a-sync-of-another-container', sleeper.pid, hostname(), `${sleeper.pid}/pid:[1]/boot/1`, new Date().toISOString());
      raw.close();
      const unlocked = await runCli(['syncs', 'unlock', CLEVER_DEMO_DISTRICT_ID, '--by', 'ops', '--db', db]);
      expect([unlocked.status, unlocked.stderr]).toEqual([0, '']);
      expect(unlocked.stdout).toBe(
        `Released the lock of district ${CLEVER_DEMO_DISTRICT_ID} held by sync a-sync-of-another-container (process ${sleeper.pid} on ${hostname()}, which this process cannot check: taken as gone on your word).\n` +
          'Sync a-sync-of-another-container was not recorded as running: its record is as it was.\n',
      );
      const again = await runCli(['syncs', 'unlock', CLEVER_DEMO_DISTRICT_ID, '--db', db]);
      expect(again.stdout).toBe(`District ${CLEVER_DEMO_DISTRICT_ID} is not locked: no sync of it is running.\n`);
    } finally {
      sleeper.kill();
    }
  });
});
