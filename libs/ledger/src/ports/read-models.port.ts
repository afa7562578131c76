import type { RecordParts, SectionState, SyncSource, SyncStatus, SyncSummary, UserRole, UserState } from '@roster-ledger/domain';

/** An account as the read models hold it (personal data unredacted: the queries redact). */
export interface AccountView {
  id: string;
  districtId: string | null;
  status: 'active' | 'removed';
  roles: UserRole[];
  person: UserState;
  /**
   * Each role the person no longer holds, as it stood when it was removed (a removed student's
   * SIS id and grade): what support checks a search by an old SIS id against. Absent in accounts
   * folded before it was kept.
   */
  formerFacets?: Partial<Record<UserRole, RecordParts>>;
  firstSharedAt: string;
  firstSharedSync: string | null;
  lastChangedAt: string;
  removedAt: string | null;
  removedSync: string | null;
  position: number;
}

/**
 * A page of an account search, with the ids of its accounts that matched only on a name, email or
 * id they had before (a student renamed since a ticket named them): the account shows its present
 * ones, so nothing on it would say why it was found.
 */
export interface AccountsFound extends Page<AccountView> {
  foundByFormer: string[];
}

export interface AccountName {
  id: string;
  status: 'active' | 'removed';
  name: Record<string, unknown> | null;
  /** Whether the account is or was a student (reading its name goes to the access log). */
  student: boolean;
}

/** A class's name and status, without its document: what a timeline names it by. */
export interface ClassName {
  id: string;
  status: 'active' | 'removed';
  /** The section's name now, or the last one it had if it was removed; null when Clever gave none. */
  name: string | null;
  /** The sync that first shared it (the district's first sync, for a class there from the start). */
  firstSharedSync: string | null;
  /** The syncs that shared it again after it was removed, oldest first (see ClassRecordView). */
  sharedAgainSyncs: string[];
}

/** A class a search found: what tells it apart in a list, without its members. */
export interface ClassFound {
  id: string;
  districtId: string | null;
  status: 'active' | 'removed';
  /** The section's name now, or the last one it had if it was removed; null when Clever gave none. */
  name: string | null;
  sisId: string | null;
  sectionNumber: string | null;
  schoolId: string | null;
  termId: string | null;
  courseId: string | null;
}

export interface ClassRecordView {
  id: string;
  districtId: string | null;
  status: 'active' | 'removed';
  section: SectionState;
  firstSharedAt: string;
  firstSharedSync: string | null;
  /**
   * The syncs that shared the class again after it was removed, oldest first: its members then
   * joined at that sync or while the class was not shared, as its first members joined at the
   * first sync or before.
   */
  sharedAgainSyncs: string[];
  removedAt: string | null;
  removedSync: string | null;
  position: number;
}

export type TimelineKind = 'user' | 'section' | 'school' | 'district' | 'term' | 'course';

/** One event on a timeline or in the audit feed, with both clocks. */
export interface LoggedChange {
  position: number;
  streamId: string;
  type: string;
  syncId: string | null;
  districtId: string | null;
  /** When the sync saw the district this way (the ledger's clock). */
  observedAt: string;
  /** When the ledger wrote it. */
  recordedAt: string;
  /** When Clever says the record last changed. */
  cleverLastModified: string | null;
  /** Where the sync read it: `clever-api`, `clever-events`, `snapshot` or `sftp-csv`; null for an event of no sync. */
  source: string | null;
  /** The Clever event it came from (an events sync's), so that an auditor can trace it to Clever's feed; null otherwise. */
  cleverEventId: string | null;
  recordType?: string;
  data: Record<string, unknown>;
  /**
   * The audit feed, and a timeline's entries of its own record. On a removal (StudentRemoved, SectionRemoved, SchoolRemoved, ...): who or
   * what was removed, as the record stood just before, folded from its earlier events in the log;
   * null when the log holds no earlier version of it (a removal event carries only the id). On a
   * share of a record that was removed (shared again: StudentShared, SectionShared, ...): the
   * record as it stood when it was removed, the "before" of what the share says now; absent on a
   * first share.
   */
  lastKnown?: LastKnownRecord | null;
}

/**
 * A removed record as it stood just before its removal, in the shape of a share's data: its
 * fields (a user's: the removed role's, such as grade, schools, title) and its personal fields (a
 * user's own name and email with the role's SIS id, numbers and demographics).
 */
export interface LastKnownRecord {
  record: Record<string, unknown>;
  personal: Record<string, unknown>;
  /** True when personal fields were left out for this viewer (as on an event's data). */
  personalRedacted?: boolean;
}

/** A membership of a class at a moment: who, in which role, since when and by which sync. */
export interface Membership {
  sectionId: string;
  userId: string;
  role: 'student' | 'teacher';
  primary: boolean;
  since: string;
  sinceSync: string | null;
  /** When, and by which sync, a primary teacher became the primary one (later than `since` after a primary teacher change); null for anyone else. */
  primarySince: string | null;
  primarySinceSync: string | null;
  /** When the membership ended, if it has since the moment asked about; null while it lasts. */
  until: string | null;
}

export interface AuditFilter {
  districtId?: string;
  from?: string;
  to?: string;
  types?: string[];
  recordTypes?: string[];
  schoolId?: string;
  syncId?: string;
}

export interface Page<T> {
  items: T[];
  /** Pass as `after` for the next page; null on the last page. */
  next: string | null;
}

export interface NamedRecord {
  id: string;
  kind: string;
  name: string | null;
  active: boolean;
}

/**
 * The read models, queried. Each answer reflects the log up to the projections' checkpoints
 * (see ProjectionControl.status for how far behind they are).
 */
export interface ReadModels {
  /**
   * Runs `read`, which asks several of the questions below, so that all its answers are of one
   * moment of the log: it is run again when the read models moved on between two of its
   * questions (a sync's fold committed meanwhile). `read` must only read: it may run more than once.
   */
  atOneMoment<T>(read: () => Promise<T>): Promise<T>;
  /**
   * Accounts whose Clever id, SIS id, student/teacher/staff number, state id or email equals the
   * text, or whose name starts with it: shared ones first, then removed ones, each by name and id,
   * a page at a time (`after`: the `next` of the page before).
   * @throws InvalidInput for an `after` that is not the `next` of a page of this search (a class
   *   search's, or one of another text or district, is refused too: it would page from a place this search never gave)
   */
  searchAccounts(text: string, options: { districtId?: string; limit: number; after?: string }): Promise<AccountsFound>;
  account(id: string): Promise<AccountView | null>;
  /**
   * Just the names and status of several accounts, cheaply (one look-up by id, no document read):
   * for rosters and timelines. A removed account keeps the last name it had; ids never recorded
   * are left out.
   */
  accountNames(ids: readonly string[]): Promise<AccountName[]>;
  /**
   * An account as it stood at a moment (ISO timestamp): shared or removed then. Null when it was
   * not shared yet then, or was never recorded.
   */
  accountAsOf(id: string, at: string): Promise<AccountView | null>;
  classRecord(id: string): Promise<ClassRecordView | null>;
  /**
   * A class as it stood at a moment (ISO timestamp): its name, school, term, course and whether it
   * was shared or removed then. Null when it was not shared yet then, or was never recorded.
   */
  classAsOf(id: string, at: string): Promise<ClassRecordView | null>;
  /**
   * Just the names and status of several classes, cheaply (one look-up by id, no document read):
   * for timelines. A removed class keeps the last name it had; ids never recorded are left out.
   */
  classNames(ids: readonly string[]): Promise<ClassName[]>;
  /**
   * Classes whose id, SIS id or section number equals the text, or whose name holds it (as a
   * search key: any case, without accents):
   * shared ones first, then removed ones, each by name and id, a page at a time (`after`: the
   * `next` of the page before).
   * @throws InvalidInput for an `after` that is not the `next` of a page of this search (an
   *   account search's, or one of another text or district, is refused too)
   */
  searchClasses(text: string, options: { districtId?: string; limit: number; after?: string }): Promise<Page<ClassFound>>;
  /** Events on a timeline, oldest first, after a position cursor. */
  timeline(kind: TimelineKind, id: string, options: { after?: number; limit: number }): Promise<LoggedChange[]>;
  /** The members of a class at a moment (ISO timestamp). */
  rosterAsOf(sectionId: string, at: string): Promise<Membership[]>;
  /** The classes a user was in at a moment. */
  classesOfUserAsOf(userId: string, at: string): Promise<Membership[]>;
  /**
   * The audit feed, oldest first, after a position cursor; each removal with its record's last
   * known version (`lastKnown`, personal data unredacted: the queries redact).
   */
  audit(filter: AuditFilter, options: { after?: number; limit: number }): Promise<LoggedChange[]>;
  /** Names of schools, terms, courses and districts by id (missing ids are left out). */
  names(ids: { kind: 'school' | 'term' | 'course' | 'district'; id: string }[]): Promise<NamedRecord[]>;
  /** Whether a class (shared or removed) names this term or course as its own. */
  namedByClasses(kind: 'term' | 'course', id: string): Promise<boolean>;
  /**
   * The position of the log up to which the syncs read model has folded every sync event (its
   * checkpoint). SyncHistory folds the sync events past it. Each answer below comes with the
   * checkpoint it was read at: a rebuild may swap in a version behind the one it replaced.
   */
  syncsFoldedUpTo(): Promise<number>;
  /** Syncs of the syncs read model, newest first (by the position of their first event). */
  indexedSyncs(query: IndexedSyncQuery): Promise<{ foldedUpTo: number; syncs: IndexedSync[] }>;
  /** The districts of the syncs of these statuses the syncs read model holds, sorted. */
  syncDistricts(statuses: readonly SyncStatus[]): Promise<{ foldedUpTo: number; districts: string[] }>;
}

/** A sync as the syncs read model holds it, with where its stream starts and where it has folded to in the log. */
export interface IndexedSync {
  summary: SyncSummary;
  /** The log position of its first event (SyncStarted): the list of syncs is in this order. */
  firstPosition: number;
  /** The log position of the last of its events folded into `summary`. */
  position: number;
}

/** Which syncs: every condition given holds. */
export interface IndexedSyncQuery {
  ids?: readonly string[];
  districtId?: string;
  statuses?: readonly SyncStatus[];
  source?: SyncSource;
  /** Only syncs whose first event is before this log position (the next page of a list). */
  before?: number;
  limit?: number;
}

/** Who read which students' personal data, when, and through which endpoint. */
export interface AccessLogEntry {
  at: string;
  who: string;
  role: string;
  endpoint: string;
  studentIds: string[];
}

export interface AccessLogFilter {
  studentId?: string;
  who?: string;
  from?: string;
  to?: string;
  /** The `next` of the page before: entries older than its last one. */
  after?: number;
  limit: number;
}

export interface AccessLog {
  record(entry: AccessLogEntry): Promise<void>;
  /**
   * Entries, newest first, optionally of one student or one reader, a page at a time: `after` is
   * the `next` of the page before (entries older than its last one).
   */
  query(filter: AccessLogFilter): Promise<Page<AccessLogEntry>>;
}
