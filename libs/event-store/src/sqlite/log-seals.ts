import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import { categoryOf } from '@roster-ledger/domain';
import type { LatestLogSeal, LogSealReport, LogSeals } from '@roster-ledger/ledger';
import { toEventStoreError } from './sqlite-database';

/*
 * Seals make the log tamper-evident. Each append that writes events also writes seals in the same
 * transaction, one for each SEAL_EVERY events: the SHA-256 of the previous seal's and of every byte
 * of its events, as stored (position, id, stream, revision, type, when recorded, metadata, data).
 * An event changed, removed or added afterwards, by anyone who opens the file, no longer hashes to
 * its seal, nor any seal after it to its own: `verify` says where. Rewriting every seal from
 * there on would hide it from `verify`, but not from the last seal anyone kept elsewhere (a seal's
 * hash names the whole log up to it), which `verify --expect` checks. The table, `log_seals`, is in
 * the ledger's schema (sqlite-database.ts).
 */

/** The hash a chain of seals starts from. */
const CHAIN_START = '';

/** An event as the log stores it, in the fields a seal covers; `metadataId` the row of `event_metadata` it shares. */
export interface SealedFields {
  position: number;
  eventId: string;
  streamId: string;
  revision: number;
  type: string;
  recordedAt: string;
  metadataId: number | null;
  metadata: string;
  data: string;
}

/**
 * The hash of one seal's events. Every text goes in with its length first, so no two different
 * events make the same bytes, whatever their texts hold. The metadata and the recorded time, which
 * a run of events shares (one row of `event_metadata`, one append), go in when they change from the
 * event before: the same bytes for whoever hashes the same rows in order, for a fifth less work a
 * row on a large append.
 */
class SealHash {
  private readonly hash = createHash('sha256');
  private metadataId: number | null = null;
  private recordedAt: string | null = null;

  add(e: SealedFields): void {
    let header = `${e.position}\n${e.revision}\n${e.eventId.length}:${e.eventId}\n${e.streamId.length}:${e.streamId}\n${e.type.length}:${e.type}\n`;
    if (e.recordedAt !== this.recordedAt) {
      header += `t${e.recordedAt.length}:${e.recordedAt}\n`;
      this.recordedAt = e.recordedAt;
    }
    if (e.metadataId === null || e.metadataId !== this.metadataId) {
      header += `m${e.metadata.length}:${e.metadata}\n`;
      this.metadataId = e.metadataId;
    }
    this.hash.update(`${header}${e.data.length}:`);
    this.hash.update(e.data);
  }

  /** The seal: the previous seal's hash, then the digest of the events. */
  sealAfter(previous: string): string {
    return createHash('sha256').update(`${previous}\n`).update(this.hash.digest()).digest('hex');
  }
}

/** The statements that write seals, prepared once per connection. */
export class LogSealer {
  readonly lastSeal: Database.Statement<[], string>;
  readonly insert: Database.Statement<[number, number, string]>;

  constructor(db: Database.Database) {
    this.lastSeal = db.prepare<[], string>('SELECT sha256 FROM log_seals ORDER BY position DESC LIMIT 1').pluck();
    this.insert = db.prepare<[number, number, string]>('INSERT INTO log_seals (position, first_position, sha256) VALUES (?, ?, ?)');
  }

  /** The writer of one append's seal, inside its transaction. */
  begin(): SealWriter {
    return new SealWriter(this);
  }
}

/**
 * Events under one seal at most: a large append (a first import's millions) is sealed a thousand
 * events at a time, so that a check names a changed event's thousand, not its whole sync.
 */
export const SEAL_EVERY = 1_000;

/** Writes the seals of an append, inside its transaction: `add` each event as it is inserted, then `close`. */
export class SealWriter {
  private hash = new SealHash();
  private first = 0;
  private last = 0;
  private count = 0;
  /** The hash of the seal before the next: the log's last, read when the first is written. */
  private previous: string | null = null;

  constructor(private readonly sealer: LogSealer) {}

  add(event: SealedFields): void {
    if (this.first === 0) this.first = event.position;
    this.last = event.position;
    this.hash.add(event);
    if (++this.count === SEAL_EVERY) this.seal();
  }

  /** Writes the seal of the events added since the last one; nothing when none was. */
  close(): void {
    this.seal();
  }

  private seal(): void {
    if (this.first === 0) return;
    const sha256 = this.hash.sealAfter(this.previous ?? this.sealer.lastSeal.get() ?? CHAIN_START);
    this.sealer.insert.run(this.last, this.first, sha256);
    this.previous = sha256;
    this.hash = new SealHash();
    this.first = 0;
    this.count = 0;
  }
}

type Row = [position: number, eventId: string, streamId: string, revision: number, type: string, data: string, metadata: string, recordedAt: string, metadataId: number | null, category: string];

interface Seal {
  position: number;
  first_position: number;
  sha256: string;
}

/** Events read at a time while verifying: the events' memory stays flat whatever the log's size. */
const READ_BATCH = 5_000;

/** Seals read at a time while verifying: a row per thousand events or per append, millions of them on a large log. */
const SEAL_PAGE = 1_000;

/**
 * Checks a ledger file's log against its seals (see the comment at the top).
 *
 * The log is checked as it stood when the check began (its head then), but not in one read
 * transaction: one that lasts the check (a minute or two on a large log) keeps the WAL from being
 * checkpointed while syncs append beside it, and the WAL grows by gigabytes. Each page of seals,
 * each count and each batch of events is its own short read instead. A seal and its events are
 * written in one append's transaction and never change after, so a seal read in one read and its
 * events in a later one are as consistent as in one transaction; what is appended meanwhile lies
 * past the head, and is left out.
 */
export class SqliteLogSeals implements LogSeals {
  constructor(private readonly db: Database.Database) {}

  async verify(options: { expect?: string } = {}): Promise<LogSealReport> {
    try {
      return this.verifyNow(options);
    } catch (error) {
      // a file busy or unreadable is the store's trouble (its own exit code), not a log found changed
      throw toEventStoreError(error, this.db.name);
    }
  }

  async latest(): Promise<LatestLogSeal> {
    const db = this.db;
    try {
      // one read transaction: the head and the seal of the same moment (an append writes both)
      return db.transaction(() => {
        const head = db.prepare('SELECT COALESCE(MAX(position), 0) FROM events').pluck().get() as number;
        const seal = db.prepare<[], { position: number; sha256: string }>('SELECT position, sha256 FROM log_seals ORDER BY position DESC LIMIT 1').get();
        return { head, seal: seal === undefined ? null : { position: seal.position, sha256: seal.sha256 } };
      })();
    } catch (error) {
      throw toEventStoreError(error, db.name);
    }
  }

  private verifyNow({ expect }: { expect?: string }): LogSealReport {
    const db = this.db;
    const countIn = db.prepare<[number, number], number>('SELECT COUNT(*) FROM events WHERE position > ? AND position <= ?').pluck();
    // the log as it stands now, in one short read: the check goes no further than this head and these seals
    const start = db.transaction(() => {
      const head = (db.prepare('SELECT COALESCE(MAX(position), 0) FROM events').pluck().get() as number) ?? 0;
      const events = (db.prepare('SELECT COUNT(*) FROM events').pluck().get() as number) ?? 0;
      const seals = db.prepare<[], { count: number; low: number | null; high: number | null }>('SELECT COUNT(*) AS count, MIN(position) AS low, MAX(position) AS high FROM log_seals').get()!;
      const firstSealed = (db.prepare<[], number>('SELECT first_position FROM log_seals ORDER BY position LIMIT 1').pluck().get() as number | undefined) ?? head + 1;
      // an append gives positions from 1: an event below is put there by hand (a stream read shows it)
      const belowFirst = db.prepare<[], { low: number | null; count: number }>('SELECT MIN(position) AS low, COUNT(*) AS count FROM events WHERE position < 1').get()!;
      const unsealedBefore = countIn.get(0, firstSealed - 1) ?? 0;
      return { head, events, seals, firstSealed, belowFirst, unsealedBefore };
    })();
    const { head, events, firstSealed, belowFirst, unsealedBefore } = start;
    const report: LogSealReport = { events, head, seals: start.seals.count, sealedUpTo: 0, unsealedBefore, unsealedAfter: 0, unsealedBetween: [], lastSeal: null, broken: null, expected: null };
    if (belowFirst.count > 0) {
      report.broken = { from: belowFirst.low!, to: 0, reason: `${belowFirst.count.toLocaleString('en-US')} events lie at positions no append gives (below 1): added after the log was recorded` };
    } else if (start.seals.count > 0) {
      this.checkSeals(report, this.sealsIn(start.seals.low!, start.seals.high!), firstSealed, expect, countIn);
    }
    if (report.broken === null) report.unsealedAfter = countIn.get(report.sealedUpTo === 0 ? firstSealed - 1 : report.sealedUpTo, head) ?? 0;
    if (expect !== undefined && report.expected === null) report.expected = this.pastTheBreak(report, expect, start.seals.high) ?? { position: null, found: false };
    return report;
  }

  /** The seals from position `low` to `high`, a page at a time, each page its own read. */
  private *sealsIn(low: number, high: number): Generator<Seal> {
    const page = this.db.prepare<[number, number, number], Seal>('SELECT position, first_position, sha256 FROM log_seals WHERE position >= ? AND position <= ? ORDER BY position LIMIT ?');
    for (let from = low; from <= high; ) {
      const seals = page.all(from, high, SEAL_PAGE);
      if (seals.length === 0) return;
      yield* seals;
      from = seals[seals.length - 1]!.position + 1;
    }
  }

  /** Checks each seal in order against its events, up to the report's head; stops at the first that is not whole. */
  private checkSeals(report: LogSealReport, seals: Iterable<Seal>, firstSealed: number, expect: string | undefined, countIn: Database.Statement<[number, number], number>): void {
    const db = this.db;
    const head = report.head;
    const readRows = db
      .prepare<[number, number, number], Row>(
        'SELECT position, event_id, stream_id, revision, type, data, metadata, recorded_at, metadata_id, category FROM events WHERE position > ? AND position <= ? ORDER BY position LIMIT ?',
      )
      .raw();
    const metadataText = db.prepare<[number], string>('SELECT metadata FROM event_metadata WHERE id = ?').pluck();
    const metadataById = new Map<number, string>();
    // as the log's readers take it: the row of event_metadata when the event names one (whatever
    // its own `metadata` column holds), else that column (a row written before shared metadata)
    const metadataOf = (row: Row): string => {
      const [, , , , , , text, , id] = row;
      if (id === null) return text;
      let found = metadataById.get(id);
      if (found === undefined) {
        found = metadataText.get(id) ?? '';
        if (metadataById.size > 10_000) metadataById.clear();
        metadataById.set(id, found);
      }
      return found;
    };

    let previous = CHAIN_START;
    let previousPosition = firstSealed - 1;
    for (const seal of seals) {
      if (seal.first_position <= previousPosition) {
        report.broken = { from: seal.first_position, to: seal.position, reason: `its seal overlaps the one before, which ends at position ${previousPosition}` };
        return;
      }
      // no further than the head: events appended since the check began are not its to count
      const between = countIn.get(previousPosition, Math.min(seal.first_position - 1, head)) ?? 0;
      // unsealed, then sealed again: the append that sealed on chained to the seal before them
      // (see SealWriter), so this seal is checked as any other
      if (between > 0) report.unsealedBetween.push({ from: previousPosition + 1, to: seal.first_position - 1, events: between });
      const hash = new SealHash();
      let expectedPosition = seal.first_position;
      let missing = false;
      let moved = false;
      const last = Math.min(seal.position, head);
      for (let after = seal.first_position - 1; after < last; ) {
        const rows = readRows.all(after, last, READ_BATCH);
        if (rows.length === 0) break;
        for (const row of rows) {
          if (row[0] !== expectedPosition) missing = true;
          // the category is not hashed: it is the stream's, and an event moved out of it is changed
          if (row[9] !== categoryOf(row[2])) moved = true;
          expectedPosition = row[0] + 1;
          hash.add({ position: row[0], eventId: row[1], streamId: row[2], revision: row[3], type: row[4], data: row[5], metadataId: row[8], metadata: metadataOf(row), recordedAt: row[7] });
        }
        after = rows[rows.length - 1]![0];
      }
      if (missing || expectedPosition !== seal.position + 1) {
        report.broken = { from: seal.first_position, to: seal.position, reason: 'events under this seal are missing: removed after they were recorded' };
        return;
      }
      const sha256 = hash.sealAfter(previous);
      if (sha256 !== seal.sha256 || moved) {
        report.broken = { from: seal.first_position, to: seal.position, reason: 'these events are not the bytes that were recorded: changed after they were recorded' };
        return;
      }
      previous = sha256;
      previousPosition = seal.position;
      report.sealedUpTo = seal.position;
      report.lastSeal = { position: seal.position, sha256 };
      if (expect !== undefined && sha256 === expect) report.expected = { position: seal.position, found: true };
    }
  }

  /**
   * The seal `expect` names when it is where the chain breaks (its events are not what it sealed:
   * the usual case of a kept seal over events changed since) or past it: not checked (the chain
   * up to it no longer holds), which is not the same as gone. Undefined when the chain is whole
   * or no seal from the break on has that hash.
   */
  private pastTheBreak(report: LogSealReport, expect: string, lastSeal: number | null): LogSealReport['expected'] | undefined {
    if (report.broken === null || lastSeal === null) return undefined;
    const position = this.db
      .prepare<[string, number, number], number>('SELECT position FROM log_seals WHERE sha256 = ? AND position >= ? AND position <= ? ORDER BY position LIMIT 1')
      .pluck()
      .get(expect, report.broken.to, lastSeal);
    if (position === undefined) return undefined;
    return position === report.broken.to ? { position, found: false } : { position, found: false, checked: false };
  }
}
