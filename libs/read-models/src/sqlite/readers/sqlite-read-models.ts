import { AsyncLocalStorage } from 'node:async_hooks';
import type {
  AccountName,
  AccountsFound,
  AccountView,
  AuditFilter,
  ClassFound,
  ClassName,
  ClassRecordView,
  IndexedSync,
  IndexedSyncQuery,
  LastKnownRecord,
  LoggedChange,
  Membership,
  NamedRecord,
  Page,
  ReadModels,
  EventStore,
  RecordedEvent,
  TimelineKind,
} from '@roster-ledger/ledger';
import { parseMoment, ZONE_FORMS } from '@roster-ledger/ledger';
import { InvalidInput, type SyncStatus } from '@roster-ledger/domain';
import type { SyncRow } from '../projections/syncs.projection';
import { factsOf, originOf } from '../../model/event-facts';
import { evolveClass, type ClassView } from '../../model/class';
import { evolveAccount, type Account } from '../../model/account';
import { isRemoval, isSharedAgain, lastKnownAlong, lastKnownOf } from '../../model/last-known';
import { positionsOf } from '../projections/identity-trails';
import type { Statement } from 'better-sqlite3';
import type { Db } from '../read-model-database';
import { tableNamer } from '../sqlite-projection';
import { searchCursor, searchCursorOf, type SearchOf, type SearchRow } from './search-cursor';
import { searchKey, spacingVariants } from '../../model/search-key';
import { matchesNow } from '../../model/account-search-keys';

/** A row of a class search: the class's columns, and its place in the page's order. */
interface ClassSearchRow {
  id: string;
  district_id: string | null;
  status: 'active' | 'removed';
  name: string | null;
  sis_id: string | null;
  section_number: string | null;
  school_id: string | null;
  term_id: string | null;
  course_id: string | null;
  removed: number;
  sort_name: string;
}

interface MembershipRow {
  section_id: string;
  user_id: string;
  role: 'student' | 'teacher';
  primary_from_at: string | null;
  primary_from_sync: string | null;
  from_at: string;
  from_sync: string | null;
  to_at: string | null;
}

const toChange = (event: RecordedEvent, recordType?: string): LoggedChange => {
  const f = factsOf(event);
  return {
    position: f.position,
    streamId: event.streamId,
    type: event.type,
    syncId: f.syncId,
    districtId: f.districtId,
    observedAt: f.observedAt,
    recordedAt: f.recordedAt,
    cleverLastModified: f.cleverLastModified,
    ...originOf(event),
    ...(recordType === undefined ? {} : { recordType }),
    data: event.data,
  };
};

/**
 * A removal's or a share again's change with what the record was (see LoggedChange.lastKnown): a
 * removal always says (null: no earlier version), a share only when it shares a record again.
 */
function withLastKnown(change: LoggedChange, event: RecordedEvent, known: LastKnownRecord | null): LoggedChange {
  if (known !== null || isRemoval(event)) change.lastKnown = known;
  return change;
}

const toMembership = (r: MembershipRow): Membership => ({
  sectionId: r.section_id,
  userId: r.user_id,
  role: r.role,
  primary: r.primary_from_at !== null,
  since: r.from_at,
  sinceSync: r.from_sync,
  primarySince: r.primary_from_at,
  primarySinceSync: r.primary_from_sync,
  until: r.to_at,
});

/** A moment of an audit filter as the audit feed stores times: milliseconds since 1970. */
const millisecondsOf = (text: string, field: 'from' | 'to'): number => {
  const moment = parseMoment(text, field === 'from' ? 'start-of-day' : 'next-day');
  if (moment === null) throw new InvalidInput(`${field} must be an ISO-8601 date or a timestamp with ${ZONE_FORMS}, got "${text}"`, { field });
  return Date.parse(moment);
};

/**
 * Above every name that starts with a prefix, when appended to it: U+10FFFF is the largest code
 * point, and its UTF-8 the largest bytes any other can start with. A prefix match is a range of
 * the name index, `>= prefix AND < prefix + this`: LIKE never used that index (SQLite uses one for
 * LIKE only under case-sensitive LIKE or a NOCASE column), so each search read every account, 3 s
 * at a million students. Names are stored as search keys, so the range is the prefix match but for a
 * name with U+10FFFF (a noncharacter, never in a name) right after the prefix; a typed % or _ is
 * plain text in it.
 */
const ABOVE_PREFIX = '\u{10FFFF}';

/** How many of a record's events are read from the log at a time when it is folded to a moment. */
const AS_OF_FOLD_SLICE = 500;

/** What queries need to know of the live read models: their names, and each one's version (its tables' names). */
export interface LiveProjections {
  names(): string[];
  /** The live version of a read model; its file is readable on the readers' connection once asked. */
  liveVersion(projection: string): number;
  /** Whether a read model stopped at an event it could not fold: it stays behind the others until it is mended. */
  stopped(projection: string): boolean;
  /** The table that holds a version's checkpoint, as the readers' connection names it. */
  checkpointTable(projection: string, version: number): string;
  /** The table of commit rounds under way (see CommitRounds), as the readers' connection names it; null when there are none. */
  roundsTable(): string | null;
}

/** A read's answer, with every read model's position when a commit round was under way ('round under way': not read yet). */
interface Snapshot<T> {
  value: T;
  /** The read model's checkpoint: the moment of the log the value is of. */
  checkpoint: number;
  positions: Map<string, number> | 'round under way' | null;
}

/**
 * How long a read waits in all for the read models to agree on their position (1, 2, 4 ... 512
 * ms). The commits of a round are milliseconds apart on an idle machine, but a busy one (two cores
 * shared with a sync's reading, or other work) can hold the second thread's commit back by a
 * hundred milliseconds and more: a read that gave up sooner answered from two moments (a class
 * still shared, its members already gone). Only a round a killed process left lasts longer, and
 * that difference is waited for once.
 */
const AGREEMENT_WAIT_MS = 1023;

/**
 * How many times `atOneMoment` runs its reads again, waiting 1, 4, then 16 ms first: its reads
 * fell on both sides of a round that has ended (each read waits out a round under way itself), so
 * the first run again is of one moment.
 */
const MOMENT_RETRIES = 3;

/**
 * The read models' queries on SQLite. Table names are resolved per query from the live version,
 * so a rebuild's swap takes effect for the next query without a restart. Timelines and the audit
 * feed hold log positions: their events are read from the log, one read per page (and one more
 * for the earlier events of a page's removals).
 */
/** Quotes, commas and semicolons around a pasted id or email ("134654858", 134654858,): none is part of one. */
const PASTED_AROUND = /^["'\u2018-\u201d,;\s]+|["'\u2018-\u201d,;\s]+$/g;

export class SqliteReadModels implements ReadModels {
  constructor(
    private readonly db: Db,
    private readonly live: LiveProjections,
    private readonly log: Pick<EventStore, 'readAt' | 'streamPositions' | 'readStream'>,
  ) {}

  private readonly prepared = new Map<string, Statement>();
  /** The live versions one query resolved: looked up once per query, not once per table it names. */
  private readonly resolved = new Map<string, number>();
  /** The read models' positions when they last stayed apart longer than a read waits (JSON), else null. */
  private lastingDifference: string | null = null;
  /** The moments of `atOneMoment`'s reads when they last stayed apart through its retries, else null. */
  private lastingMomentDifference: string | null = null;
  /** Inside `atOneMoment`: the checkpoint each read was of. */
  private readonly moment = new AsyncLocalStorage<number[]>();

  /** Queries are prepared once per text: preparing costs more than running most of them. */
  private statement(sql: string): Statement {
    let prepared = this.prepared.get(sql);
    if (prepared === undefined) {
      // texts name table versions and filter combinations: few, but a long-running server must not collect them forever
      if (this.prepared.size >= 500) this.prepared.clear();
      prepared = this.db.prepare(sql);
      this.prepared.set(sql, prepared);
    }
    return prepared;
  }

  /**
   * Runs a query of one read model in one read transaction, so what it reads is one moment of the
   * log: the read model's `checkpoint`, the end of a sync (a live fold commits there). Several
   * read-model files are committed one after the other, inside a commit round (see CommitRounds;
   * on two threads, milliseconds apart): a read that finds a round under way reads every read
   * model's checkpoint too, and reads again, for up to AGREEMENT_WAIT_MS, while they differ (it
   * fell between two commits). A difference that outlasts that (a round a killed process left) is
   * answered through, and not waited for again until it changes.
   */
  private async read<T>(projection: string, query: (checkpoint: number) => T): Promise<T> {
    let everyVersion = false;
    for (let wait = 1; ; ) {
      const { value, checkpoint, positions } = this.readOnce(projection, query, everyVersion);
      // (inside atOneMoment: the moments its reads were of)
      const answer = () => {
        // a read model stopped at an event stays behind: its moment is no reason to read the others again
        const moments = this.moment.getStore();
        if (moments !== undefined && !this.live.stopped(projection)) moments.push(checkpoint);
        return value;
      };
      if (positions === null) return answer();
      if (positions === 'round under way') {
        // a read model stopped at an event stays behind the others: there is no moment to wait for
        if (this.live.stopped(projection)) return answer();
        everyVersion = true; // read again, with every read model's file attached first
        continue;
      }
      const apart = new Set(positions.values()).size > 1 ? JSON.stringify([...positions]) : null;
      if (apart === null || apart === this.lastingDifference || wait > AGREEMENT_WAIT_MS) {
        this.lastingDifference = apart;
        return answer();
      }
      await new Promise((resolve) => setTimeout(resolve, wait));
      wait *= 2;
    }
  }

  async atOneMoment<T>(read: () => Promise<T>): Promise<T> {
    if (this.moment.getStore() !== undefined) return read();
    for (let retry = 0; ; retry++) {
      const moments: number[] = [];
      const value = await this.moment.run(moments, read);
      const apart = new Set(moments).size > 1 ? moments.join(' ') : null;
      // a difference that outlasts the retries (a read model stopped at an event) is answered through, as in `read`
      if (apart === null || retry === MOMENT_RETRIES || apart === this.lastingMomentDifference) {
        this.lastingMomentDifference = apart;
        return value;
      }
      await new Promise((resolve) => setTimeout(resolve, 4 ** retry));
    }
  }

  /**
   * One read, once more if a table it named is gone: a rebuild in another process may swap in a
   * new version and drop the old tables between the look-up of the live version and the query.
   * The second look-up sees the swap.
   */
  private readOnce<T>(projection: string, query: (checkpoint: number) => T, everyVersion: boolean): Snapshot<T> {
    try {
      return this.inOneSnapshot(projection, query, everyVersion);
    } catch (error) {
      // duck-typed: better-sqlite3's errors need not share this realm's Error (test runners)
      const message = (error as { message?: unknown } | null)?.message;
      if (typeof message !== 'string' || !message.startsWith('no such table: rm_')) throw error;
      this.prepared.clear();
      return this.inOneSnapshot(projection, query, everyVersion);
    }
  }

  /**
   * The query, its read model's checkpoint first and whether a commit round is under way last, in
   * that order: a read model committed in a round that has not ended is then never taken for one
   * outside any round. With `everyVersion`, every read model's checkpoint when a round is under way.
   */
  private inOneSnapshot<T>(projection: string, query: (checkpoint: number) => T, everyVersion: boolean): Snapshot<T> {
    this.resolved.clear();
    // versions looked up before the transaction: a swap's new file is attached then, which SQLite refuses inside one;
    // a read model stopped at an event is left out, or its lasting difference would be waited for in every round
    const compared = everyVersion ? this.live.names().filter((name) => !this.live.stopped(name)) : [projection];
    const versions = compared.map((name) => [name, this.versionOf(name)] as const);
    const own = this.statement(`SELECT position FROM ${this.live.checkpointTable(projection, this.versionOf(projection))} WHERE name = ? AND version = ?`).pluck();
    const roundsTable = this.live.roundsTable();
    const underWay = roundsTable === null ? null : this.statement(`SELECT EXISTS (SELECT 1 FROM ${roundsTable})`).pluck();
    return this.db.transaction((): Snapshot<T> => {
      const checkpoint = (own.get(projection, this.versionOf(projection)) as number | undefined) ?? 0;
      const value = query(checkpoint);
      if (underWay === null || underWay.get() === 0) return { value, checkpoint, positions: null };
      if (!everyVersion) return { value, checkpoint, positions: 'round under way' };
      const positions = new Map(versions.map(([name]) => [name, 0]));
      for (const [name, position] of this.checkpointsOf(versions).all() as [string, number][]) positions.set(name, position);
      return { value, checkpoint, positions };
    })();
  }

  /** The statement that reads every live version's checkpoint (prepared once per set of versions, as every query text is). */
  private checkpointsOf(versions: readonly (readonly [string, number])[]): Statement {
    const sql = versions
      .map(([name, version]) => `SELECT name, position FROM ${this.live.checkpointTable(name, version)} WHERE name = '${name}' AND version = ${version}`)
      .join(' UNION ALL ');
    return this.statement(sql).raw();
  }

  private versionOf(projection: string): number {
    let version = this.resolved.get(projection);
    if (version === undefined) {
      version = this.live.liveVersion(projection);
      this.resolved.set(projection, version);
    }
    return version;
  }

  private t(projection: string, table: string): string {
    return tableNamer(projection, this.versionOf(projection))(table);
  }

  async searchAccounts(text: string, options: { districtId?: string; limit: number; after?: string }): Promise<AccountsFound> {
    // ids and emails are compared whole as typed, without the quotes or the comma a paste from a
    // list or a spreadsheet brings along; names as search keys (see searchKey); the names and
    // emails an account had before are matched as its present ones, and a compound surname from
    // any of its words
    const needle = text.trim().toLowerCase().replace(/\s+/g, ' ').replace(PASTED_AROUND, '');
    // the name as typed first, then respaced ("o brien" is also "obrien"): @name, then @name1...
    const names = spacingVariants(searchKey(text));
    const nameMatches = (table: string, more: string, i: number): string => {
      const at = i === 0 ? '' : String(i);
      return `UNION SELECT id FROM ${table} WHERE search_name >= @name${at} AND search_name < @above${at}
             UNION SELECT id FROM ${table} WHERE search_name_rev >= @name${at} AND search_name_rev < @above${at}
             UNION SELECT id FROM ${table} WHERE search_name_full >= @name${at} AND search_name_full < @above${at}
             UNION SELECT id FROM ${table} WHERE search_name_later >= @name${at} AND search_name_later < @above${at}
             UNION SELECT account_id FROM ${more} WHERE name >= @name${at} AND name < @above${at}`;
    };
    // the text as compared (ids and emails whole, names by a key of it): the search a cursor pages
    const search: SearchOf = { kind: 'accounts', text: needle, ...(options.districtId === undefined ? {} : { districtId: options.districtId }) };
    const after = options.after === undefined ? undefined : searchCursorOf(search, options.after);
    if (needle === '') return { items: [], next: null, foundByFormer: [] };
    const district = options.districtId === undefined ? '' : 'AND s.district_id = @district';
    // the page's order as a row value: shared before removed, then name (none first) and id
    const order = "(s.status = 'removed'), coalesce(s.search_name, ''), s.id";
    const rows = await this.read('accounts', () => {
      const accounts = this.t('accounts', 'accounts');
      const search = this.t('accounts', 'account_search');
      const ids = this.t('accounts', 'account_ids');
      const more = this.t('accounts', 'account_more_names');
      // matched and ordered in the search table; only the page's documents are read
      return this.statement(
        `SELECT a.doc, page.removed, page.name, page.id FROM (
           SELECT s.id, s.status = 'removed' AS removed, coalesce(s.search_name, '') AS name FROM ${search} s WHERE s.id IN (
             SELECT account_id FROM ${ids} WHERE value = @needle
             UNION SELECT id FROM ${search} WHERE email = @needle
             ${names.map((_, i) => nameMatches(search, more, i)).join('\n             ')})
           ${district}
           ${after === undefined ? '' : `AND (${order}) > (@afterRemoved, @afterName, @afterId)`}
           ORDER BY ${order} LIMIT @limit) page
         JOIN ${accounts} a ON a.id = page.id
         ORDER BY page.removed, page.name, page.id`,
      )
        .raw()
        .all({
          needle,
          // a text with no name in it (a lone comma) matches no name: an empty range
          ...Object.fromEntries(names.flatMap((each, i) => [[`name${i === 0 ? '' : i}`, each], [`above${i === 0 ? '' : i}`, each === '' ? '' : each + ABOVE_PREFIX]])),
          district: options.districtId ?? null,
          limit: options.limit,
          ...(after === undefined ? {} : { afterRemoved: after[0], afterName: after[1], afterId: after[2] }),
        }) as SearchRow[];
    });
    const last = rows[rows.length - 1];
    const items = rows.map(([doc]) => JSON.parse(doc) as AccountView);
    return {
      items,
      next: rows.length === options.limit && last !== undefined ? searchCursor(search, [last[1], last[2], last[3]]) : null,
      foundByFormer: items.filter((account) => !matchesNow(account, needle, names)).map((account) => account.id),
    };
  }

  async account(id: string): Promise<AccountView | null> {
    const raw = await this.read('accounts', () => this.statement(`SELECT doc FROM ${this.t('accounts', 'accounts')} WHERE id = ?`).pluck().get(id) as string | undefined);
    return raw === undefined ? null : (JSON.parse(raw) as AccountView);
  }

  async accountAsOf(id: string, at: string): Promise<AccountView | null> {
    return this.recordAsOf<Account>('accounts', `user-${id}`, id, at, evolveAccount);
  }

  async accountNames(ids: readonly string[]): Promise<AccountName[]> {
    if (ids.length === 0) return [];
    // columns kept for this: no member's whole document is read or parsed
    const rows = await this.read(
      'accounts',
      () =>
        this.statement(
          `SELECT id, status, name, ever_student AS student FROM ${this.t('accounts', 'accounts')} WHERE id IN (SELECT value FROM json_each(?))`,
        ).all(JSON.stringify(ids)) as { id: string; status: 'active' | 'removed'; name: string | null; student: number }[],
    );
    return rows.map((r) => ({ id: r.id, status: r.status, name: r.name === null ? null : (JSON.parse(r.name) as Record<string, unknown>), student: r.student === 1 }));
  }

  async classNames(ids: readonly string[]): Promise<ClassName[]> {
    if (ids.length === 0) return [];
    // the name column the classes read model keeps beside each document, and one key of the
    // document, which SQLite reads without it being parsed here
    const rows = await this.read(
      'classes',
      () =>
        this.statement(
          `SELECT id, status, name, json_extract(doc, '$.firstSharedSync') AS firstSharedSync, json_extract(doc, '$.sharedAgainSyncs') AS sharedAgainSyncs FROM ${this.t('classes', 'classes')} WHERE id IN (SELECT value FROM json_each(?))`,
        ).all(JSON.stringify(ids)) as (Omit<ClassName, 'sharedAgainSyncs'> & { sharedAgainSyncs: string })[],
    );
    return rows.map((row) => ({ ...row, sharedAgainSyncs: JSON.parse(row.sharedAgainSyncs) as string[] }));
  }

  async searchClasses(text: string, options: { districtId?: string; limit: number; after?: string }): Promise<Page<ClassFound>> {
    const needle = text.trim().replace(PASTED_AROUND, '');
    const key = searchKey(needle);
    const search: SearchOf = { kind: 'classes', text: needle, ...(options.districtId === undefined ? {} : { districtId: options.districtId }) };
    const after = options.after === undefined ? undefined : searchCursorOf(search, options.after);
    if (needle === '') return { items: [], next: null };
    // the page's order as a row value: shared before removed, then name as searched (none first) and id
    const order = "(status = 'removed'), coalesce(search_name, ''), id";
    // a scan of the classes' search columns (a quarter of a million rows at the largest, no
    // document read): names are matched anywhere in them, which no index serves
    const rows = await this.read('classes', () =>
      this.statement(
        `SELECT id, district_id, status, name, sis_id, section_number, school_id, term_id, course_id,
                status = 'removed' AS removed, coalesce(search_name, '') AS sort_name
         FROM ${this.t('classes', 'classes')}
         WHERE (id = @needle OR sis_id = @needle OR section_number = @needle OR (@key <> '' AND instr(search_name, @key) > 0))
           ${options.districtId === undefined ? '' : 'AND district_id = @district'}
           ${after === undefined ? '' : `AND (${order}) > (@afterRemoved, @afterName, @afterId)`}
         ORDER BY ${order} LIMIT @limit`,
      ).all({
        needle,
        key,
        limit: options.limit,
        ...(options.districtId === undefined ? {} : { district: options.districtId }),
        ...(after === undefined ? {} : { afterRemoved: after[0], afterName: after[1], afterId: after[2] }),
      }) as ClassSearchRow[],
    );
    const last = rows[rows.length - 1];
    return {
      items: rows.map((r) => ({
        id: r.id, districtId: r.district_id, status: r.status, name: r.name, sisId: r.sis_id, sectionNumber: r.section_number,
        schoolId: r.school_id, termId: r.term_id, courseId: r.course_id,
      })),
      next: rows.length === options.limit && last !== undefined ? searchCursor(search, [last.removed, last.sort_name, last.id]) : null,
    };
  }

  async classRecord(id: string): Promise<ClassRecordView | null> {
    const raw = await this.read('classes', () => this.statement(`SELECT doc FROM ${this.t('classes', 'classes')} WHERE id = ?`).pluck().get(id) as string | undefined);
    return raw === undefined ? null : (JSON.parse(raw) as ClassRecordView);
  }

  /**
   * A class as it stood at a moment. Its document is that when nothing of the class was observed
   * after the moment (a roster of today, or of a quiet class: no log read); otherwise its stream is
   * folded from the log up to the moment, by the classes read model's own fold and no further than
   * that read model has folded, so that a roster of last term names the class as it was named then
   * and says whether it was shared then (removed and shared again since, say).
   */
  async classAsOf(id: string, at: string): Promise<ClassRecordView | null> {
    return this.recordAsOf<ClassView>('classes', `section-${id}`, id, at, evolveClass);
  }

  /**
   * A record (an account, a class) as it stood at a moment: its document when it has not changed
   * since, else its own stream folded up to the moment, read from the log a slice at a time (a
   * class's stream holds every enrollment) and no further than its read model's checkpoint.
   */
  private async recordAsOf<T extends { lastChangedAt: string; firstSharedAt: string }>(
    projection: 'accounts' | 'classes',
    stream: string,
    id: string,
    at: string,
    evolve: (then: T | undefined, event: RecordedEvent) => T | undefined,
  ): Promise<T | null> {
    const { raw, upTo } = await this.read(projection, (checkpoint) => ({
      raw: this.statement(`SELECT doc FROM ${this.t(projection, projection)} WHERE id = ?`).pluck().get(id) as string | undefined,
      upTo: checkpoint,
    }));
    if (raw === undefined) return null;
    const now = JSON.parse(raw) as T;
    if (now.lastChangedAt <= at) return now;
    if (now.firstSharedAt > at) return null;
    const positions = await this.log.streamPositions(stream, { after: 0, upTo, maxCount: Number.MAX_SAFE_INTEGER });
    let then: T | undefined;
    for (let i = 0; i < positions.length; i += AS_OF_FOLD_SLICE) {
      for (const event of await this.resolve(positions.slice(i, i + AS_OF_FOLD_SLICE))) {
        if (factsOf(event).observedAt > at) return then ?? null;
        then = evolve(then, event);
      }
    }
    return then ?? null;
  }

  /**
   * A record's timeline: its own events (its stream, read from the log by position) merged with
   * the events the timelines read model links to it, both up to that read model's checkpoint so
   * that a timeline shows one moment of the log even while the read model is behind.
   */
  async timeline(kind: TimelineKind, id: string, options: { after?: number; limit: number }): Promise<LoggedChange[]> {
    const after = options.after ?? 0;
    const { linked, upTo } = await this.read('timelines', (upTo) => {
      const linked = this.statement(
        `SELECT position FROM ${this.t('timelines', 'links')}
         WHERE subject_kind = ? AND subject_id = ? AND position > ? AND position <= ? ORDER BY position LIMIT ?`,
      )
        .pluck()
        .all(kind, id, after, upTo, options.limit) as number[];
      return { linked, upTo };
    });
    const streamId = `${kind}-${id}`;
    const own = await this.log.streamPositions(streamId, { after, upTo, maxCount: options.limit });
    // the first `limit` of either list hold the first `limit` of both together
    const positions = [...new Set([...own, ...linked])].sort((a, b) => a - b).slice(0, options.limit);
    const events = await this.resolve(positions);
    // the record's own removals and shares again say what it was, as the audit feed's do
    const wanted = new Set(events.filter((e) => e.streamId === streamId && (isRemoval(e) || isSharedAgain(e))).map((e) => e.position));
    const lastKnown = wanted.size === 0 ? new Map<number, LastKnownRecord | null>() : lastKnownAlong(await this.streamUpTo(streamId, Math.max(...wanted)), wanted);
    return events.map((event) => (wanted.has(event.position) ? withLastKnown(toChange(event), event, lastKnown.get(event.position) ?? null) : toChange(event)));
  }

  /** The events of one stream, oldest first, up to a position. */
  private async streamUpTo(streamId: string, last: number): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    for await (const event of this.log.readStream(streamId)) {
      if (event.position > last) break;
      events.push(event);
    }
    return events;
  }

  async rosterAsOf(sectionId: string, at: string): Promise<Membership[]> {
    return this.memberships('e.section_id = @id', 'e.role DESC, primary_from_at IS NULL, e.from_at, e.user_id', sectionId, at);
  }

  async classesOfUserAsOf(userId: string, at: string): Promise<Membership[]> {
    return this.memberships('e.user_id = @id', 'e.from_at, e.section_id', userId, at);
  }

  /**
   * Memberships current at a moment, with when and by which sync each teacher who was the primary
   * one then became primary (a primary teacher change makes a teacher primary long after they
   * joined the class). Only a teacher's membership is primary: a file that lists the primary
   * teacher among the class's students too enrolls them, as a student who is not primary.
   */
  private async memberships(match: string, order: string, id: string, at: string): Promise<Membership[]> {
    const rows = await this.read('enrollments', () => {
      const primaryThen = (column: string) =>
        `(SELECT p.${column} FROM ${this.t('enrollments', 'primary_teachers')} p
          WHERE e.role = 'teacher' AND p.section_id = e.section_id AND p.teacher_id = e.user_id AND p.from_at <= @at AND (p.to_at IS NULL OR p.to_at > @at)
          ORDER BY p.from_position DESC LIMIT 1)`;
      return this.statement(
        `SELECT e.section_id, e.user_id, e.role, e.from_at, e.from_sync, e.to_at,
           ${primaryThen('from_at')} AS primary_from_at, ${primaryThen('from_sync')} AS primary_from_sync
         FROM ${this.t('enrollments', 'enrollments')} e
         WHERE ${match} AND e.from_at <= @at AND (e.to_at IS NULL OR e.to_at > @at) ORDER BY ${order}`,
      ).all({ id, at }) as MembershipRow[];
    });
    return rows.map(toMembership);
  }

  async audit(filter: AuditFilter, options: { after?: number; limit: number }): Promise<LoggedChange[]> {
    const params: Record<string, unknown> = { after: options.after ?? 0, limit: options.limit };
    const rows = await this.read('audit', () => {
      // table names are resolved here, inside the retry: a swap may change them
      const keys = this.t('audit', 'audit_keys');
      // the audit's columns hold keys (see ValueKeys): a value it never met has none, and matches nothing
      const keysOf = (kind: string, name: string, values: string[]) => {
        params[`${name}Kind`] = kind;
        const named = values.map((v, i) => ((params[`${name}${i}`] = v), `@${name}${i}`));
        return `(SELECT key FROM ${keys} WHERE kind = @${name}Kind AND value IN (${named.join(', ')}))`;
      };
      // one value: `=` and a scalar subquery, which lets SQLite read the index in position order (IN would sort)
      const keyOf = (kind: string, name: string, value: string) => keysOf(kind, name, [value]);
      const where: string[] = ['a.position > @after'];
      if (filter.districtId !== undefined) where.push(`a.district = ${keyOf('district', 'district', filter.districtId)}`);
      if (filter.from !== undefined) (where.push('a.observed_at >= @from'), (params['from'] = millisecondsOf(filter.from, 'from')));
      if (filter.to !== undefined) (where.push('a.observed_at < @to'), (params['to'] = millisecondsOf(filter.to, 'to')));
      if (filter.syncId !== undefined) where.push(`a.sync = ${keyOf('sync', 'sync', filter.syncId)}`);
      if (filter.types?.length) where.push(`a.type IN ${keysOf('type', 'type', filter.types)}`);
      if (filter.recordTypes?.length) where.push(`a.record_type IN ${keysOf('record_type', 'rt', filter.recordTypes)}`);
      if (filter.schoolId !== undefined) {
        where.push(`a.position IN (SELECT position FROM ${this.t('audit', 'audit_schools')} WHERE school = ${keyOf('school', 'school', filter.schoolId)})`);
      }
      // a removal's or share again's trail in the same read: it names positions the same version of the feed folded
      const sql = `SELECT a.position, k.value AS record_type, r.trail FROM ${this.t('audit', 'audit')} a JOIN ${keys} k ON k.key = a.record_type
        LEFT JOIN ${this.t('audit', 'audit_trails')} r ON r.position = a.position
        WHERE ${where.join(' AND ')} ORDER BY a.position LIMIT @limit`;
      return this.statement(sql).all(params) as { position: number; record_type: string; trail: string | null }[];
    });
    const events = await this.resolve(rows.map((r) => r.position));
    const trails = new Map<number, number[]>();
    for (const r of rows) if (r.trail !== null) trails.set(r.position, positionsOf(r.trail));
    const lastKnown = await this.lastKnownOf(events, trails);
    return events.map((event, i) => {
      const change = toChange(event, rows[i]!.record_type);
      return trails.has(event.position) ? withLastKnown(change, event, lastKnown.get(event.position) ?? null) : change;
    });
  }

  /**
   * What each removal of a page removed, and what each share again had been: the events of all
   * their trails, each one's folded.
   * Those the page holds already (a share and its removal on one page) are taken from it; the
   * others are read from the log in one read.
   */
  private async lastKnownOf(events: readonly RecordedEvent[], trails: ReadonlyMap<number, number[]>): Promise<Map<number, LastKnownRecord | null>> {
    const found = new Map<number, LastKnownRecord | null>();
    if (trails.size === 0) return found;
    const byPosition = new Map(events.map((e) => [e.position, e]));
    const missing = [...new Set([...trails.values()].flat())].filter((p) => !byPosition.has(p)).sort((a, b) => a - b);
    for (const e of await this.resolve(missing)) byPosition.set(e.position, e);
    for (const event of events) {
      const trail = trails.get(event.position);
      if (trail !== undefined) found.set(event.position, lastKnownOf(event, trail.map((p) => byPosition.get(p)!)));
    }
    return found;
  }

  /**
   * The events at positions a read model holds, in the same order. Each position was read from
   * the log before it was indexed, and the log is never rewritten: a missing one means the read
   * model and the log disagree, which must not pass unnoticed.
   */
  private async resolve(positions: number[]): Promise<RecordedEvent[]> {
    const events = await this.log.readAt(positions);
    if (events.length !== positions.length || events.some((e, i) => e.position !== positions[i])) {
      const found = new Set(events.map((e) => e.position));
      const missing = positions.filter((p) => !found.has(p));
      throw new Error(`the read models point at log positions the log does not hold: ${missing.slice(0, 5).join(', ')}`);
    }
    return events;
  }

  async names(ids: { kind: 'school' | 'term' | 'course' | 'district'; id: string }[]): Promise<NamedRecord[]> {
    return this.read('lookups', () => {
      const select = this.statement(`SELECT kind, name, active FROM ${this.t('lookups', 'lookups')} WHERE id = ?`);
      const found: NamedRecord[] = [];
      for (const { kind, id } of ids) {
        const row = select.get(`${kind}-${id}`) as { kind: string; name: string | null; active: number } | undefined;
        if (row) found.push({ id, kind: row.kind, name: row.name, active: row.active === 1 });
      }
      return found;
    });
  }

  async namedByClasses(kind: 'term' | 'course', id: string): Promise<boolean> {
    // no index: asked only when a term or a course is not found, a scan of the classes' rows
    const column = kind === 'term' ? 'term_id' : 'course_id';
    return this.read('classes', () => this.statement(`SELECT EXISTS (SELECT 1 FROM ${this.t('classes', 'classes')} WHERE ${column} = ?)`).pluck().get(id) === 1);
  }

  async syncsFoldedUpTo(): Promise<number> {
    return this.read('syncs', (checkpoint) => checkpoint);
  }

  /**
   * One query per status, each an equality: SQLite plans `status IN (...)` on the district's
   * index and reads every sync of the district for its status (180 ms for the held sync of a
   * district of 100,000 syncs, 0.07 ms so).
   */
  async indexedSyncs(query: IndexedSyncQuery): Promise<{ foldedUpTo: number; syncs: IndexedSync[] }> {
    const where: string[] = [];
    const params: Record<string, unknown> = { limit: query.limit === undefined ? -1 : Math.max(0, Math.floor(query.limit)) };
    if (query.ids !== undefined) (where.push('id IN (SELECT value FROM json_each(@ids))'), (params['ids'] = JSON.stringify(query.ids)));
    if (query.districtId !== undefined) (where.push('district_id = @district'), (params['district'] = query.districtId));
    if (query.statuses !== undefined) where.push('status = @status');
    if (query.source !== undefined) (where.push('source = @source'), (params['source'] = query.source));
    if (query.before !== undefined) (where.push('first_position < @before'), (params['before'] = query.before));
    const conditions = where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`;
    const sql = `SELECT first_position, doc FROM ${this.t('syncs', 'syncs')} ${conditions} ORDER BY first_position DESC LIMIT @limit`;
    const { foldedUpTo, rows } = await this.read('syncs', (checkpoint) => {
      const statement = this.statement(sql).raw();
      const found: [number, string][] = [];
      for (const status of query.statuses ?? [null]) found.push(...(statement.all(status === null ? params : { ...params, status }) as [number, string][]));
      return { foldedUpTo: checkpoint, rows: found };
    });
    if ((query.statuses?.length ?? 1) > 1) rows.sort((a, b) => b[0] - a[0]);
    const syncs = (query.limit === undefined ? rows : rows.slice(0, query.limit)).map(([, doc]) => {
      const { firstPosition, position, ...summary } = JSON.parse(doc) as SyncRow;
      return { summary, firstPosition, position };
    });
    return { foldedUpTo, syncs };
  }

  /** The districts found one at a time along the status index: a few look-ups, not a read of every sync of those statuses. */
  async syncDistricts(statuses: readonly SyncStatus[]): Promise<{ foldedUpTo: number; districts: string[] }> {
    const next = `SELECT district_id FROM ${this.t('syncs', 'syncs')} WHERE status = ? AND district_id > ? ORDER BY district_id LIMIT 1`;
    return this.read('syncs', (checkpoint) => {
      const statement = this.statement(next).pluck();
      const districts = new Set<string>();
      for (const status of statuses) {
        for (let found = statement.get(status, '') as string | undefined; found !== undefined; found = statement.get(status, found) as string | undefined) districts.add(found);
      }
      return { foldedUpTo: checkpoint, districts: [...districts].sort() };
    });
  }
}
