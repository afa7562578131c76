import { RECORD_KINDS, type RecordKind, type RosterRecord } from '../records/roster-records';
import type { RosterEventType } from '../events/roster-events';
import type { InputLocation } from '../errors/domain-error';
import { sharedTally, type GuardedType } from '../guard/mass-change-guard';
import { bothTimed, isOlderThan, type LedgerState } from '../state/ledger-state';
import { activeTally } from '../state/active-tally';
import { SyncEventIds } from '../events/sync-event-ids';
import { SnapshotDiff, type DiffResult, type PlannedEvent, type StreamChange } from './snapshot-diff';
import type { PartialCoverage } from './partial-coverage';
import { noFindings, noteEndsBeforeStart, noteRoleConflict, noteUnknownValues, noteUnnamed, noteUnresolved } from '../sync/sync-findings';

/**
 * One change an incremental source (Clever's Events API) reports about one record:
 * - `upsert`: the record as it is now, whole (Clever's `data.object`); the diff against the
 *   ledger decides what changed, so the same change reported twice records nothing the second time;
 *   `before`, when the source knows it, is the record as it was just before this change (Clever's
 *   `data.object` with `previous_attributes` put back); `partial`, what the record does not give
 *   beyond what the whole feed does not (a student without a field of a scope the app lacks),
 *   left as the ledger has it (see SnapshotDiff.add); `findings`, what the record says of itself
 *   that a full sync reports too (see RecordFinding), counted with its unknown values;
 * - `remove`: the record is no longer shared (`*.deleted`); `lastModified` is Clever's clock of
 *   the record as last known, when the source gives it;
 * - `skip`: read but not recorded (a contact, a `resources.*` event), counted by reason.
 */
export type IncrementalChange =
  | { type: 'upsert'; record: RosterRecord; unknownValues: readonly string[]; findings?: readonly RecordFinding[]; before?: RosterRecord; partial?: PartialCoverage }
  | {
      type: 'remove';
      kind: RecordKind;
      id: string;
      lastModified?: string;
      /** How `findings.skipped` counts it when the ledger holds no such record as shared (default NOT_IN_LEDGER): `contact` for a contact's. */
      ifNotHeld?: string;
    }
  | { type: 'skip'; reason: string };

/**
 * What a record, recorded as given, says of itself that the sync reports by the record's kind
 * (see SyncFindings): `endsBeforeStart`, a term whose end_date is before its start_date;
 * `unnamed`, a section whose name is `""`. The source finds them by the rule a full sync's
 * reader uses, so that an events sync reports what a full sync of the same record would.
 */
export type RecordFinding = 'endsBeforeStart' | 'unnamed';

/** The kinds a record refers to by id, besides its members (a section's school, term and course; a user's schools). */
const REFERENCED_KINDS = ['school', 'term', 'course'] as const;

/** How `findings.skipped` counts a change older than what the ledger holds. */
export const OLDER_THAN_LEDGER = 'older than the ledger';

/**
 * How `findings.skipped` counts a change of a record of the district once the district is removed
 * (Clever's `districts.deleted`, earlier in the batch or in an earlier sync): recorded, it would
 * share again a class or a person of a district the app no longer holds. A district shared again
 * (`districts.created`) takes its records' changes again.
 */
export const OF_A_REMOVED_DISTRICT = 'change of a record of a removed district';

/** How `findings.skipped` counts the removal of a record the ledger does not hold as shared (never shared, or removed already). */
export const NOT_IN_LEDGER = 'removal of a record not shared in the ledger';

export interface IncrementalContext {
  syncId: string;
  districtId: string;
  /** Fields the feed does not give at all: an upsert leaves them as they are (see DiffContext.partial). */
  partial?: PartialCoverage;
}

/** What caused a change: its Clever event (stamped on every event it yields) and where it was read. */
export interface ChangeCause {
  cleverEventId?: string;
  /** When Clever says the event happened (its `created`). */
  at?: string;
  origin?: InputLocation;
}

/**
 * The diff of an incremental sync: changes are applied one at a time, in feed order, each diffed
 * against the ledger state as the earlier changes of the batch left it (their events are folded
 * into `state` as they are planned). So one batch may touch a record several times (a section
 * updated twice, a user created then deleted) and every event still gets the right revision and
 * the right `from`. Removals are only ever explicit: a record the batch does not mention is
 * unchanged.
 *
 * Pure and deterministic like {@link SnapshotDiff}: same state, same changes, same sync id = same
 * events with the same ids. It MUTATES `state`: pass a state built for this sync only.
 *
 * A change never moves a record back to an older version (events that overlap a full sync, which
 * may already have recorded a later version, must be harmless). A change is skipped, counted in
 * `findings.skipped` as {@link OLDER_THAN_LEDGER}, when:
 * - both it and the ledger carry Clever's `last_modified` for the record, and the change's is
 *   strictly older (an update or a re-share, and a removal of a record re-created or changed since);
 * - otherwise (districts, terms and courses carry no clock), an update that says what it changed
 *   from (`before`) finds the ledger holding neither that version nor the new one: the ledger is
 *   already past it; or finds the record removed by a full sync as of a complete view (the
 *   removal's clock). An update without `before`, and a removal without a clock, are applied.
 *
 * The guard's tally counts active records as they were before the first change; removals and
 * updates are summed over the changes, so a record updated by two Clever events counts twice (a
 * cautious overcount: it can only hold a sync sooner).
 */
export class IncrementalDiff {
  private readonly streams = new Map<string, StreamChange>();
  private readonly counts: Partial<Record<RosterEventType, number>> = {};
  private eventCount = 0;
  private readonly findings = noFindings();
  private readonly removed: Partial<Record<GuardedType, number>> = {};
  private readonly updated: Partial<Record<GuardedType, number>> = {};
  private readonly active: Partial<Record<GuardedType, number>>;
  /** One sequence for the whole batch: each change is diffed by a diff of its own. */
  private readonly eventIds: SyncEventIds;
  /** The schools, terms and courses the batch's records refer to (see countUnresolvedReferences). */
  private readonly references: Record<'school' | 'term' | 'course', Set<string>> = { school: new Set(), term: new Set(), course: new Set() };
  /** The batch's new section members, with where their section was read (see countNewMembers). */
  private readonly newMembers: { id: string; role: 'student' | 'teacher'; list: string; at: InputLocation }[] = [];

  constructor(
    private readonly state: LedgerState,
    private readonly context: IncrementalContext,
  ) {
    this.active = activeTally(state);
    this.eventIds = new SyncEventIds(context.syncId);
  }

  /**
   * Diffs one change and folds its events into the state. Returns the events it planned (none
   * when the ledger already shows the change).
   * @throws InvalidInput for a record of another district.
   */
  apply(change: IncrementalChange, cause: ChangeCause = {}): PlannedEvent[] {
    if (change.type === 'skip') {
      this.findings.skipped[change.reason] = (this.findings.skipped[change.reason] ?? 0) + 1;
      return [];
    }
    if (this.isOlderThanLedger(change, cause.at)) {
      this.findings.skipped[OLDER_THAN_LEDGER] = (this.findings.skipped[OLDER_THAN_LEDGER] ?? 0) + 1;
      return [];
    }
    if (change.type === 'upsert' && change.record.kind !== 'district' && this.districtRemoved()) {
      this.findings.skipped[OF_A_REMOVED_DISTRICT] = (this.findings.skipped[OF_A_REMOVED_DISTRICT] ?? 0) + 1;
      return [];
    }
    // nothing to remove: read and counted, as any event that records nothing is
    if (change.type === 'remove' && !this.holds(change.kind, change.id)) {
      const reason = change.ifNotHeld ?? NOT_IN_LEDGER;
      this.findings.skipped[reason] = (this.findings.skipped[reason] ?? 0) + 1;
      return [];
    }
    const diff = new SnapshotDiff(this.state, { ...this.context, kinds: RECORD_KINDS, eventIds: this.eventIds });
    if (change.type === 'upsert') {
      diff.add(change.record, cause.origin, undefined, change.partial);
      for (const kind of REFERENCED_KINDS) for (const id of diff.references()[kind]) this.references[kind].add(id);
      const at = { ...cause.origin, recordId: change.record.id };
      noteUnknownValues(this.findings, change.unknownValues, at);
      for (const finding of change.findings ?? []) {
        if (finding === 'endsBeforeStart') noteEndsBeforeStart(this.findings, change.record.kind, at);
        else noteUnnamed(this.findings, change.record.kind, at);
      }
    } else if (change.kind === 'district') {
      // (the state is the district's alone: everything in it goes with it)
      diff.removeAll();
    } else {
      diff.remove(change.kind, change.id);
    }
    const planned = diff.planned();
    const events: PlannedEvent[] = [];
    for (const stream of planned.changes) {
      const stamped = stream.events.map((event) => (cause.cleverEventId === undefined ? event : { ...event, cleverEventId: cause.cleverEventId }));
      this.merge(stream, stamped);
      // the next change of the batch sees this one's events as if they were already recorded
      this.state.applyChange({ ...stream, events: stamped });
      events.push(...stamped);
    }
    if (change.type === 'upsert' && change.record.kind === 'section') this.noteNewMembers(events, { ...cause.origin, recordId: change.record.id });
    for (const [type, n] of Object.entries(planned.counts)) this.counts[type as RosterEventType] = (this.counts[type as RosterEventType] ?? 0) + n;
    this.eventCount += planned.eventCount;
    add(this.removed, planned.removed);
    add(this.updated, planned.updated);
    // fields the feed does not give, left as the ledger has them (see IncrementalContext.partial)
    const kept = (this.findings.kept ??= {});
    for (const [label, n] of Object.entries(planned.findings.kept ?? {})) kept[label] = (kept[label] ?? 0) + n;
    return events;
  }

  /** The batch's change set: each stream once, expected at the revision it had before the batch. */
  finish(): DiffResult {
    this.countNewMembers();
    this.countUnresolvedReferences();
    return {
      changes: [...this.streams.values()],
      counts: this.counts,
      eventCount: this.eventCount,
      findings: this.findings,
      tally: { active: this.active, removed: this.removed, updated: this.updated, shared: sharedTally(this.counts) },
    };
  }

  private isOlderThanLedger(change: Exclude<IncrementalChange, { type: 'skip' }>, at: string | undefined): boolean {
    const kind = change.type === 'upsert' ? change.record.kind : change.kind;
    const id = change.type === 'upsert' ? change.record.id : change.id;
    const held = this.state.lastModifiedOf(kind, id);
    const given = change.type === 'upsert' ? change.record.lastModified : change.lastModified;
    // Clever shares a removed record again with `*.created` (no old version), whose object keeps
    // the `last_modified` of its last edit in the SIS, as sharing edits nothing: news when the
    // event itself happened after the removal the ledger holds
    if (change.type === 'upsert' && change.before === undefined && !this.holds(kind, id) && isOlderThan(held, at)) return false;
    if (bothTimed(given, held)) return isOlderThan(given, held);
    const timed = (clock: string | undefined) => bothTimed(clock, clock);
    // no clock on the change (districts, terms, courses): an update of a record a full sync removed
    // as of its complete view is older news than that removal; Clever shares a record again with
    // `*.created`, which gives no old version and is applied
    if (change.type === 'upsert' && change.before !== undefined && !timed(given) && timed(held) && !this.holds(kind, id)) return true;
    if (change.type === 'remove' || change.before === undefined || !this.holds(kind, id)) return false;
    return !this.ledgerShows(change.before) && !this.ledgerShows(change.record);
  }

  /** Notes a section's new members, to be checked against their roles once the batch is diffed (see countNewMembers). */
  private noteNewMembers(events: readonly PlannedEvent[], at: InputLocation): void {
    for (const event of events) {
      if (event.type === 'StudentEnrolled') this.newMembers.push({ id: event.data.studentId, role: 'student', list: 'section.students', at });
      else if (event.type === 'TeacherAssigned') this.newMembers.push({ id: event.data.teacherId, role: 'teacher', list: 'section.teachers', at });
    }
  }

  /**
   * Counts the batch's new section members whom the ledger holds without the role of the list
   * naming them (see SyncFindings.roleConflicts), as the whole batch leaves their roles: a
   * `users.updated` giving the role may come after the section's event. Recorded all the same,
   * unlike in a full sync, which checks the snapshot's own users: here the ledger's roles are all
   * there is to check against, and a section's event refused would stop every events sync of the
   * district until a full sync. A member the ledger holds as no one shared is counted unresolved
   * instead, once, as a full sync counts one its snapshot does not show.
   */
  private countNewMembers(): void {
    const unresolved = new Set<string>();
    for (const { id, role, list, at } of this.newMembers) {
      const roles = this.state.users.rolesOf(id) ?? [];
      if (roles.length > 0 && !roles.includes(role)) noteRoleConflict(this.findings, list, at);
      // a member the ledger holds as no one shared (never shared, or removed), as the batch leaves
      // it: kept as an id, and counted as a full sync counts a member its snapshot does not show
      else if (roles.length === 0 && !unresolved.has(id)) {
        unresolved.add(id);
        noteUnresolved(this.findings, 'user', id);
      }
    }
    this.newMembers.length = 0;
  }

  /**
   * Counts the schools, terms and courses the batch's records refer to that the ledger holds as no
   * one shared, as the whole batch leaves it (a `terms.created` may come after the section's event
   * naming the term), once each, as a full sync counts those its snapshot does not show: kept as
   * ids, and said, so that a section's term Clever never sent is seen. (Members: see countNewMembers.)
   */
  private countUnresolvedReferences(): void {
    for (const kind of REFERENCED_KINDS) {
      for (const id of this.references[kind]) if (!this.holds(kind, id)) noteUnresolved(this.findings, kind, id);
      this.references[kind].clear();
    }
  }

  /** The ledger holds the district as it was shared once and removed since (none held: nothing to say). */
  private districtRemoved(): boolean {
    return this.state.records.district.get(this.context.districtId)?.active === false;
  }

  /** The ledger holds the record as shared now. */
  private holds(kind: RecordKind, id: string): boolean {
    if (kind === 'user') return (this.state.users.rolesOf(id)?.length ?? 0) > 0;
    if (kind === 'section') return this.state.sections.isActive(id) === true;
    return this.state.records[kind].get(id)?.active === true;
  }

  /** The ledger holds exactly this version of the record (a diff against it plans nothing). */
  private ledgerShows(record: RosterRecord): boolean {
    const probe = new SnapshotDiff(this.state, { ...this.context, kinds: RECORD_KINDS });
    probe.add(record);
    return probe.planned().eventCount === 0;
  }

  private merge(stream: StreamChange, events: PlannedEvent[]): void {
    const known = this.streams.get(stream.streamId);
    if (known) known.events.push(...events);
    else this.streams.set(stream.streamId, { streamId: stream.streamId, expectedRevision: stream.expectedRevision, events: [...events] });
  }
}

function add(total: Partial<Record<GuardedType, number>>, more: Partial<Record<GuardedType, number>>): void {
  for (const [type, n] of Object.entries(more)) total[type as GuardedType] = (total[type as GuardedType] ?? 0) + n;
}
