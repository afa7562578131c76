import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { LockFiles } from '@roster-ledger/process-locks';
import { EventStoreBusy, thisProcess } from '@roster-ledger/ledger';
import { SqliteLedgerDatabase } from './sqlite-database';
import { SqliteSyncLock } from './sqlite-sync-lock';

describe('SqliteSyncLock', () => {
  const dir = mkdtempSync(join(tmpdir(), 'roster-ledger-sync-lock-'));
  const opened: { database: SqliteLedgerDatabase; lock: SqliteSyncLock }[] = [];
  let ledger: string;
  let n = 0;
  beforeEach(() => {
    ledger = join(dir, `ledger-${++n}.db`);
  });
  afterEach(() => {
    for (const { database, lock } of opened.splice(0)) {
      lock.close();
      database.close();
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A lock on the ledger as one process's connection has it (several here stand for several threads or processes). */
  const lockOn = (path = ledger) => {
    const database = new SqliteLedgerDatabase(path);
    const lock = new SqliteSyncLock(database);
    opened.push({ database, lock });
    return { database, lock };
  };
  /** Whether any process holds the district's lock file, looked at from outside the lock. */
  const fileHeld = (district: string) => new LockFiles(`${ledger}.sync-locks`).heldAnywhere(district);
  /** A row naming a process of another container (its ids cannot be looked up from here) as the district's holder. */
  const strandedRow = (database: SqliteLedgerDatabase, district: string, syncId: string) =>
    database.db
      .prepare('INSERT OR REPLACE INTO sync_locks (district_id, sync_id, pid, host, started, acquired_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(district, syncId, 1, hostname(), '1/pid:[1]/boot/1', new Date().toISOString());

  it("answers while another connection holds the ledger's write lock with the port's EventStoreBusy, not SQLite's own error", async () => {
    const database = new SqliteLedgerDatabase(ledger, { busyTimeoutMs: 20 });
    const lock = new SqliteSyncLock(database);
    opened.push({ database, lock });
    const other = lockOn();
    other.database.db.exec('BEGIN IMMEDIATE');
    try {
      await expect(lock.acquire('d1', 's1')).rejects.toBeInstanceOf(EventStoreBusy);
    } finally {
      other.database.db.exec('ROLLBACK');
    }
    await expect(lock.acquire('d1', 's1')).resolves.toBeNull();
    // and so does letting go of it, which deletes the lock's row
    other.database.db.exec('BEGIN IMMEDIATE');
    try {
      await expect(lock.release('d1', 's1')).rejects.toBeInstanceOf(EventStoreBusy);
    } finally {
      other.database.db.exec('ROLLBACK');
    }
  });

  it('holds a district for one sync until that sync has released it as many times as it took it', async () => {
    const { lock } = lockOn();
    expect(await lock.acquire('d', 'S')).toBeNull();
    expect(await lock.acquire('d', 'S')).toBeNull(); // a fallback full sync inside the sync
    await lock.release('d', 'S');
    expect([fileHeld('d'), (await lock.holder('d'))?.syncId]).toEqual([true, 'S']);
    await lock.release('d', 'S');
    expect([fileHeld('d'), await lock.holder('d')]).toEqual([false, null]);
  });

  it("leaves a sync's hold alone when another sync's release comes (a stopped thread's sync ended)", async () => {
    const { lock } = lockOn();
    await lock.acquire('d', 'S');
    await lock.release('d', 'T');
    expect([fileHeld('d'), (await lock.holder('d'))?.syncId]).toEqual([true, 'S']);
    // and another sync of the district is refused, here and from another connection
    await expect(lock.acquire('d', 'U')).rejects.toMatchObject({ code: 'SYNC_ALREADY_RUNNING', runningSyncId: 'S' });
    await expect(lockOn().lock.acquire('d', 'U')).rejects.toMatchObject({ code: 'SYNC_ALREADY_RUNNING', runningSyncId: 'S' });
  });

  it('gives a district to one of two syncs that ask at once', async () => {
    const { lock } = lockOn();
    const outcomes = await Promise.allSettled([lock.acquire('d', 'S'), lock.acquire('d', 'T')]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected']);
    expect((await lock.holder('d'))?.syncId).toBe('S');
  });

  it('takes over a district whose holder of another container is gone (its file free), and not one whose file is held', async () => {
    const { database, lock } = lockOn();
    strandedRow(database, 'd', 'gone');
    expect(lock.mayBeRunning({ syncId: 'gone', districtId: 'd', owner: { pid: 1, host: hostname(), started: '1/pid:[1]/boot/1' } })).toBe(false);
    expect(await lock.acquire('d', 'S')).toBe('gone');
    await lock.release('d', 'S');

    // the same, but its process lives (it holds the district's file)
    const holding = new LockFiles(`${ledger}.sync-locks`);
    try {
      expect(await holding.take('d')).toBe(true);
      strandedRow(database, 'd', 'alive');
      expect(lock.mayBeRunning({ syncId: 'alive', districtId: 'd', owner: { pid: 1, host: hostname(), started: '1/pid:[1]/boot/1' } })).toBe(true);
      await expect(lock.acquire('d', 'S')).rejects.toMatchObject({ code: 'SYNC_ALREADY_RUNNING', runningSyncId: 'alive' });
      expect(await lock.breakLock('d', 'alive', { pid: 1, host: hostname(), started: '1/pid:[1]/boot/1' })).toBe(false);
    } finally {
      holding.close();
    }
  });

  it('does not take over a holder it sees alive by its id, though it holds no file (a process of an earlier release)', async () => {
    const { database, lock } = lockOn();
    const other = spawn('sleep', ['60'], { stdio: 'ignore' });
    try {
      database.db
        .prepare('INSERT INTO sync_locks (district_id, sync_id, pid, host, started, acquired_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run('d', 'earlier', other.pid, hostname(), '', new Date().toISOString());
      await expect(lock.acquire('d', 'S')).rejects.toMatchObject({ code: 'SYNC_ALREADY_RUNNING', runningSyncId: 'earlier' });
      expect(lock.mayBeRunning({ syncId: 'earlier', districtId: 'd', owner: { pid: other.pid!, host: hostname() } })).toBe(true);
      expect(await lock.breakLock('d', 'earlier', { pid: other.pid!, host: hostname() })).toBe(false);
      expect(fileHeld('d')).toBe(false);
    } finally {
      other.kill('SIGKILL');
    }
  });

  it('takes over a hold this very process lost (its lock closed while the row stayed)', async () => {
    const first = lockOn().lock;
    await first.acquire('d', 'S');
    first.close();
    const { lock } = lockOn();
    expect(lock.mayBeRunning({ syncId: 'S', districtId: 'd', owner: thisProcess() })).toBe(false);
    expect(await lock.acquire('d', 'T')).toBe('S');
  });

  it("takes a district whose holder has deleted its row and is closing its file (letting go), not refusing it as running", async () => {
    const holding = new LockFiles(`${ledger}.sync-locks`);
    const { lock } = lockOn();
    try {
      expect(await holding.take('d')).toBe(true);
      // the holder's last step: its row is gone, its file closes a moment later, after the file's
      // own tries to take it (half a second) have given up
      setTimeout(() => holding.close(), 800);
      await expect(lock.acquire('d', 'S')).resolves.toBeNull();
      expect(fileHeld('d')).toBe(true);
    } finally {
      holding.close();
    }
    await lock.release('d', 'S');
    expect(fileHeld('d')).toBe(false);
  });

  it('gives a district to none of two takings of one sync while another process holds it', async () => {
    const holding = new LockFiles(`${ledger}.sync-locks`);
    const { lock } = lockOn();
    try {
      expect(await holding.take('d')).toBe(true);
      const outcomes = await Promise.allSettled([lock.acquire('d', 'S'), lock.acquire('d', 'S')]);
      expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    } finally {
      holding.close();
    }
    // and once it is free, the sync takes it (twice, released twice)
    await Promise.all([lock.acquire('d', 'S'), lock.acquire('d', 'S')]);
    await lock.release('d', 'S');
    expect(fileHeld('d')).toBe(true);
    await lock.release('d', 'S');
    expect(fileHeld('d')).toBe(false);
  });

  it('knows a sync taken over is gone, though its row was replaced before anyone recorded it', async () => {
    const { database, lock } = lockOn();
    strandedRow(database, 'd', 'gone');
    expect(await lock.acquire('d', 'S')).toBe('gone');
    await lock.release('d', 'S'); // (the taker failed before it recorded the sync it took over)
    expect(lock.mayBeRunning({ syncId: 'gone', districtId: 'd', owner: { pid: 1, host: hostname(), started: '1/pid:[1]/boot/1' } })).toBe(false);
  });

  it('shares its locks with a connection that reached the ledger by another path (a symbolic link)', async () => {
    const { lock } = lockOn();
    await lock.acquire('d', 'S');
    const linked = join(dir, `linked-${n}.db`);
    symlinkSync(ledger, linked);
    await expect(lockOn(linked).lock.acquire('d', 'T')).rejects.toMatchObject({ code: 'SYNC_ALREADY_RUNNING', runningSyncId: 'S' });
  });
});
