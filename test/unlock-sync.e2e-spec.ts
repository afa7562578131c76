import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import Database from 'better-sqlite3';
import { QueryBus, type CommandBus } from '@nestjs/cqrs';
import { LedgerConfig } from '@roster-ledger/config';
import type { SyncOwner, SyncSummary } from '@roster-ledger/domain';
import { EVENT_STORE, GetSyncQuery, RunSyncCommand, SyncHistory, UnlockSyncCommand, type EventStore, type UnlockResult } from '@roster-ledger/ledger';
import { CLEVER_DEMO_DISTRICT_ID, CLEVER_DEMO_FOLDER } from '@roster-ledger/testing';
import { ledgerRuntime } from './support/clever-sync-runtime';
import { runCli } from './support/crash-process';

/**
 * `syncs unlock <syncId>`: the district lock of a sync whose process this one cannot see (a
 * process of another container: a server restarted in its container after a crash gets a new
 * process-id namespace) is released on a person's word, and the sync recorded as interrupted. A
 * holder this process can see alive is never released so.
 */
const linux = process.platform === 'linux';
if (!linux) console.log(`unlock spec: no /proc on ${process.platform} to tell processes apart by, so these checks are skipped`);
const onLinux = linux ? it : it.skip;

describe('releasing the lock of a sync whose process cannot be seen from here', () => {
  const dir = mkdtempSync(join(tmpdir(), 'roster-ledger-unlock-'));
  const db = join(dir, 'ledger.db');
  let app: INestApplicationContext;
  let commands: CommandBus;
  let queries: QueryBus;
  let store: EventStore;
  let history: SyncHistory;
  const alive: ChildProcess[] = [];
  /** A live process of another pid, to be named as a holder. */
  const liveProcess = () => {
    const child = spawn('sleep', ['600'], { stdio: 'ignore' });
    alive.push(child);
    return child;
  };
  beforeAll(async () => {
    ({ app, commands } = await ledgerRuntime(LedgerConfig.load({ LEDGER_CONFIG: '' }, { db })));
    queries = app.get(QueryBus);
    store = app.get(EVENT_STORE);
    history = app.get(SyncHistory);
    await importDemo();
  });
  afterAll(async () => {
    for (const child of alive) child.kill();
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const importDemo = () => commands.execute<RunSyncCommand, SyncSummary>(new RunSyncCommand(CLEVER_DEMO_FOLDER, { requestedBy: 'e2e' }));
  const unlock = (syncId: string) => commands.execute<UnlockSyncCommand, UnlockResult>(new UnlockSyncCommand(syncId, 'ops'));
  /** A process's start as its owner would have noted it, in `namespace`. */
  const startOf = (pid: number, namespace: string) => {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const ticks = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    return `${pid}/${namespace}/${readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim()}/${ticks}`;
  };
  const anotherContainer = (pid: number): SyncOwner => ({ pid, host: hostname(), started: startOf(pid, 'pid:[1]') });

  /** A sync recorded as running, and the district's lock held for it by `owner`. */
  async function heldBy(owner: SyncOwner): Promise<string> {
    const syncId = randomUUID();
    const noted = { pid: owner.pid, host: owner.host, ...(owner.started ? { started: owner.started } : {}) };
    const started = { syncId, owner: noted, districtId: CLEVER_DEMO_DISTRICT_ID, source: 'snapshot', origin: '/somewhere', startedAt: new Date().toISOString(), requestedBy: 'api' };
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

  onLinux('releases the lock of a sync whose process is of another container, records it as interrupted, and the district syncs again', async () => {
    const owner = anotherContainer(liveProcess().pid!);
    const stranded = await heldBy(owner);
    // only the user can tell such a holder is gone: the refusal names it and says how to release it
    await expect(importDemo()).rejects.toMatchObject({
      code: 'SYNC_ALREADY_RUNNING',
      runningSyncId: stranded,
      message: expect.stringContaining(`Its process (${owner.pid} on ${hostname()}) cannot be seen from here: if you know it is gone (a container since restarted), run "roster-ledger syncs unlock ${stranded}"`),
    });

    expect(await unlock(stranded)).toEqual({ syncId: stranded, districtId: CLEVER_DEMO_DISTRICT_ID, released: { owner, elsewhere: true }, interrupted: true });
    expect(await history.get(stranded)).toMatchObject({
      status: 'failed',
      failure: { code: 'INTERRUPTED', reason: expect.stringContaining("its district's lock was released by ops (syncs unlock)") },
    });
    expect(await importDemo()).toMatchObject({ status: 'completed' });
    // and then it holds nothing
    expect(await unlock(stranded)).toEqual({ syncId: stranded, districtId: CLEVER_DEMO_DISTRICT_ID, released: null, interrupted: false });
  });

  onLinux('refuses a holder it can see alive: one of this namespace, or one whose start was never noted', async () => {
    const child = liveProcess();
    let stranded = '';
    for (const owner of [{ pid: child.pid!, host: hostname(), started: startOf(child.pid!, readlinkSync('/proc/self/ns/pid')) }, { pid: child.pid!, host: hostname() }]) {
      stranded = await heldBy(owner);
      await expect(unlock(stranded)).rejects.toMatchObject({ code: 'SYNC_ALREADY_RUNNING', runningSyncId: stranded });
      // a holder seen alive is waited for, not unlocked: the refusal does not suggest it
      await expect(importDemo()).rejects.toMatchObject({ code: 'SYNC_ALREADY_RUNNING', message: expect.not.stringContaining('syncs unlock') });
      expect((await history.get(stranded)).status).toBe('running');
    }
    const shown = () => runCli(['syncs', 'show', stranded, '--db', db]);
    const listed = async () => (await runCli(['syncs', 'list', '--db', db])).stdout.split('\n').find((line) => line.startsWith(stranded));
    expect((await shown()).stdout).toContain('  Still running');
    expect(await listed()).toMatch(/^\S+ {2}running /);
    // once it is gone, the syncs say so before any sync records it
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    expect(await queries.execute(new GetSyncQuery(stranded))).toMatchObject({ status: 'running', processGone: true });
    expect((await shown()).stdout).toContain(`of district ${CLEVER_DEMO_DISTRICT_ID}: STOPPED (its process is gone; recorded as running)\n`);
    expect((await shown()).stdout).toContain(`  Its process (${child.pid} on ${hostname()}) is gone: stopped before it finished, nothing of it was applied; the next sync of the district records it as interrupted.`);
    expect(await listed()).toMatch(/^\S+ {2}stopped /);
    // and a sync takes the lock over as ever, recording it as interrupted
    expect(await importDemo()).toMatchObject({ status: 'completed' });
    expect(await queries.execute(new GetSyncQuery(stranded))).not.toHaveProperty('processGone');
  });

  onLinux('leaves the lock of a sync that recorded anything since it was read, and the lock another sync holds', async () => {
    const owner = anotherContainer(liveProcess().pid!);
    const stranded = await heldBy(owner);
    // the sync records its end between the look at its record and the unlock's own record
    const read = history.get.bind(history);
    jestSpyOnce(history, 'get', async (syncId: string) => {
      const running = await read(syncId);
      await store.appendToStream(`sync-${stranded}`, [{ id: randomUUID(), type: 'SyncFailed', data: { syncId: stranded, code: 'X', reason: 'ended', failedAt: new Date().toISOString() }, metadata: {} }], 0);
      return running;
    });
    await expect(unlock(stranded)).rejects.toMatchObject({ code: 'SYNC_ALREADY_RUNNING' });
    expect((await history.get(stranded)).failure).toMatchObject({ code: 'X' });
    // a sync other than the one named holds the district: refused, naming it
    const other = await heldBy(anotherContainer(liveProcess().pid!));
    await expect(unlock(stranded)).rejects.toMatchObject({ code: 'SYNC_ALREADY_RUNNING', runningSyncId: other });
    expect(await unlock(other)).toMatchObject({ released: { elsewhere: true }, interrupted: true });
  });

  onLinux('through the CLI: says what it released, and that a sync holds no lock', async () => {
    const stranded = await heldBy(anotherContainer(liveProcess().pid!));
    const unlocked = await runCli(['syncs', 'unlock', stranded, '--by', 'ops', '--db', db]);
    expect([unlocked.status, unlocked.stderr]).toEqual([0, '']);
    expect(unlocked.stdout).toMatch(
      new RegExp(
        `^Released the lock of district ${CLEVER_DEMO_DISTRICT_ID} held by sync ${stranded} \\(process \\d+ on ${hostname()}, which this process cannot see: taken as gone on your word\\)\\.\\n` +
          `Sync ${stranded} is recorded as interrupted: nothing of it was applied\\.\\n$`,
      ),
    );
    const again = await runCli(['syncs', 'unlock', stranded, '--db', db]);
    expect([again.status, again.stdout]).toEqual([0, `Sync ${stranded} holds no lock of district ${CLEVER_DEMO_DISTRICT_ID}: nothing to release.\n`]);
  });
});

/** Replaces `method` of `target` for its next call only. */
function jestSpyOnce<T extends object, K extends keyof T>(target: T, method: K, once: T[K]): void {
  jest.spyOn(target, method as never).mockImplementationOnce(once as never);
}
