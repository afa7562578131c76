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
import { EVENT_STORE, GetSyncQuery, RunSyncCommand, SyncHistory, UnlockSyncCommand, type EventStore, type RecordedEvent, type UnlockResult } from '@roster-ledger/ledger';
import { CLEVER_DEMO_DISTRICT_ID, CLEVER_DEMO_FOLDER } from '@roster-ledger/testing';
import { LockFiles } from '@roster-ledger/process-locks';
import { ledgerRuntime } from './support/clever-sync-runtime';
import { runCli } from './support/crash-process';

/**
 * A sync whose process died holding its district, in whichever container it ran (one whose
 * process id cannot be looked up from here), is taken over by the next sync and recorded as
 * interrupted; `syncs unlock <syncId>` does the same without a sync. A holder whose process still
 * holds the district's lock file is never released so.
 */
const linux = process.platform === 'linux';
if (!linux) console.log(`unlock spec: no /proc on ${process.platform} to tell processes apart by, so these checks are skipped`);
const onLinux = linux ? it : it.skip;

describe('the lock of a sync whose process is gone', () => {
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

  const shown = (syncId: string) => runCli(['syncs', 'show', syncId, '--db', db]);
  const listed = async (syncId: string) => (await runCli(['syncs', 'list', '--db', db])).stdout.split('\n').find((line) => line.startsWith(syncId));

  /** A sync recorded as running, and the district's lock row naming `owner` as its holder (its file is the test's to hold). */
  async function heldBy(owner: SyncOwner, districtId = CLEVER_DEMO_DISTRICT_ID, startedAt = new Date().toISOString()): Promise<string> {
    const syncId = randomUUID();
    const noted = { pid: owner.pid, host: owner.host, ...(owner.started ? { started: owner.started } : {}) };
    const started = { syncId, owner: noted, districtId, source: 'snapshot', origin: '/somewhere', startedAt, requestedBy: 'api' };
    await store.appendToStream(`sync-${syncId}`, [{ id: randomUUID(), type: 'SyncStarted', data: started, metadata: {} }], 'no_stream');
    const raw = new Database(db, { timeout: 5_000 });
    try {
      raw
        .prepare('INSERT OR REPLACE INTO sync_locks (district_id, sync_id, pid, host, started, acquired_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(districtId, syncId, owner.pid, owner.host, owner.started ?? '', new Date().toISOString());
    } finally {
      raw.close();
    }
    return syncId;
  }

  onLinux('leaves the record of a sync of another container that ends while a sync looks at it as it ended', async () => {
    // two that look gone (their files free): one whose district the sync takes over, one of another district
    const owner = anotherContainer(liveProcess().pid!);
    const takenOver = await heldBy(owner);
    const ofAnother = await heldBy(owner, 'another-district');
    const end = (syncId: string) =>
      store.appendToStream(`sync-${syncId}`, [{ id: randomUUID(), type: 'SyncFailed', data: { syncId, code: 'ENDED', reason: 'ended as it was looked at', failedAt: new Date().toISOString() }, metadata: {} }], 0);
    // each records its outcome as the sync looks at it: the first before its record is read, the second just after
    const read = history.get.bind(history);
    const spy = jest.spyOn(history, 'get').mockImplementation(async (syncId: string) => {
      if (syncId === takenOver && (await read(syncId)).status === 'running') await end(syncId);
      const found = await read(syncId);
      if (syncId === ofAnother && found.status === 'running') await end(syncId);
      return found;
    });
    try {
      expect(await importDemo()).toMatchObject({ status: 'completed' });
    } finally {
      spy.mockRestore();
    }
    for (const syncId of [takenOver, ofAnother]) expect(await history.get(syncId)).toMatchObject({ status: 'failed', failure: { code: 'ENDED' } });
  });

  onLinux('takes over the district of a sync whose process died in another container, and records it as interrupted', async () => {
    // its process id names a live process of another process-id namespace: it cannot be looked up
    // from here, but its lock file is free, which only a process that ended leaves so
    const owner = anotherContainer(liveProcess().pid!);
    const stranded = await heldBy(owner);
    expect(await queries.execute(new GetSyncQuery(stranded))).toMatchObject({ status: 'running', processGone: true });
    expect(await importDemo()).toMatchObject({ status: 'completed' });
    expect(await history.get(stranded)).toMatchObject({ status: 'failed', failure: { code: 'INTERRUPTED' } });
  });

  onLinux('releases the lock of a sync whose process is gone, records it as interrupted, and the district syncs again', async () => {
    const owner = anotherContainer(liveProcess().pid!);
    // started yesterday, found dead today
    const stranded = await heldBy(owner, CLEVER_DEMO_DISTRICT_ID, new Date(Date.now() - 86_400_000).toISOString());
    expect(await unlock(stranded)).toEqual({ syncId: stranded, districtId: CLEVER_DEMO_DISTRICT_ID, released: { owner }, interrupted: true });
    expect(await history.get(stranded)).toMatchObject({
      status: 'failed',
      failure: { code: 'INTERRUPTED', reason: expect.stringContaining(`its district's lock was released by ops (syncs unlock): its process ${owner.pid} on ${hostname()} had stopped`) },
    });
    // observed when it was found, so an audit of the day of the unlock finds it
    const failed: RecordedEvent[] = [];
    for await (const e of store.readStream(`sync-${stranded}`)) if (e.type === 'SyncFailed') failed.push(e);
    expect(failed.map((e) => e.metadata['observedAt'])).toEqual([failed[0]!.data['failedAt']]);
    expect(await importDemo()).toMatchObject({ status: 'completed' });
    // and then it holds nothing
    expect(await unlock(stranded)).toEqual({ syncId: stranded, districtId: CLEVER_DEMO_DISTRICT_ID, released: null, interrupted: false });
  });

  onLinux("refuses a holder that still holds its district's file, in whichever container, until its process ends", async () => {
    // the district's file held by a process this one cannot look up by its id (another container)
    const owner = anotherContainer(liveProcess().pid!);
    const holding = new LockFiles(`${db}.sync-locks`);
    expect(await holding.take(CLEVER_DEMO_DISTRICT_ID)).toBe(true);
    const stranded = await heldBy(owner);
    try {
      await expect(unlock(stranded)).rejects.toMatchObject({ code: 'SYNC_ALREADY_RUNNING', runningSyncId: stranded });
      await expect(importDemo()).rejects.toMatchObject({ code: 'SYNC_ALREADY_RUNNING', runningSyncId: stranded });
      expect((await history.get(stranded)).status).toBe('running');
      expect(await queries.execute(new GetSyncQuery(stranded))).not.toHaveProperty('processGone');
      expect((await shown(stranded)).stdout).toContain('  Still running');
      expect(await listed(stranded)).toMatch(/^\S+ {2}running /);
    } finally {
      // the process ends: the OS lets go of its file
      holding.close();
    }
    expect(await queries.execute(new GetSyncQuery(stranded))).toMatchObject({ status: 'running', processGone: true });
    expect((await shown(stranded)).stdout).toContain(`of district ${CLEVER_DEMO_DISTRICT_ID}: STOPPED (its process is gone; recorded as running)\n`);
    expect((await shown(stranded)).stdout).toContain(`  Its process (${owner.pid} on ${hostname()}) is gone: stopped before it finished, nothing of it was applied; the next sync of the district records it as interrupted.`);
    expect(await listed(stranded)).toMatch(/^\S+ {2}stopped /);
    // and a sync takes the lock over, recording it as interrupted
    expect(await importDemo()).toMatchObject({ status: 'completed' });
    expect(await history.get(stranded)).toMatchObject({ status: 'failed', failure: { code: 'INTERRUPTED' } });
  });

  onLinux('refuses a holder it sees alive on this host, its start noted or not, while it holds its file', async () => {
    const child = liveProcess();
    const holding = new LockFiles(`${db}.sync-locks`);
    expect(await holding.take(CLEVER_DEMO_DISTRICT_ID)).toBe(true);
    try {
      for (const owner of [{ pid: child.pid!, host: hostname(), started: startOf(child.pid!, readlinkSync('/proc/self/ns/pid')) }, { pid: child.pid!, host: hostname() }]) {
        const stranded = await heldBy(owner);
        await expect(unlock(stranded)).rejects.toMatchObject({ code: 'SYNC_ALREADY_RUNNING', runningSyncId: stranded });
        await expect(importDemo()).rejects.toMatchObject({ code: 'SYNC_ALREADY_RUNNING', runningSyncId: stranded });
        expect((await history.get(stranded)).status).toBe('running');
      }
    } finally {
      holding.close();
    }
    // a holder this process can look up is judged by its id, file or not: running while it lives,
    // stopped as soon as it is killed
    const stranded = await heldBy({ pid: child.pid!, host: hostname(), started: startOf(child.pid!, readlinkSync('/proc/self/ns/pid')) });
    expect(await queries.execute(new GetSyncQuery(stranded))).not.toHaveProperty('processGone');
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    expect(await queries.execute(new GetSyncQuery(stranded))).toMatchObject({ status: 'running', processGone: true });
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
    expect(await unlock(other)).toMatchObject({ released: { owner: { pid: expect.any(Number) } }, interrupted: true });
  });

  onLinux('through the CLI: says what it released, and that a sync holds no lock', async () => {
    const stranded = await heldBy(anotherContainer(liveProcess().pid!));
    const unlocked = await runCli(['syncs', 'unlock', stranded, '--by', 'ops', '--db', db]);
    expect([unlocked.status, unlocked.stderr]).toEqual([0, '']);
    expect(unlocked.stdout).toMatch(
      new RegExp(
        `^Released the lock of district ${CLEVER_DEMO_DISTRICT_ID} held by sync ${stranded} \\(process \\d+ on ${hostname()}, found gone\\)\\.\\n` +
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
