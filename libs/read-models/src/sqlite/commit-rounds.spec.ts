import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { openReadModelDatabase } from './read-model-database';
import { CommitRounds } from './commit-rounds';

describe('CommitRounds', () => {
  const rowsOf = (db: ReturnType<typeof openReadModelDatabase>) => db.prepare(`SELECT pid, host FROM ${CommitRounds.TABLE} ORDER BY id`).all();

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

  it("deletes the round a killed process left on this host when the next one begins, and keeps another host's", () => {
    const db = openReadModelDatabase(':memory:');
    const rounds = new CommitRounds(db);
    const dead = spawnSync(process.execPath, ['-e', '']).pid!;
    db.prepare(`INSERT INTO ${CommitRounds.TABLE} (pid, host) VALUES (?, ?), (?, ?)`).run(dead, hostname(), dead, 'another-host');
    const id = rounds.begin();
    expect(rowsOf(db)).toEqual([
      { pid: dead, host: 'another-host' },
      { pid: process.pid, host: hostname() },
    ]);
    rounds.end(id);
    expect(rowsOf(db)).toEqual([{ pid: dead, host: 'another-host' }]);
  });
});
