import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AccessLogEntry } from '@roster-ledger/ledger';
import { openReadModelDatabase, type Db } from '../read-model-database';
import { accessLogPath, SqliteAccessLog } from './sqlite-access-log';

const read = (i: number, studentIds: string[], who = 'desk'): AccessLogEntry => ({
  at: `2026-11-${String(10 + i).padStart(2, '0')}T08:00:00.000Z`,
  who,
  role: 'support',
  endpoint: 'GET /classes/:id/roster',
  studentIds,
});

/**
 * Records ana's read while `holder` keeps a write transaction open for `ms`, then lets it commit;
 * tells whether the read was recorded before the holder committed.
 */
async function recordWhileHeld(log: SqliteAccessLog, holder: Db, ms: number): Promise<boolean> {
  holder.exec('BEGIN IMMEDIATE');
  let recorded = false;
  const recording = log.record(read(1, ['ana'])).then(() => (recorded = true));
  await new Promise((resolve) => setTimeout(resolve, ms));
  const before = recorded;
  holder.exec('COMMIT');
  await recording;
  return before;
}

describe('SqliteAccessLog', () => {
  const dir = mkdtempSync(join(tmpdir(), 'access-log-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let n = 0;
  const fresh = (): { db: Db; path: string } => {
    const path = join(dir, `log-${n++}.db`);
    return { db: openReadModelDatabase(path), path };
  };

  it('finds every read of a student, newest first, including reads recorded after an earlier look-up', async () => {
    const { db } = fresh();
    const log = new SqliteAccessLog(db);
    await log.record(read(1, ['ana', 'ben']));
    await log.record(read(2, ['ben']));
    expect((await log.query({ studentId: 'ben', limit: 10 })).items.map((e) => e.at)).toEqual([read(2, []).at, read(1, []).at]);
    // some reads indexed, the later ones not yet: a look-up finds both
    expect(log.indexPending()).toBe(2);
    await log.record(read(3, ['ben', 'cy'], 'alice'));
    expect((await log.query({ studentId: 'ben', limit: 10 })).items.map((e) => e.at)).toEqual([read(3, []).at, read(2, []).at, read(1, []).at]);
    expect((await log.query({ studentId: 'cy', limit: 10 })).items).toEqual([read(3, ['ben', 'cy'], 'alice')]);
    expect((await log.query({ studentId: 'dee', limit: 10 })).items).toEqual([]);
    expect((await log.query({ studentId: 'ben', who: 'desk', limit: 1 })).items.map((e) => e.at)).toEqual([read(2, []).at]);
    db.close();
  });

  it('pages through every entry, newest first, each once, with a next cursor until the last page, also while reads are logged between pages', async () => {
    const { db } = fresh();
    const log = new SqliteAccessLog(db);
    for (let i = 1; i <= 5; i++) await log.record(read(i, ['ana']));
    const first = await log.query({ studentId: 'ana', limit: 2 });
    await log.record(read(6, ['ana'])); // newer than the first page: not on the later ones
    const second = await log.query({ studentId: 'ana', limit: 2, after: Number(first.next) });
    const third = await log.query({ studentId: 'ana', limit: 2, after: Number(second.next) });
    expect([first, second, third].map((page) => page.items.map((e) => e.at))).toEqual([
      [read(5, []).at, read(4, []).at],
      [read(3, []).at, read(2, []).at],
      [read(1, []).at],
    ]);
    expect([typeof first.next, typeof second.next, third.next]).toEqual(['string', 'string', null]);
    // without a student, the same
    expect((await log.query({ limit: 10, after: Number(second.next) })).items.map((e) => e.at)).toEqual([read(1, []).at]);
    db.close();
  });

  it('refuses an after past the newest entry, which no page ends with, rather than giving the first page again', async () => {
    const { db } = fresh();
    const log = new SqliteAccessLog(db);
    await expect(log.query({ limit: 2, after: 1 })).rejects.toThrow("1 is past the newest entry of this ledger's access log (it holds no entry yet)");
    for (let i = 1; i <= 3; i++) await log.record(read(i, ['ana']));
    await expect(log.query({ limit: 2, after: 4 })).rejects.toMatchObject({
      rule: "4 is past the newest entry of this ledger's access log (its newest entry's place is 3): give the next of one of its pages, or leave it out for the newest entries",
      at: { field: 'after' },
    });
    await expect(log.query({ studentId: 'ana', limit: 2, after: 99 })).rejects.toThrow(/past the newest entry/);
    // the newest entry's own place is a page's end like any other
    expect((await log.query({ limit: 5, after: 3 })).items.map((e) => e.at)).toEqual([read(2, []).at, read(1, []).at]);
    db.close();
  });

  it('names the file SQLite found damaged as it opens: its own, whether its header or its pages, and not the ledger it copies older reads from', () => {
    const spoil = (file: string, from: number) => {
      const bytes = readFileSync(file);
      bytes.fill(0x5a, from);
      writeFileSync(file, bytes);
    };
    const fileOfFailure = (ledger: string): unknown => {
      try {
        SqliteAccessLog.open(ledger).close();
        return 'opened';
      } catch (error) {
        return (error as { file?: unknown }).file;
      }
    };
    // a ledger of the older release, with reads to copy, beside an access log of the new file
    const { db, path } = fresh();
    db.exec(`CREATE TABLE access_log (id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, who TEXT NOT NULL, role TEXT NOT NULL, endpoint TEXT NOT NULL, student_ids TEXT NOT NULL);`);
    const insert = db.prepare(`INSERT INTO access_log (at, who, role, endpoint, student_ids) VALUES (?, 'desk', 'support', 'GET /accounts/:id', '["ana"]')`);
    for (let i = 0; i < 200; i++) insert.run(read(1, []).at);
    db.close();
    const log = SqliteAccessLog.open(path);
    log.close();
    // its pages spoilt: met while the older reads are copied into it, yet its own damage
    spoil(accessLogPath(path), 4096);
    expect(fileOfFailure(path)).toBe(accessLogPath(path));
    // its header spoilt: met as it opens
    spoil(accessLogPath(path), 0);
    expect(fileOfFailure(path)).toBe(accessLogPath(path));
  });

  it('copies the reads an older release logged inside the ledger file, each once, also those it logs after the upgrade', async () => {
    const { db, path } = fresh();
    // the older layout: the log and its B-tree index by student in the ledger file itself
    db.exec(`
      CREATE TABLE access_log (id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, who TEXT NOT NULL, role TEXT NOT NULL, endpoint TEXT NOT NULL, student_ids TEXT NOT NULL);
      CREATE TABLE access_log_students (student_id TEXT NOT NULL, entry_id INTEGER NOT NULL, PRIMARY KEY (student_id, entry_id)) WITHOUT ROWID;
    `);
    const olderRelease = db.prepare(`INSERT INTO access_log (at, who, role, endpoint, student_ids) VALUES (?, 'desk', 'support', 'GET /accounts/:id', '["ana"]')`);
    olderRelease.run(read(1, []).at);
    const log = SqliteAccessLog.open(path);
    await log.record(read(2, ['ana']));
    const ats = async (reader: SqliteAccessLog) => (await reader.query({ studentId: 'ana', limit: 10 })).items.map((e) => e.at).sort();
    expect(await ats(log)).toEqual([read(1, []).at, read(2, []).at]);
    log.close();
    // a server of the older release not restarted yet (or a roll-back) logs one more read in the ledger
    olderRelease.run(read(3, []).at);
    const again = SqliteAccessLog.open(path);
    expect(await ats(again)).toEqual([read(1, []).at, read(2, []).at, read(3, []).at]);
    again.close();
    // and nothing is copied twice
    const third = SqliteAccessLog.open(path);
    expect(await ats(third)).toHaveLength(3);
    third.close();
    db.close();
  });

  it('keeps the log beside its ledger under a name of its own, and refuses to open a log as a ledger', () => {
    expect(accessLogPath('data/roster-ledger.db')).toBe('data/roster-ledger.db.access-log.db');
    // ledgers whose names differ only after a dot do not share a log
    expect(accessLogPath('district.east')).not.toBe(accessLogPath('district.west'));
    expect(accessLogPath('ledger')).not.toBe(accessLogPath('ledger.db'));
    const { path } = fresh();
    expect(() => SqliteAccessLog.open(accessLogPath(path))).toThrow(/is an access log, not a ledger/);
  });

  it("records a read at once while a sync holds the ledger's write lock", async () => {
    const { db, path } = fresh();
    const log = SqliteAccessLog.open(path);
    // a sync's final append: one transaction, seconds to minutes long
    expect(await recordWhileHeld(log, db, 50)).toBe(true);
    expect((await log.query({ studentId: 'ana', limit: 10 })).items).toEqual([read(1, ['ana'])]);
    log.close();
    db.close();
  });

  it('indexes each read once when two connections index at the same time', async () => {
    const { db, path } = fresh();
    const log = new SqliteAccessLog(db);
    for (let i = 0; i < 250; i++) await log.record(read(1, [`s${i}`, `s${i + 1}`, `s${i + 2}`]));
    const other = openReadModelDatabase(path);
    const otherLog = new SqliteAccessLog(other);
    let indexed = 0;
    for (;;) {
      const step = log.indexPending(7) + otherLog.indexPending(11);
      if (step === 0) break;
      indexed += step;
    }
    expect(indexed).toBe(250);
    for (const [student, reads] of [['s0', 1], ['s1', 2], ['s100', 3], ['s251', 1]] as const) {
      expect((await otherLog.query({ studentId: student, limit: 10 })).items).toHaveLength(reads);
    }
    other.close();
    db.close();
  });

  it('finds students whose ids hold spaces, quotes or other characters, and only them', async () => {
    const { db } = fresh();
    const log = new SqliteAccessLog(db);
    const odd = ['a b', 'a"b', "o'neil", 'ünï-cödé', 'NOT x', 'a*'];
    await log.record(read(1, odd));
    await log.record(read(2, ['a', 'b', 'neil']));
    for (const id of odd) expect((await log.query({ studentId: id, limit: 10 })).items.map((e) => e.at)).toEqual([read(1, []).at]);
    expect((await log.query({ studentId: 'a', limit: 10 })).items.map((e) => e.at)).toEqual([read(2, []).at]);
    db.close();
  });

  it('waits for a lock another connection holds without blocking the thread, then records the read', async () => {
    const { db, path } = fresh();
    const log = new SqliteAccessLog(db);
    const other = openReadModelDatabase(path);
    // the thread goes on: timers fire while the read waits for the lock
    expect(await recordWhileHeld(log, other, 30)).toBe(false);
    expect((await log.query({ studentId: 'ana', limit: 10 })).items).toEqual([read(1, ['ana'])]);
    other.close();
    db.close();
  });

  it('indexes a long backlog before a look-up, letting the thread run other work between chunks', async () => {
    const { db } = fresh();
    const log = new SqliteAccessLog(db);
    const insert = db.prepare(`INSERT INTO access_log (at, who, role, endpoint, student_ids) VALUES ('2026-11-01T08:00:00.000Z', 'desk', 'support', 'GET /classes/:id/roster', ?)`);
    // a ledger upgraded from a release that indexed otherwise: 20,000 reads the index has never seen
    db.transaction(() => {
      for (let i = 0; i < 20_000; i++) insert.run(JSON.stringify(Array.from({ length: 25 }, (_, s) => `student-${(i * 7 + s) % 5_000}`)));
    })();
    expect(log.backlog()).toBe(20_000);
    let turns = 0;
    let counting = true;
    const count = () => {
      turns++;
      if (counting) setImmediate(count);
    };
    setImmediate(count);
    const found = (await log.query({ studentId: 'student-42', limit: 1_000 })).items;
    counting = false;
    // 20,000 reads of 25 students out of 5,000: each student was read 100 times
    expect(found).toHaveLength(100);
    // the other work ran between the chunks, not only once the look-up was done
    expect(turns).toBeGreaterThan(5);
    expect(log.backlog()).toBeLessThanOrEqual(10_000);
    db.close();
  });
});
