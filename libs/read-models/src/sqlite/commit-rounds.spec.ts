import { spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, utimesSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { LockFiles } from '@roster-ledger/process-locks';
import { anotherProcessHolding as holdingElsewhere } from '@roster-ledger/testing';
import { openReadModelDatabase } from './read-model-database';
import { CommitRounds } from './commit-rounds';

describe('CommitRounds', () => {
  const dir = mkdtempSync(join(tmpdir(), 'roster-ledger-commit-rounds-'));
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const child of children) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
  const rowsOf = (db: ReturnType<typeof openReadModelDatabase>) => db.prepare(`SELECT pid, host FROM ${CommitRounds.TABLE} ORDER BY id`).all();
  const lockFolder = (name: string) => join(dir, name, 'locks');

  /** A process of another container holding a round's lock file, as a writer there does while it lives. */
  async function anotherProcessHolding(folder: string, name: string): Promise<ChildProcess> {
    const { holder } = await holdingElsewhere(folder, name);
    children.push(holder);
    return holder;
  }

  it('notes a round while its commits run and none once they are done; one whose commits failed stays until the next', () => {
    const db = openReadModelDatabase(':memory:');
    const rounds = new CommitRounds(db);
    let during: unknown[] = [];
    rounds.around(() => (during = rowsOf(db)));
    expect(during).toEqual([{ pid: process.pid, host: hostname() }]);
    expect(rowsOf(db)).toEqual([]);
    expect(() =>
      rounds.around(() => {
        throw new Error('a commit failed');
      }),
    ).toThrow('a commit failed');
    // some files may have committed and others not: readers go on comparing checkpoints
    expect(rowsOf(db)).toEqual([{ pid: process.pid, host: hostname() }]);
    rounds.around(() => (during = rowsOf(db)));
    expect(during).toEqual([{ pid: process.pid, host: hostname() }]);
    expect(rowsOf(db)).toEqual([]);
  });

  it("deletes the round a process of another container left once it has ended, told by its lock file, and keeps a live one's", async () => {
    const folder = lockFolder('containers');
    const db = openReadModelDatabase(':memory:');
    const rounds = new CommitRounds(db, new LockFiles(folder));
    await anotherProcessHolding(folder, 'round-alive');
    const killed = await anotherProcessHolding(folder, 'round-killed');
    const add = (pid: number, lock: string) => db.prepare(`INSERT INTO ${CommitRounds.TABLE} (pid, host, lock) VALUES (?, 'container-b', ?)`).run(pid, lock);
    // (its process id means nothing here: another container's can be any)
    add(1, 'round-alive');
    add(1, 'round-killed');
    expect(rowsOf(db)).toHaveLength(2);

    rounds.around(() => undefined);
    expect(rowsOf(db)).toHaveLength(2);

    killed.kill('SIGKILL');
    await new Promise((resolve) => killed.once('exit', resolve));
    rounds.around(() => undefined);
    expect(db.prepare(`SELECT lock FROM ${CommitRounds.TABLE}`).pluck().all()).toEqual(['round-alive']);
    // the ended one's file is gone with its round; the live one's and this writer's own stay
    // (with the journals SQLite keeps beside files it holds in a transaction)
    const lockFiles = () => readdirSync(folder).filter((file) => file.endsWith('.lock')).sort();
    expect(lockFiles()).toEqual(expect.arrayContaining(['round-alive.lock', expect.stringMatching(/^round-[0-9a-f-]{36}\.lock$/)]));
    expect(lockFiles()).toHaveLength(2);
    expect(readdirSync(folder).filter((file) => file.startsWith('round-killed'))).toEqual([]);
    rounds.close();
    expect(readdirSync(folder).filter((file) => !file.startsWith('round-alive'))).toEqual([]);
  });

  it("keeps the round another writer of this process has under way (a rebuild's other thread) and deletes it once that writer has closed", () => {
    const folder = lockFolder('siblings');
    const db = openReadModelDatabase(join(dir, 'sibling-rounds.db'));
    const mine = new CommitRounds(db, new LockFiles(folder));
    const sibling = new CommitRounds(db, new LockFiles(folder));
    const theirs = sibling.begin();
    // this writer's round, while the sibling's commits are under way, and its own that failed
    expect(() =>
      mine.around(() => {
        throw new Error('a commit failed');
      }),
    ).toThrow('a commit failed');
    mine.around(() => undefined);
    expect(rowsOf(db)).toEqual([{ pid: process.pid, host: hostname() }]);
    sibling.end(theirs);
    expect(rowsOf(db)).toEqual([]);

    // a round the sibling left (its commits failed), kept while it lives, gone once it closed
    expect(() =>
      sibling.around(() => {
        throw new Error('a commit failed');
      }),
    ).toThrow('a commit failed');
    mine.around(() => undefined);
    expect(rowsOf(db)).toHaveLength(1);
    sibling.close();
    mine.around(() => undefined);
    expect(rowsOf(db)).toEqual([]);
    mine.close();
  });

  it("holds its lock file from its first round until it closes; a round it left is then the next writer's to delete", () => {
    const folder = lockFolder('close');
    const db = openReadModelDatabase(join(dir, 'close-rounds.db'));
    const first = new CommitRounds(db, new LockFiles(folder));
    expect(existsSync(folder) && readdirSync(folder)).toBeFalsy();
    expect(() =>
      first.around(() => {
        throw new Error('a commit failed');
      }),
    ).toThrow('a commit failed');
    const [lock] = db.prepare(`SELECT lock FROM ${CommitRounds.TABLE}`).pluck().all() as string[];
    expect(lock).toMatch(/^round-[0-9a-f-]{36}$/);
    const others = new LockFiles(folder);
    expect(others.heldAnywhere(lock!)).toBe(true);

    // another process's writer, as another container's would be, while the first lives and once it closed
    db.prepare(`UPDATE ${CommitRounds.TABLE} SET pid = 1, host = 'container-b'`).run();
    const next = new CommitRounds(db, others);
    next.around(() => undefined);
    expect(rowsOf(db)).toEqual([{ pid: 1, host: 'container-b' }]);
    first.close();
    expect(others.heldAnywhere(lock!)).toBe(false);
    next.around(() => undefined);
    expect(rowsOf(db)).toEqual([]);
    next.close();
    expect(readdirSync(folder)).toEqual([]);
  });

  it('deletes, at its first round, the lock files writers killed outside a round left, once they are a minute old', () => {
    const folder = lockFolder('left');
    const killed = new LockFiles(folder);
    for (const name of ['round-killed-long-ago', 'round-just-made']) expect(killed.tryTake(name)).toBe(true);
    killed.close(); // (as a writer killed outside a round leaves them: no round's row names them)
    const longAgo = new Date(Date.now() - 5 * 60_000);
    utimesSync(join(folder, 'round-killed-long-ago.lock'), longAgo, longAgo);
    const rounds = new CommitRounds(openReadModelDatabase(':memory:'), new LockFiles(folder));
    rounds.around(() => undefined);
    const lockFiles = readdirSync(folder).filter((file) => file.endsWith('.lock'));
    expect(lockFiles).toContain('round-just-made.lock');
    expect(lockFiles).not.toContain('round-killed-long-ago.lock');
    expect(lockFiles).toHaveLength(2); // and this writer's own
    rounds.close();
  });

  it("judges a round noted without a lock file (an older release's) by its process id: this host's dead one goes, another host's stays", () => {
    const db = openReadModelDatabase(':memory:');
    const rounds = new CommitRounds(db, new LockFiles(lockFolder('older')));
    const dead = spawnSync(process.execPath, ['-e', '']).pid!;
    db.prepare(`INSERT INTO ${CommitRounds.TABLE} (pid, host) VALUES (?, ?), (?, ?)`).run(dead, hostname(), dead, 'another-host');
    const id = rounds.begin();
    expect(rowsOf(db)).toEqual([
      { pid: dead, host: 'another-host' },
      { pid: process.pid, host: hostname() },
    ]);
    rounds.end(id);
    expect(rowsOf(db)).toEqual([{ pid: dead, host: 'another-host' }]);
    rounds.close();
  });

  it('adds the lock column to the table of an older release', () => {
    const db = openReadModelDatabase(':memory:');
    db.exec(`CREATE TABLE ${CommitRounds.TABLE} (id INTEGER PRIMARY KEY, pid INTEGER NOT NULL, host TEXT NOT NULL, started TEXT)`);
    db.prepare(`INSERT INTO ${CommitRounds.TABLE} (pid, host) VALUES (1, 'another-host')`).run();
    new CommitRounds(db).around(() => undefined);
    expect(db.prepare(`SELECT pid, host, lock FROM ${CommitRounds.TABLE}`).all()).toEqual([{ pid: 1, host: 'another-host', lock: null }]);
  });
});
