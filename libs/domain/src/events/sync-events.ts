import type { InputLocation } from '../errors/domain-error';
import type { GuardBreach } from '../guard/mass-change-guard';
import type { SnapshotContents } from '../sync/snapshot-contents';

type Event<Type extends string, Data> = { type: Type; data: Data };

/** Where a sync's view of the district came from. */
export type SyncSource = 'clever-api' | 'clever-events' | 'snapshot' | 'sftp-csv';

/** What a sync found besides the events it recorded: nothing here is an error. */
export interface SyncFindings {
  /** Records read but not recorded, by reason (e.g. `contact` users). */
  skipped: Record<string, number>;
  /** Distinct ids referenced but not present in the snapshot nor the ledger, by kind. */
  unresolved: Record<string, number>;
  /** The first few of those ids, by kind, in the order they were first referenced. Absent on syncs recorded before they were kept. */
  unresolvedIds?: Record<string, string[]>;
  /** Values outside Clever's documented enumerations or formats (a dob that is no day), kept raw, by `kind.field`. */
  unknownValues: Record<string, number>;
  /**
   * Where the first few of each `unknownValues` entry were read (file, line or record, and the
   * record's id), so that a person can find them; never the value, which may be personal.
   * Absent on syncs recorded before it was kept.
   */
  unknownValuesAt?: Record<string, InputLocation[]>;
  /**
   * Records of which the snapshot lacked something that the ledger holds, left as the ledger had
   * them, by what was missing: a file (`staff.csv`: staff kept) or a column (`students.csv Grade`:
   * records whose value would otherwise have been cleared). Absent when there were none.
   */
  kept?: Record<string, number>;
  /**
   * Values that disagree with another file's, by file and column, the other file's taken (an
   * enrollment's `School_id` that is not its section's: `enrollments.csv School_id`). Absent when
   * there were none.
   */
  mismatched?: Record<string, number>;
  /** Where the first few of each `mismatched` entry were read, as `unknownValuesAt`; absent when there were none. */
  mismatchedAt?: Record<string, InputLocation[]>;
  /**
   * New members of sections that an events sync recorded though the ledger holds the user without
   * the role of the list naming them (`section.students`: a teacher enrolled as a student;
   * `section.teachers`: a student assigned as a teacher). A full sync refuses such a section; an
   * events sync records it as Clever sent it and counts it here. Absent when there were none.
   */
  roleConflicts?: Record<string, number>;
  /** Where the first few of each `roleConflicts` entry were read (the section's id as recordId); absent when there were none. */
  roleConflictsAt?: Record<string, InputLocation[]>;
  /**
   * Records their files give no name, by kind (`section`: a sections.csv row with neither `Name`
   * nor `Course_name`, which Clever's CSV format allows, or a `name` of `""` in Clever's JSON: a
   * snapshot file, an API page or an event of an events sync). Such a section is recorded without a
   * name (one the ledger holds has it cleared), unless the file has neither column: then the name
   * the ledger holds is kept (and counted under `kept`). Absent when there were none.
   */
  unnamed?: Record<string, number>;
  /** Where the first few of each `unnamed` entry were read (file, line, record and its id), as `unknownValuesAt`; absent when there were none. */
  unnamedAt?: Record<string, InputLocation[]>;
  /**
   * People kept apart as two users though their files may say they are one, by file and column
   * (`staff.csv Staff_email`: a staff member whose email is a teacher's, where that email is more
   * than one teacher's or more than one staff member's, so which teacher the staff member is cannot
   * be told; one teacher and one staff member of an email are one user with two roles, as in
   * Clever). Absent when there were none.
   */
  unpaired?: Record<string, number>;
  /** Where the first few of each `unpaired` entry were read (file, line, record and the staff member's id); absent when there were none. */
  unpairedAt?: Record<string, InputLocation[]>;
  /**
   * Records that end before they start, by kind (`term`: an `end_date` before its `start_date`).
   * Recorded as given: the dates are the district's to fix. Absent when there were none.
   */
  endsBeforeStart?: Record<string, number>;
  /** Where the first few of each `endsBeforeStart` entry were read (file, line, record and its id), as `unknownValuesAt`; absent when there were none. */
  endsBeforeStartAt?: Record<string, InputLocation[]>;
}

/** The process running a sync: a later sync tells a dead one from a live one by it. */
export interface SyncOwner {
  pid: number;
  host: string;
  /**
   * When the process started, as its machine counts (its process-id namespace, the boot and the
   * moment since): a process id is reused, so a process of the same id that started at another
   * moment is not the owner. Absent where the system does not tell (and on owners recorded
   * before): the process id alone then.
   */
  started?: string;
}

export interface SyncStartedData {
  syncId: string;
  /** Absent on syncs recorded before owners were. */
  owner?: SyncOwner;
  districtId: string | null;
  source: SyncSource;
  /** The folder, URL or cursor the sync reads from (never a token). */
  origin: string;
  startedAt: string;
  requestedBy: string;
  /** Through what it was asked for (see RequestChannel); absent on syncs recorded before it was, and from callers that do not say. */
  requestedVia?: RequestChannel;
  /** Set on a full sync that ran because an events sync could not go on from its cursor: why. */
  fallback?: string;
  /**
   * Set on a full sync through the Clever API that could not read Clever's newest event before
   * reading the district: why. It sets no events cursor, so an events sync cannot follow it.
   */
  cursorNotSet?: string;
}
export interface SyncCompletedData extends SyncFindings {
  syncId: string;
  districtId: string;
  /** Roster events appended, by event type. Zero everywhere when nothing changed. */
  counts: Record<string, number>;
  appended: number;
  completedAt: string;
  /** Set when a held sync was applied by approval. */
  approvedBy?: string;
  /** The files the sync read, when it read a folder (absent on syncs recorded before contents were). */
  contents?: SnapshotContents;
  /** See {@link SyncHeldData.settledUnder}. */
  settledUnder?: number;
  /**
   * Set when the files were byte for byte those of this earlier sync, with nothing recorded of the
   * district since: the sync read no record, and its findings are that sync's.
   */
  sameFilesAs?: string;
  /** See {@link SyncHeldData.eventsCursor}: the cursor this sync moved, in the same append. */
  eventsCursor?: SyncEventsCursor;
}
/**
 * Where a sync moves its district's Clever events cursor (stream `cursor-{districtId}`, in the same
 * append as its roster events): the Clever event id the next events sync reads after (null: from
 * the start of the feed), and the moment of its cursor event.
 */
export interface SyncEventsCursor {
  value: string | null;
  at: string;
}
export interface SyncFailedData {
  syncId: string;
  /** The district, when the sync had learnt it (absent on older events). */
  districtId?: string | null;
  code: string;
  reason: string;
  at?: InputLocation;
  failedAt: string;
  /** For an INTERRUPTED sync found dead by a later sync (or the approval or discard of a held one) as it took its lock: that sync's id. */
  foundBy?: string;
}
export interface SyncHeldData extends SyncFindings {
  syncId: string;
  districtId: string;
  breaches: GuardBreach[];
  /** Roster events the sync would append, by event type. */
  counts: Record<string, number>;
  pending: number;
  heldAt: string;
  /** The files the sync read, when it read a folder. */
  contents?: SnapshotContents;
  /**
   * Set, with `contents`, when the state the sync leaves is known to be exactly what its files
   * make: it appended nothing, or each record it read was diffed again against the state its
   * events made and planned nothing. The value is the ledger state format of the code that
   * checked (LEDGER_STATE_FORMAT): the same files again are recognised only under that format.
   */
  settledUnder?: number;
  /**
   * Where the sync moves its district's events cursor, with the cursor event in its change set (so
   * on approval); absent when it moves none (an import, an events sync that read no new event) and
   * on syncs recorded before it was kept.
   */
  eventsCursor?: SyncEventsCursor;
}
/**
 * Through what a sync was asked for: `api`, with an API key (`requestedBy` is the key's name, which
 * the key proves); `cli`, on the machine holding the ledger (`requestedBy` is the login name, which
 * nothing proves); or `schedule`, by `serve`'s schedule.
 */
export type RequestChannel = 'cli' | 'api' | 'schedule';

/**
 * Where a person decided on a held sync: `api`, with an API key (`by` is the key's name, which the
 * key proves), or `cli`, on the machine holding the ledger (`by` is the `--by` given or the login
 * name, which nothing proves).
 */
export type DecisionChannel = 'cli' | 'api';

export interface SyncApprovedData {
  syncId: string;
  by: string;
  /** Absent on approvals recorded before the channel was. */
  via?: DecisionChannel;
  approvedAt: string;
}
export interface SyncDiscardedData {
  syncId: string;
  by: string;
  /** Absent on discards recorded before the channel was. */
  via?: DecisionChannel;
  discardedAt: string;
}

export type SyncEvent =
  | Event<'SyncStarted', SyncStartedData>
  | Event<'SyncCompleted', SyncCompletedData>
  | Event<'SyncFailed', SyncFailedData>
  | Event<'SyncHeld', SyncHeldData>
  | Event<'SyncApproved', SyncApprovedData>
  | Event<'SyncDiscarded', SyncDiscardedData>;
export type SyncEventType = SyncEvent['type'];
