import { createHash } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { InvalidInput } from '@roster-ledger/domain';
import { retryWhileBusy, waitWhileBusy, type AccessLog, type AccessLogEntry, type AccessLogFilter, type Page } from '@roster-ledger/ledger';
import { openReadModelDatabase, type Db } from '../read-model-database';

/**
 * A student's term in the index: 16 hex digits of the id's SHA-1, because ids may hold any
 * character and the index's tokenizer splits on everything but letters and digits.
 */
const studentTerm = (studentId: string) => `s${createHash('sha1').update(studentId).digest('hex').slice(0, 16)}`;

/** Entries indexed by student in one transaction: short, so that a request's record never waits long for the lock. */
const INDEX_CHUNK = 20;
/** Entries a look-up by student indexes at a time when the backlog is too long to read through. */
const LOOK_UP_CHUNK = 500;
/** The longest backlog a look-up by student reads through rather than indexing it first. */
const SCANNED_BACKLOG = 10_000;
/** How long a read waits for the write lock to record itself before it fails (and its answer with it). */
const RECORD_TIMEOUT_MS = 10_000;

/**
 * The access log: one row per request that returned students' personal data, and an index of
 * those rows by student for the look-up "who read this student's data". Append-only by design:
 * no method updates or deletes.
 *
 * A request writes its one row (its students as a JSON list) before its answer leaves. The index
 * is filled later (`indexPending`) by the server's housekeeping thread, a short transaction at a
 * time; a look-up by student reads the entries after the index's mark one by one (indexing them
 * first when there are many), so it never misses a read. It is a full-text index with one term per
 * student, a log-structured index whose inserts write a few pages, not one page per student.
 * Why both: a class roster names about 25 students, and inserting 25 rows at random places of a
 * large B-tree in each request's own commit wrote 25 pages to the WAL per request and stalled the
 * server's one thread: most of the API's latency tail (p99 13-22 ms against 5-9 ms without it, at
 * 100,000 students). The same B-tree filled from another thread held the write lock for 30-100 ms
 * per hundred requests.
 *
 * The connection is the access log's own, with a busy timeout of 0: when another connection
 * holds the write lock, a request waits for it without blocking the thread, so the requests that
 * record nothing go on being answered.
 */
export class SqliteAccessLog implements AccessLog {
  private readonly insert;
  private readonly indexedUpTo;
  private readonly lastEntry;
  private readonly nextEntries;
  private readonly indexEntry;
  private readonly markIndexed;

  /**
   * Opens the access log of a ledger, in its own file beside it (`accessLogPath`), and copies into
   * it the reads an older release logged inside the ledger file. A file of its own because a
   * sync's final append holds the ledger's write lock for seconds (minutes for a million
   * students), and every read of a student's data must commit its entry before it answers.
   */
  static open(ledgerPath: string, options: { automaticCheckpoints?: boolean } = {}): SqliteAccessLog {
    if (ledgerPath.endsWith(ACCESS_LOG_SUFFIX)) {
      throw new Error(`${ledgerPath} is an access log, not a ledger: give the ledger file it sits beside`);
    }
    const path = accessLogPath(ledgerPath);
    const made = path !== ':memory:' && !existsSync(path);
    let db: Db | undefined;
    let copying = false;
    try {
      db = openReadModelDatabase(path);
      const log = new SqliteAccessLog(db);
      copying = true;
      if (ledgerPath !== ':memory:' && ledgerPath !== '') copyReadsFromLedger(db, ledgerPath);
      copying = false;
      if (options.automaticCheckpoints === false) db.pragma('wal_autocheckpoint = 0');
      return log;
    } catch (error) {
      const damaged = isDamaged(error);
      // which file SQLite found damaged, which its own errors do not say: the copy of older reads
      // reads the ledger and writes this file, so a damage met there is the ledger's only when
      // this file checks whole
      if (damaged) Object.assign(error as object, { file: copying && db !== undefined && checksWhole(db) ? ledgerPath : path });
      db?.close();
      // a ledger that cannot be read (damaged, cut short) is left as it was found, with nothing new
      // beside it; only then: any other failure (a lock held too long) may be of a moment in which
      // another process started on the same new ledger, and is writing the file
      if (made && damaged) for (const file of [path, `${path}-wal`, `${path}-shm`]) rmSync(file, { force: true });
      throw error;
    }
  }

  constructor(private readonly db: Db) {
    createSchema(db);
    db.pragma('busy_timeout = 0');
    this.insert = db.prepare('INSERT INTO access_log (at, who, role, endpoint, student_ids) VALUES (?, ?, ?, ?, ?)');
    this.indexedUpTo = db.prepare('SELECT up_to FROM access_log_indexed WHERE only = 1').pluck();
    this.lastEntry = db.prepare('SELECT MAX(id) FROM access_log').pluck();
    this.nextEntries = db.prepare('SELECT id, student_ids FROM access_log WHERE id > ? ORDER BY id LIMIT ?');
    this.indexEntry = db.prepare('INSERT INTO access_log_by_student (rowid, students) VALUES (?, ?)');
    this.markIndexed = db.prepare('UPDATE access_log_indexed SET up_to = ? WHERE only = 1');
  }

  async record(entry: AccessLogEntry): Promise<void> {
    const studentIds = JSON.stringify(entry.studentIds);
    await waitWhileBusy(() => this.insert.run(entry.at, entry.who, entry.role, entry.endpoint, studentIds), RECORD_TIMEOUT_MS);
  }

  /**
   * Indexes by student up to `maxEntries` entries not indexed yet, oldest first, in one short
   * transaction; returns how many it indexed. Safe from several connections at once: under the
   * write lock it indexes only what is still above the mark, so no work is lost to a race.
   */
  indexPending(maxEntries = INDEX_CHUNK): number {
    // the terms are worked out before the write lock is taken, so that requests wait for it as little as possible
    const from = this.indexedUpTo.get() as number;
    const entries = (this.nextEntries.all(from, maxEntries) as { id: number; student_ids: string }[]).map(({ id, student_ids }) => ({
      id,
      terms: (JSON.parse(student_ids) as string[]).map(studentTerm).join(' '),
    }));
    if (entries.length === 0) return 0;
    return this.db
      .transaction(() => {
        const mark = this.indexedUpTo.get() as number;
        const left = entries.filter((e) => e.id > mark);
        for (const { id, terms } of left) this.indexEntry.run(id, terms);
        if (left.length > 0) this.markIndexed.run(left[left.length - 1]!.id);
        return left.length;
      })
      .immediate();
  }

  /** Checkpoints the file's WAL without waiting for anyone (for a connection without automatic checkpoints). */
  checkpoint(): void {
    this.db.pragma('wal_checkpoint(PASSIVE)');
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /** Entries recorded but not indexed yet. */
  backlog(): number {
    return ((this.lastEntry.get() as number | null) ?? 0) - (this.indexedUpTo.get() as number);
  }

  /**
   * @throws InvalidInput (field `after`) for an `after` past the newest entry: no page of this
   * log ends there (a `next` of another ledger's log, or one made up), and the entries before it
   * are the newest ones, the first page again, as if it were the page after.
   */
  async query(filter: AccessLogFilter): Promise<Page<AccessLogEntry>> {
    if (filter.after !== undefined) {
      const newest = (this.lastEntry.get() as number | null) ?? 0;
      if (filter.after > newest) {
        const place = newest === 0 ? 'it holds no entry yet' : `its newest entry's place is ${newest}`;
        throw new InvalidInput(`${filter.after} is past the newest entry of this ledger's access log (${place}): give the next of one of its pages, or leave it out for the newest entries`, { field: 'after' });
      }
    }
    const where: string[] = [];
    const params: Record<string, unknown> = { limit: filter.limit };
    if (filter.studentId !== undefined) {
      await this.shortenBacklog();
      // indexed entries through the index, the few after its mark by reading them; the list itself
      // decides, so an entry the index or the tail brings in by mistake is never returned
      params['mark'] = this.indexedUpTo.get();
      where.push(`l.id IN (SELECT rowid FROM access_log_by_student WHERE access_log_by_student MATCH @term AND rowid <= @mark
                           UNION ALL SELECT id FROM access_log WHERE id > @mark)`);
      where.push('EXISTS (SELECT 1 FROM json_each(l.student_ids) s WHERE s.value = @student)');
      params['term'] = `"${studentTerm(filter.studentId)}"`;
      params['student'] = filter.studentId;
    }
    if (filter.who !== undefined) (where.push('l.who = @who'), (params['who'] = filter.who));
    if (filter.from !== undefined) (where.push('l.at >= @from'), (params['from'] = filter.from));
    if (filter.to !== undefined) (where.push('l.at < @to'), (params['to'] = filter.to));
    // newest first: the next page holds the entries recorded before the last one of this page
    if (filter.after !== undefined) (where.push('l.id < @after'), (params['after'] = filter.after));
    const sql = `SELECT id, at, who, role, endpoint, student_ids FROM access_log l ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY l.id DESC LIMIT @limit`;
    const rows = await waitWhileBusy(
      () => this.db.prepare(sql).all(params) as { id: number; at: string; who: string; role: string; endpoint: string; student_ids: string }[],
      RECORD_TIMEOUT_MS,
    );
    const last = rows[rows.length - 1];
    return {
      items: rows.map((r) => ({ at: r.at, who: r.who, role: r.role, endpoint: r.endpoint, studentIds: JSON.parse(r.student_ids) as string[] })),
      next: rows.length === filter.limit && last !== undefined ? String(last.id) : null,
    };
  }

  /**
   * Indexes the backlog down to what a look-up may read through (a ledger upgraded from a release
   * that indexed otherwise, or one only the CLI writes to, can hold a long one), a chunk at a
   * time, letting the thread answer others between chunks.
   */
  private async shortenBacklog(): Promise<void> {
    while (this.backlog() > SCANNED_BACKLOG) {
      await waitWhileBusy(() => this.indexPending(LOOK_UP_CHUNK), RECORD_TIMEOUT_MS);
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}

/** The access log's file beside a ledger: `data/roster-ledger.db` → `data/roster-ledger.db.access-log.db`. */
export function accessLogPath(ledgerPath: string): string {
  if (ledgerPath === ':memory:' || ledgerPath === '') return ':memory:';
  // appended, never replacing an extension: two ledgers of one folder never share a log
  return `${ledgerPath}${ACCESS_LOG_SUFFIX}`;
}

const ACCESS_LOG_SUFFIX = '.access-log.db';

function createSchema(db: Db): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS access_log (id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, who TEXT NOT NULL, role TEXT NOT NULL, endpoint TEXT NOT NULL, student_ids TEXT NOT NULL);
    CREATE VIRTUAL TABLE IF NOT EXISTS access_log_by_student USING fts5(students, content='', columnsize=0, detail=none, tokenize='ascii');
    CREATE TABLE IF NOT EXISTS access_log_indexed (only INTEGER PRIMARY KEY CHECK (only = 1), up_to INTEGER NOT NULL);
    INSERT OR IGNORE INTO access_log_indexed (only, up_to) VALUES (1, 0);
    -- how far the reads an older release logged inside the ledger file have been copied here
    CREATE TABLE IF NOT EXISTS access_log_copied_from_ledger (only INTEGER PRIMARY KEY CHECK (only = 1), up_to INTEGER NOT NULL);
    INSERT OR IGNORE INTO access_log_copied_from_ledger (only, up_to) VALUES (1, 0);
  `);
}

/**
 * Copies here the reads an older release logged in the ledger file that are not copied yet, in
 * one transaction that writes this file only (the ledger is only read, so a sync holding its
 * write lock delays nothing), with new ids after this file's own. The ledger's table is left as it
 * is: an older release still running (or rolled back to) keeps logging there, and its later
 * reads are copied at the next start; dropping it would lose them, and could not be atomic with
 * the copy across two files.
 */
function copyReadsFromLedger(db: Db, ledgerPath: string): void {
  db.prepare('ATTACH DATABASE ? AS ledger').run(ledgerPath);
  try {
    const logged = db.prepare("SELECT 1 FROM ledger.sqlite_master WHERE type = 'table' AND name = 'access_log'").get();
    if (logged === undefined) return;
    retryWhileBusy(
      () =>
        db.transaction(() => {
          const from = db.prepare('SELECT up_to FROM access_log_copied_from_ledger').pluck().get() as number;
          const to = db.prepare('SELECT MAX(id) FROM ledger.access_log').pluck().get() as number | null;
          if (to === null || to <= from) return;
          db.prepare(
            `INSERT INTO main.access_log (at, who, role, endpoint, student_ids)
             SELECT at, who, role, endpoint, student_ids FROM ledger.access_log WHERE id > ? AND id <= ? ORDER BY id`,
          ).run(from, to);
          db.prepare('UPDATE access_log_copied_from_ledger SET up_to = ?').run(to);
        })(),
      10_000,
    );
  } finally {
    db.exec('DETACH DATABASE ledger');
  }
}

/** Whether SQLite found a file damaged, or not a database at all. */
function isDamaged(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^SQLITE_(CORRUPT|NOTADB)/.test(code);
}

/** Whether SQLite finds no damage in the connection's own file (its first problem, if any, ends the check). */
function checksWhole(db: Db): boolean {
  try {
    return db.pragma('main.quick_check(1)', { simple: true }) === 'ok';
  } catch {
    return false;
  }
}
